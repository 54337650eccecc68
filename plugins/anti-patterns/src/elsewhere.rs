//! A decision reached outside the channel, read by structure: a place or a way of talking that is
//! not the channel (a call, a DM, a private thread, another `#channel`, "spoke with the vendor"),
//! and in the same line either a word of deciding ("agreed", "signed off", "went with") or, after
//! talk that has already happened, what the team will now do ("went through it with the lead: we're
//! switching it off").
//!
//! The phrase cues ([`crate::cues`]) know the common ways of citing a call ("as agreed on the
//! call"); this reads the same act when the place, the people or the verb are other words.
//!
//! ```
//! use anti_patterns::elsewhere::decided_elsewhere;
//! assert!(decided_elsewhere("talked it over in a private thread with the DBA: we're failing over"));
//! assert!(decided_elsewhere("per the leads' huddle, draining eu-west"));
//! assert!(!decided_elsewhere("jumping on the bridge, we'll post what we find here"));
//! assert!(!decided_elsewhere("the thread above has the graphs, we're rolling back"));
//! ```

use crate::text::Words;

/// Ways of talking that are never the incident channel itself.
pub(crate) const ALWAYS_ELSEWHERE: &[&str] = &[
    "call",
    "calls",
    "bridge",
    // "came out of the 05:30 OCC brief": a briefing is a meeting.
    "brief",
    "briefing",
    "debrief",
    "zoom",
    "meet",
    "meeting",
    "huddle",
    "sync",
    "standup",
    "stand-up",
    "dm",
    "dms",
    "pm",
    "pms",
    "phone",
    "1:1",
    "1-1",
    "1on1",
    "one-on-one",
    "email",
    "e-mail",
    "whatsapp",
    "signal",
    "sms",
    "hangout",
    "telecon",
    "conference",
    "video",
    "voice",
    // A ticket's or a pull request's comment thread is never the incident channel.
    "comments",
];
/// Ways of talking that may be the channel itself: elsewhere only with a word that says so.
pub(crate) const ELSEWHERE_IF_SET_APART: &[&str] = &[
    "thread",
    "chat",
    "room",
    "channel",
    "conversation",
    "convo",
    "sidebar",
    "group",
    "slack",
    "teams",
    "discussion",
];
/// A message sent by phone ("sent by text message to the duty manager"): read as two words.
pub(crate) const TEXT_MESSAGES: &[&str] = &["text message", "text messages", "text msg"];
/// Places people meet in person: someone's desk, an office, a hallway. ("Pod" is left out:
/// in an incident it is a container.)
pub(crate) const IN_PERSON: &[&str] = &[
    "desk", "office", "hallway", "corridor", "kitchen", "cubicle",
];
/// Where people talk away from their desks, on the way somewhere or over a meal: "went over it in
/// the van", "in the canteen, we went through it over lunch".
pub(crate) const IN_PASSING: &[&str] = &[
    "van",
    "car",
    "taxi",
    "cab",
    "train",
    "lift",
    "elevator",
    "canteen",
    "cafeteria",
    "lunch",
    "coffee",
    "dinner",
    "breakfast",
];
/// Talk said in words that are neither a verb of talking nor a place: "had a word with the match
/// director", "ran into Mireille".
pub(crate) const TALK_IN_OTHER_WORDS: &[&str] = &["had a word", "ran into", "bumped into"];
/// A phone call made, whatever its object ("rang their on-call director").
pub(crate) const PHONED: &[&str] = &["rang", "phoned", "rung"];

/// A past verb of talking a few words either side of word `i` ("went over it in the van", "in
/// the canteen, we went through it").
fn talked_near(words: &Words, i: usize) -> bool {
    (i.saturating_sub(6)..words.len().min(i + 7)).any(|j| {
        let w = words.get(j);
        // "went over it", "went through it"; "went for coffee" is no talk.
        let went_over = w == "went" && matches!(words.get_or_empty(j + 1), "over" | "through");
        TALKED_WITH.contains(&w) || went_over || matches!(w, "discussed" | "talked" | "hashed")
    })
}

/// "ran into Mireille", "bumped into the duty manager": someone met, not a thing hit ("ran
/// into the lock", "ran into trouble").
fn met_someone(words: &Words, into: usize) -> bool {
    const THINGS: &[&str] = &[
        "the", "a", "an", "this", "that", "some", "trouble", "problems", "issues", "errors",
        "limits", "timeouts", "it",
    ];
    let next = words.get_or_empty(into + 1);
    let role = matches!(
        words.get_or_empty(into + 2),
        "manager" | "lead" | "director" | "ic"
    );
    !next.is_empty() && (!THINGS.contains(&next) || role)
}

/// Walking to someone ("walked over to", "stopped by", "swung by"); not "went" or "ran",
/// which say as often what a job or a command did.
const WALKED: &[&str] = &["walked", "stopped", "popped", "swung", "strolled"];

/// Words that set a conversation apart from the channel.
const SET_APART: &[&str] = &[
    "private",
    "separate",
    "side",
    "other",
    "another",
    "different",
    "direct",
    "leads",
    "leads'",
    "leadership",
    "exec",
    "execs",
    "management",
    "backchannel",
    "offline",
    "closed",
];
/// Prepositions that place something in a conversation ("on the call", "from the sync").
const PLACING: &[&str] = &[
    // "out of the brief": only with "out" before it (see `placed`).
    "of",
    "on",
    "in",
    "over",
    "via",
    "during",
    "from",
    "per",
    "after",
    "at",
    "following",
    "by",
    "through",
];
/// Adverbs that say the talk happened away from the channel.
pub(crate) const AWAY: &[&str] = &["privately", "offline", "irl", "f2f"];
/// Verbs of talking with someone, in the past ("spoke with the vendor").
pub(crate) const TALKED_WITH: &[&str] = &[
    "spoke",
    "talked",
    "chatted",
    "synced",
    "met",
    "conferred",
    "huddled",
];
/// Past talk between people besides `TALKED_WITH` ("discussed", "went over", "hashed out",
/// "walked over to").
const TALKED_ALSO: &[&str] = &[
    "discussed",
    "went",
    "caught",
    "hashed",
    "called",
    "phoned",
    "walked",
    "stopped",
    "popped",
    "swung",
];
/// Words of a decision reached.
const DECIDING: &[&str] = &[
    // "upshot: they won't roll back before 22:00": the conclusion of the talk, announced.
    "upshot",
    "verdict",
    "agreed",
    "decided",
    "settled",
    "confirmed",
    "approved",
    "concluded",
    "chose",
    "chosen",
    "opted",
    "aligned",
    "okayed",
    "ok'd",
    "oked",
    "greenlit",
    "green-lit",
    "blessed",
    "consensus",
    "verdict",
    "sign-off",
    "signoff",
    // An instruction given elsewhere and carried out here is the decision.
    "instruction",
    "instructions",
    "instructed",
];
/// Two-word decisions ("signed off", "went with").
const DECIDING_PAIRS: &[(&str, &str)] = &[
    ("signed", "off"),
    ("went", "with"),
    ("going", "with"),
    ("landed", "on"),
    ("settled", "on"),
    ("go", "ahead"),
    ("go-ahead", ""),
];
/// What a line says the team now does ("we're", "we will", "let's").
const COMMITTING: &[&str] = &[
    "we're", "we'll", "we'd", "let's", "lets", "gonna", "plan", "will",
];

/// Whether a line says a decision was reached somewhere other than the channel. Only a line
/// with a word of [`crate::cues::Cue::Place`] or a `#channel` can; callers holding the line's
/// cues test that first, since this reads the line's words again.
pub fn decided_elsewhere(text: &str) -> bool {
    let words = Words::new(text);
    let Some(place) = talk_elsewhere(&words) else {
        return false;
    };
    deciding(&words)
        || cited(&words, place)
        || (talk_happened(&words, place)
            && (commits(&words, place) || outcome_follows(text, place)))
}

/// "came out of the OCC brief w/ the station mgr: zone B goes dark": after talk that has
/// happened, a colon introduces what it settled. (A clock's "05:30" is no such colon.)
fn outcome_follows(text: &str, place: usize) -> bool {
    text.find(": ")
        .is_some_and(|colon| Words::new(&text[..colon]).len() > place)
}

/// Whether a line tells of a talk outside the channel as over ("went over it in the van",
/// "just had Joost on Zoom"), rather than citing one ("per the call").
pub fn talk_reported(text: &str) -> bool {
    let words = Words::new(text);
    talk_elsewhere(&words).is_some_and(|place| talk_happened(&words, place))
}

/// "I'll tell the minister's office", "will brief the exec call": a place told afterwards is an
/// audience for what was decided here, not where it was decided.
fn audience(words: &Words, i: usize) -> bool {
    (i.saturating_sub(4)..i).any(|j| {
        matches!(
            words.get(j),
            "tell" | "inform" | "brief" | "update" | "notify" | "ping" | "let"
        )
    })
}

/// The index of the first word that places talk outside the channel.
fn talk_elsewhere(words: &Words) -> Option<usize> {
    (0..words.len()).filter(|&i| !audience(words, i)).find(|&i| {
        let w = words.get(i);
        AWAY.contains(&w)
            || (ALWAYS_ELSEWHERE.contains(&w) && placed(words, i))
            || (ELSEWHERE_IF_SET_APART.contains(&w) && set_apart(words, i))
            || (w.starts_with('#') && w.len() > 1 && i > 0 && PLACING.contains(&words.get(i - 1)))
            || talked_with_someone(words, i)
            // "rang their on-call director": a phone call made, whatever the object.
            || PHONED.contains(&w)
            || (w == "text"
                && matches!(words.get_or_empty(i + 1), "message" | "messages" | "msg")
                && placed(words, i))
            || (IN_PERSON.contains(&w) && went_to_someone(words, i))
            || (IN_PASSING.contains(&w) && talked_near(words, i))
            // "ran into Mireille from city mobility": a meeting in person, by chance.
            || (w == "into" && i > 0 && matches!(words.get(i - 1), "ran" | "bumped") && met_someone(words, i))
    })
}

/// "walked over to ana's desk", "stopped by the DBAs' office": a place of someone's, reached on
/// foot, is a conversation away from the channel.
fn went_to_someone(words: &Words, i: usize) -> bool {
    let owned = i > 0 && (words.get(i - 1).ends_with("'s") || words.get(i - 1).ends_with("s'"));
    let walked = (i.saturating_sub(5)..i).any(|j| WALKED.contains(&words.get(j)));
    owned || walked
}

/// Ways of talking that are also verbs ("sync replicas", "call the vendor").
const ALSO_VERBS: &[&str] = &[
    "call",
    "calls",
    "sync",
    "meet",
    "phone",
    "signal",
    "video",
    "voice",
    "email",
    "e-mail",
    "dm",
    "pm",
    "conference",
];
/// Words that mark the next word as a noun.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "my", "your", "their", "his", "her", "that", "this", "today's",
];

/// A preposition at most four words before word `i` ("on the payments team's call"). A word that is also
/// a verb must follow the preposition or a determiner directly ("on the call", "over phone"),
/// so "restore from backups, sync replicas" is not a place.
fn placed(words: &Words, i: usize) -> bool {
    let preposition = (i.saturating_sub(4)..i).any(|j| {
        let w = words.get(j);
        PLACING.contains(&w) && (w != "of" || out_of(words, j))
    });
    let before = i.checked_sub(1).map_or("", |b| words.get(b));
    let noun = !ALSO_VERBS.contains(&words.get(i))
        || PLACING.contains(&before)
        || DETERMINERS.contains(&before)
        || before.ends_with("'s")
        || before.ends_with("s'")
        || SET_APART.contains(&before);
    preposition && noun
}

/// True when word `j` is the "of" of "out of" ("came out of the brief").
fn out_of(words: &Words, j: usize) -> bool {
    words.get(j) == "of" && j > 0 && words.get(j - 1) == "out"
}

/// A setting-apart word at most two words before word `i` ("a private thread").
fn set_apart(words: &Words, i: usize) -> bool {
    (i.saturating_sub(2)..i).any(|j| SET_APART.contains(&words.get(j)))
}

/// "spoke with the vendor", "synced with @ana": talk with someone, in the past.
fn talked_with_someone(words: &Words, i: usize) -> bool {
    let w = words.get(i);
    // "had a word with the match director": the same talk, said as a noun.
    let a_word = w == "word" && i >= 2 && words.get(i - 1) == "a" && words.get(i - 2) == "had";
    let verb = TALKED_WITH.contains(&w) || a_word;
    let with = (i + 1..(i + 3).min(words.len())).find(|&j| words.get(j) == "with");
    verb && with.is_some_and(|j| {
        j + 1 < words.len() && !matches!(words.get(j + 1), "everyone" | "all" | "y'all" | "you")
    })
}

fn deciding(words: &Words) -> bool {
    (0..words.len()).any(|i| {
        let (w, next) = (words.get(i), words.get_or_empty(i + 1));
        // "hashed it out", "thrashed out the plan": settling, with the particle a word or two on.
        let settled_out = matches!(w, "hashed" | "thrashed" | "ironed")
            && (i + 1..(i + 4).min(words.len())).any(|j| words.get(j) == "out");
        // "sorted it between them": settled, said with the thing settled as the object.
        let sorted =
            matches!(w, "sorted" | "landed") && matches!(next, "it" | "this" | "that" | "out");
        DECIDING.contains(&w)
            || DECIDING_PAIRS.iter().any(|&(a, b)| a == w && b == next)
            || settled_out
            || sorted
    })
}

/// "per the huddle", "following #db-leads": the place given as the authority for what follows.
fn cited(words: &Words, place: usize) -> bool {
    (place.saturating_sub(6)..place)
        .any(|j| matches!(words.get(j), "per" | "following" | "pursuant"))
}

/// Whether the talk is told as done: a past verb of talking up to the place, or the place
/// given with "after" or "from" ("back from the leadership room").
fn talk_happened(words: &Words, place: usize) -> bool {
    // "just had Joost on Zoom": someone had on a call is talk that happened.
    let had_on =
        (0..place).any(|i| words.get(i) == "had") && place > 0 && words.get(place - 1) == "on";
    // "had a word with", "ran into": the talk said in words that are past already.
    let said_in_the_past = matches!(words.get(place), "word" | "into");
    let past_talk = had_on
        || said_in_the_past
        || (0..=place).any(|i| {
            let w = words.get(i);
            TALKED_WITH.contains(&w) || TALKED_ALSO.contains(&w)
        });
    let after_it = (place.saturating_sub(4)..place)
        .any(|j| matches!(words.get(j), "after" | "from") || out_of(words, j));
    past_talk || after_it
}

/// Whether, after the place, the line says what the team will do. Chat drops apostrophes, so
/// "were switching" and "going to" count as well as "we're".
fn commits(words: &Words, place: usize) -> bool {
    // "their engineer will call back within 30 minutes": what the other side will do is their
    // promise, not a decision of the team's.
    let theirs = |i: usize| {
        (i.saturating_sub(3)..i).any(|j| matches!(words.get(j), "they" | "their" | "they'll"))
    };
    (place + 1..words.len()).any(|i| {
        let (w, next) = (words.get(i), words.get_or_empty(i + 1));
        COMMITTING.contains(&w) && !(matches!(w, "will" | "plan") && theirs(i))
            || (matches!(w, "were" | "we") && next.ends_with("ing"))
            || (w == "going" && matches!(next, "to" | "with"))
            // "the affected products are to be withdrawn": an instruction reported back.
            || (matches!(w, "is" | "are") && next == "to")
            // "reindex stays suspended till tonight": the outcome reported as settled.
            || matches!(w, "stays" | "remains" | "stay" | "remain")
    })
}

#[cfg(test)]
mod tests {
    use super::decided_elsewhere;

    #[test]
    fn decisions_reached_away_from_the_channel_are_read_in_other_words() {
        for text in [
            "as agreed on the exec call, failing over to the standby",
            "Signed off in DMs with the payments lead: rolling back to 4.2",
            "went through it in a separate chat with the vendor, we're disabling the integration",
            "after the sync with networking we're draining the eu pop",
            "per #db-leads, the migration is paused",
            "spoke with Olena from the storage team, we'll cut over at 14:00",
            "Privately confirmed with security: keys get rotated now",
            "ok'd on the payments team's call: shedding free-tier traffic",
            "popped over to the dba's desk, we're killing the vacuum",
            "Back from the leadership room: the old tariff is to be restored",
            "the storage leads thrashed it out in #storage-leads, compaction remains off",
            "Pursuant to the CFO's instruction by text message, refunds go out at 10:00",
            "Ana and Bo sorted it between them in the PR comments: the flag stays off",
            "fyi the VP and finance already landed this in their sync: refunds for all",
            "rang the vendor's duty director. upshot: no rollback before tonight",
            "just out of the 07:00 ops brief with the airport: gates 3-9 close for the night",
            "just had the regulator on zoom: app first, terminals after the re-check",
            "had a word with the match director in the gallery: 4K comes off until the whistle",
            "back, ran into Mireille from the city and we talked it over: all garages go to free exit",
            "back. ana and i went over it in the van: the east docks stay locked for today",
            "met the ward manager in the cafeteria, we went through it over coffee: paper charts tonight",
            "back. ikaika and i went over it in the van on the way to the depot: riverside stays locked for today, crew swaps boards at the 6 busiest stations first",
        ] {
            assert!(decided_elsewhere(text), "{text}");
        }
    }

    #[test]
    fn going_somewhere_to_talk_or_talking_here_is_not() {
        for text in [
            "Agreed, it stays. I'll tell the minister's office.",
            "Phoned the hub's duty desk. Ticket logged; their engineer will call back within 30 minutes.",
            "went for coffee, we'll restart the pods when I'm back",
            "jumping on the bridge to talk options",
            "moving to a call, will post the decision here",
            "the thread above has the graphs, we're rolling back",
            "we're restarting the consumers now",
            "agreed, restarting",
            "I'll set up a zoom if this drags on",
            "called the restart, it's going now",
            "Plan agreed: restore from backups, sync replicas in both regions",
            "my desk phone is ringing, we'll restart after",
            "ran the fix on the worker pod, confirmed it holds",
            "the text message template for outages needs a rewrite",
            "left some comments on the dashboard, have a look",
            "in the text message we sent customers, the time stays in UTC",
            "rang the vendor twice, no answer yet",
            "the brief for the 05:30 shift is pinned above: read it first",
            "the tail of the call log shows no errors",
            "had a look on the bridge dashboard, nothing new",
            "a word with the vendor would help: can someone ping them",
            "the job ran into the lock again: retrying",
            "went back to the depot in the van, 12 boards swapped",
        ] {
            assert!(!decided_elsewhere(text), "{text}");
        }
    }
}
