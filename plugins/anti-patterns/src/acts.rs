//! Acts read from structure and verb classes rather than from phrase lists: who holds the IC role
//! and who is named, what kind of verb the line uses (giving something away, leaving, taking on
//! a task), and what the record's own fields say (a role that changes under the same person).
//!
//! The phrase cues ([`crate::cues`]) know the usual ways of saying an act; these rules catch the
//! same act said in other words, by its meaning:
//!
//! - a **handover** is responsibility for the incident moving from the IC of the moment to another
//!   named participant: the IC names someone and gives the role (or "this", "it") away, or names
//!   someone, asks them to carry a task and says they are leaving; or the IC names someone and
//!   then posts under another role (the record shows the step down);
//! - a **stated wait** is a step that says when its result is due ("takes about 25 min", "I'll
//!   report at 08:36"): until then, quiet is the wait the team agreed, not a stall.

use crate::context::Context;
use crate::model::{Event, EventKind, Role};
use crate::text::Words;

/// Verbs (and the possessive) that give something to someone else.
const GIVING: &[&str] = &[
    "pass",
    "passing",
    "passed",
    "hand",
    "handing",
    "handed",
    "give",
    "giving",
    "gave",
    "transfer",
    "transferred",
    "transferring",
    "transfers",
    "passes",
    "hands",
    "gives",
    "entrust",
    "entrusting",
    "yours",
];
/// Verbs that take on or keep working something.
const TASKING: &[&str] = &[
    "take",
    "taking",
    "carry",
    "carrying",
    "own",
    "owning",
    "owns",
    "drive",
    "driving",
    "continue",
    "run",
    "pick",
    // "Elif is leading this from now"; not "lead", which is as often the noun ("team lead").
    "leading",
    "steer",
    "steering",
    "coordinate",
    "coordinating",
    // "R. Haddad will chair the bridge for the remainder": a bridge or a call is chaired.
    "chair",
    "chairing",
];
/// Verbs and words of the speaker leaving.
const LEAVING: &[&str] = &[
    "leave", "leaving", "go", "jump", "jumping", "drop", "dropping", "head", "heading", "sleep",
    "bed", "step", "stepping", "off", "afk", "away",
];
/// What is given in a handover: the role, or the incident itself.
const ROLE_NOUNS: &[&str] = &[
    "ic",
    "lead",
    "command",
    "commander",
    "incident",
    "reins",
    "baton",
    // "Coordination passes to L. Becker": the role named by what it does.
    "coordination",
    "coordinator",
    "this",
    "it",
];

fn any_of(words: &Words, class: &[&str]) -> bool {
    words.iter().any(|w| class.contains(&w))
}

/// "we need to go slower to gmail", "gotta go back to yesterday's file": "go" with a manner or a
/// direction says what the team does next, not that the speaker leaves. True when that is the
/// line's only sign of leaving.
pub fn going_is_a_plan(text: &str) -> bool {
    const MANNER: &[&str] = &[
        "slower", "faster", "slow", "back", "ahead", "with", "live", "for", "through", "over",
        "down", "up", "to", "on", "into", "via", "the", "easy", "further", "wider",
    ];
    const LEAVING_SIGNS: &[&str] = &[
        "ic", "take", "yours", "hand", "handing", "pass", "passing", "shift", "leave", "leaving",
        "jump", "drop", "bed", "sleep", "afk", "away", "driving", "run", "meeting", "bye",
    ];
    let words = Words::new(text);
    let planned = (1..words.len()).any(|k| {
        words.get(k) == "go"
            && matches!(words.get(k - 1), "to" | "gotta")
            && MANNER.contains(&words.get_or_empty(k + 1))
    });
    planned && !words.iter().any(|w| LEAVING_SIGNS.contains(&w))
}

/// "the board meeting is starting and I'm presenting", "got a lecture in 5", "boarding now":
/// the speaker's own commitment elsewhere, which takes them away from the incident.
fn called_away(words: &Words) -> bool {
    const COMMITMENTS: &[&str] = &[
        "meeting",
        "lecture",
        "class",
        "flight",
        "appointment",
        "presenting",
        "boarding",
        "interview",
    ];
    let own = words
        .iter()
        .any(|w| matches!(w, "i'm" | "im" | "i" | "my" | "got" | "gotta"));
    let starting = words.iter().any(|w| {
        matches!(
            w,
            "starting" | "starts" | "now" | "in" | "presenting" | "boarding"
        )
    });
    own && starting && words.iter().any(|w| COMMITMENTS.contains(&w))
}

/// "you're up on this one", "over to you", "your turn": the turn given to the person addressed.
fn turn_given(words: &Words) -> bool {
    (1..words.len()).any(|k| {
        let (before, w) = (words.get(k - 1), words.get(k));
        let two_before = if k > 1 { words.get(k - 2) } else { "" };
        // "you've got this one": the turn given as the thing the other now has.
        let got_it = w == "got"
            && matches!(before, "you've" | "youve" | "uve")
            && matches!(words.get_or_empty(k + 1), "this" | "it" | "ic");
        // "you're in charge of this one now": the role named by what it is.
        let in_charge = w == "charge"
            && before == "in"
            && matches!(two_before, "you're" | "youre" | "ur" | "are");
        let up = w == "up"
            && (matches!(before, "you're" | "youre" | "ur")
                || before == "are" && two_before == "you");
        got_it
            || in_charge
            || up
            || (w == "turn" && before == "your")
            || (w == "you" && before == "to" && two_before == "over")
    })
}

/// "pls take the reins", "can you pick up command": someone asked to take the role itself.
/// ("Take it" or "run this" ask for a task as often, so the role must be named.)
fn asked_to_take_the_role(words: &Words) -> bool {
    const ROLE: &[&str] = &["reins", "baton", "ic", "command", "coordination", "helm"];
    (0..words.len()).any(|k| {
        TASKING.contains(&words.get(k))
            && (k + 1..(k + 4).min(words.len()))
                .take_while(|&j| {
                    matches!(words.get(j), "the" | "over" | "up" | "on")
                        || ROLE.contains(&words.get(j))
                })
                .any(|j| ROLE.contains(&words.get(j)))
    })
}

/// "run to the meeting", "have to run": running somewhere is leaving, not running a task.
fn runs_off(words: &Words) -> bool {
    (1..words.len()).any(|k| {
        (words.get(k - 1) == "run" && words.get(k) == "to")
            || (words.get(k - 1) == "to" && words.get(k) == "run")
    })
}

/// Whether the words of a line give the incident away: a giving verb with the role or the
/// incident as its object, or the speaker leaving while giving or tasking someone.
pub fn gives_the_role_away(words: &Words) -> bool {
    let giving = gives_or_asks(words);
    (giving && any_of(words, ROLE_NOUNS))
        || (leaves(words) && (giving || any_of(words, TASKING)) && any_of(words, ROLE_NOUNS))
}

/// A giving verb, the turn given, or someone asked to take the role.
fn gives_or_asks(words: &Words) -> bool {
    any_of(words, GIVING) || turn_given(words) || asked_to_take_the_role(words)
}

/// "they're boarding my flight, can you steer from here?": the speaker leaving while giving or
/// tasking someone. On a role change the record itself says the role moves, so the role need
/// not be named as it must be in a message.
fn leaves_the_work_to_someone(words: &Words) -> bool {
    leaves(words) && (gives_or_asks(words) || any_of(words, TASKING))
}

/// Whether the speaker leaves: a verb of leaving (not "go ahead", not "a step in"), running off,
/// or a commitment elsewhere starting.
fn leaves(words: &Words) -> bool {
    // "Vusi go ahead", "go back to the old file": going somewhere with the work is no leaving.
    let goes_on = |k: usize| {
        words.get(k) == "go"
            && matches!(
                words.get_or_empty(k + 1),
                "ahead" | "back" | "with" | "for" | "live"
            )
    };
    // "stepping away" leaves; "resuming the queue is a step in the automation" does not.
    let a_step = |k: usize| {
        matches!(words.get(k), "step" | "stepping")
            && !matches!(words.get_or_empty(k + 1), "away" | "out" | "off" | "aside")
    };
    (0..words.len()).any(|k| LEAVING.contains(&words.get(k)) && !goes_on(k) && !a_step(k))
        || runs_off(words)
        || called_away(words)
}

/// Whether event `i` hands the IC role on, by meaning: it is a role change or a message posted
/// under the IC role, by the IC of the moment,
/// names another participant, and either gives the role away in words of any shape or is
/// followed, within `window` seconds, by its author posting under another role.
pub fn hands_over(ctx: &Context, i: usize, window: i64) -> bool {
    let e = &ctx.events[i];
    let Some(actor) = e.actor.as_deref() else {
        return false;
    };
    // Cheap tests first: this runs on every line of a window, and `ic_before` scans back.
    // A line posted under the IC role, or a role change: the record's own view of who speaks.
    if !(e.kind == EventKind::RoleChange
        || (e.kind == EventKind::Message && e.role == Some(Role::Ic)))
    {
        return false;
    }
    let words = Words::new(&e.text);
    let role_change_leaving =
        || e.kind == EventKind::RoleChange && leaves_the_work_to_someone(&words);
    let gives =
        (steps_down(ctx.events, i, window) || gives_the_role_away(&words) || role_change_leaving())
            && (ctx.names_someone_else(i) || names_a_person(&e.text));
    let names_ic = || {
        any_of(&words, &["ic", "commander", "lead", "manager"])
            && names_another_as_ic(&e.text, actor)
    };
    (gives || names_ic()) && ctx.ic_before(i) == Some(actor)
}

/// Whether a line (not a question) names someone other than `actor` as holding the IC role:
/// a person's name next to "IC" or "commander", with only linking words between ("Viktor is IC
/// until I'm back", "IC to @sam", "Lea as commander"). Who holds the role is stated, whatever
/// the verb.
///
/// "Incident lead", "incident manager" and "incident commander" name the role as "IC" does, and
/// in chat without capitals a plain word in the name's place is a name ("viktor is ic till im
/// back": the person handed the role may not have posted yet).
pub fn names_another_as_ic(text: &str, actor: &str) -> bool {
    if text.contains('?') {
        return false;
    }
    let tokens: Vec<&str> = text
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '@'))
        .filter(|t| !t.is_empty())
        .collect();
    let own = crate::context::first_name(actor);
    let linking = |t: &str| {
        matches!(
            t.to_lowercase().as_str(),
            "is" | "as"
                | "has"
                | "now"
                | "becomes"
                | "takes"
                | "will"
                | "be"
                | "acting"
                | "to"
                | "goes"
        )
    };
    let is_name = |t: &str| {
        let bare = t.trim_start_matches('@').to_lowercase();
        (name_shaped(t, true) || lower_case_name(t)) && bare != own
    };
    let incident = |k: usize| k > 0 && tokens[k - 1].eq_ignore_ascii_case("incident");
    let role = |k: usize| match tokens[k].to_lowercase().as_str() {
        "ic" | "commander" => true,
        "lead" | "manager" => incident(k),
        _ => false,
    };
    (0..tokens.len()).filter(|&k| role(k)).any(|k| {
        // "Viktor is incident lead": the role's first word is where the name is looked for.
        let k = if incident(k) { k - 1 } else { k };
        let back = (0..k).rev().find(|&j| !linking(tokens[j]));
        let ahead = (k + 1..tokens.len()).find(|&j| !linking(tokens[j]));
        back.is_some_and(|j| k - j <= 3 && is_name(tokens[j]))
            || ahead.is_some_and(|j| is_name(tokens[j]) && j - k <= 3 && j > k + 1)
    })
}

/// Chat without capitals ("viktor is ic till im back"): a plain lower-case word in the place
/// of the name, next to the role, is a name unless it is a pronoun or a word that qualifies
/// the role.
fn lower_case_name(t: &str) -> bool {
    const NOT_NAMES: &[&str] = &[
        "i",
        "im",
        "i'm",
        "me",
        "who",
        "whos",
        "who's",
        "nobody",
        "noone",
        "someone",
        "anyone",
        "everyone",
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "there",
        "what",
        "which",
        "now",
        "still",
        "currently",
        "the",
        "a",
        "an",
        "new",
        "next",
        "acting",
        "temporary",
        "interim",
        "our",
        "your",
        "my",
        "their",
        "his",
        "her",
        "you",
        "we",
        "us",
        "no",
        "not",
        "one",
    ];
    t.chars().count() >= 2 && t.chars().all(char::is_lowercase) && !NOT_NAMES.contains(&t)
}

/// Whether a word has a name's shape: an `@mention`, or (where `capital_counts`) a capital
/// followed by lower-case letters only.
fn name_shaped(bare: &str, capital_counts: bool) -> bool {
    let mut chars = bare.chars();
    match chars.next() {
        Some('@') => bare.len() > 1,
        Some(c) if c.is_uppercase() && capital_counts => {
            let rest = chars.as_str();
            !rest.is_empty() && rest.chars().all(char::is_lowercase)
        }
        _ => false,
    }
}

/// Whether a line names a person who may not have posted yet: an `@mention`, a capitalised word
/// that does not open a sentence and is not "I" or an all-caps abbreviation ("IC", "DB"), or one
/// that opens a sentence as an address ("Ilya, ...") in a line spoken to "you".
pub fn names_a_person(text: &str) -> bool {
    let to_you = Words::new(text)
        .iter()
        .any(|w| matches!(w, "you" | "your" | "yours" | "u" | "ur"));
    let mut opens_sentence = true;
    let words: Vec<&str> = text.split_whitespace().collect();
    for (k, word) in words.iter().enumerate() {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@');
        // "Ngozi please carry on": a capital opening a sentence and followed by a request is
        // the person asked.
        let asked = !word.ends_with(['.', '!', '?', ':', ';', ','])
            && words.get(k + 1).is_some_and(|next| {
                matches!(
                    next.to_lowercase().as_str(),
                    "please" | "pls" | "can" | "could"
                )
            });
        if name_shaped(
            bare,
            !opens_sentence || asked || (to_you && word.ends_with(',')),
        ) {
            return true;
        }
        // "L. Becker": an initial's full stop does not end the sentence.
        let initial = bare.chars().count() == 1 && bare.chars().all(char::is_uppercase);
        opens_sentence = word.ends_with(['.', '!', '?', ':', ';']) && !initial;
    }
    false
}

/// Whether the author of event `i`, who posted it as IC, posts again within `window` seconds
/// under another role: the record shows them no longer holding it.
pub fn steps_down(events: &[Event], i: usize, window: i64) -> bool {
    let e = &events[i];
    if e.role != Some(Role::Ic) {
        return false;
    }
    events[i + 1..]
        .iter()
        .take_while(|later| later.at <= e.at + window)
        .find(|later| later.actor == e.actor)
        .is_some_and(|later| {
            later
                .role
                .is_some_and(|r| r != Role::Ic && r != Role::Other)
        })
}

/// Verbs of talking to people: a line that opens with one reports coordination, not work on a
/// system.
const COMMUNICATING: &[&str] = &[
    "asked",
    "asking",
    "paged",
    "paging",
    "pinged",
    "pinging",
    "told",
    "telling",
    "posted",
    "posting",
    "updated",
    "updating",
    "called",
    "calling",
    "messaged",
    "emailed",
    "invited",
    "assigned",
    "waiting",
    "thinking",
    "wondering",
    "seeing",
    "getting",
    "hearing",
    "heading",
    "leaving",
    "going",
    "being",
];

/// Whether a line reports the speaker's own operation on a system, by its shape: it opens
/// (after an optional "I" or "just") with a verb in the past or progressive form ("fetched the
/// metadata", "clearing the cache on auth-0"), that verb is not one of talking to people, and
/// the line neither asks nor names anyone.
pub fn reports_own_operation(text: &str) -> bool {
    let words = Words::new(text);
    if words.question() || names_a_person(text) {
        return false;
    }
    let first = words
        .iter()
        .find(|w| !matches!(*w, "i" | "just" | "now" | "also" | "then" | "ok" | "so"));
    first.is_some_and(|w| {
        // "nothing back yet", "morning all": words that end like a verb and are none.
        let not_a_verb =
            w.ends_with("thing") || matches!(w, "morning" | "evening" | "during" | "string");
        let verb_form = (w.len() >= 5 && (w.ends_with("ed") || w.ends_with("ing")))
            && w.chars().all(|c| c.is_ascii_alphabetic());
        verb_form && !not_a_verb && !COMMUNICATING.contains(&w)
    })
}

/// The longest wait a step may announce and still hold off the stall clock.
pub const MAX_STATED_WAIT_MINUTES: i64 = 60;

/// When the result of this step is due, if its line says so: a duration ahead ("takes about 25
/// min", "in 20 minutes") counted from the event, or a clock time ahead ("report at 08:36", "by
/// 12:30") on the event's day. Waits longer than [`MAX_STATED_WAIT_MINUTES`] are not taken.
pub fn stated_wait_until(e: &Event) -> Option<i64> {
    let words = Words::new(&e.text);
    let mut due: Option<i64> = None;
    for k in 0..words.len() {
        let w = words.get(k);
        let before = |n: usize| k.checked_sub(n).map(|j| words.get(j));
        let ahead = |d: i64| (d > 0 && d <= MAX_STATED_WAIT_MINUTES * 60).then_some(e.at + d);
        let found = if let Some(minutes) = minutes_in(w, words.get_or_empty(k + 1)) {
            let forward = [1, 2].iter().any(|&n| {
                before(n).is_some_and(|b| {
                    matches!(
                        b,
                        "in" | "takes"
                            | "take"
                            | "about"
                            | "another"
                            | "eta"
                            | "around"
                            | "roughly"
                            | "approx"
                            | "~"
                    )
                })
            });
            forward.then(|| ahead(minutes * 60)).flatten()
        } else if let Some(clock) = clock_seconds(w) {
            // "cleared by about 10:15"; not "next update at 10:34", which is when the next
            // word is due, not a result.
            let marked = before(1)
                .is_some_and(|b| matches!(b, "at" | "by" | "until" | "around" | "about"))
                && !(2..=3).any(|n| before(n).is_some_and(|b| b.starts_with("update")));
            let day = e.at - e.at.rem_euclid(86_400);
            marked.then(|| ahead(day + clock - e.at)).flatten()
        } else {
            None
        };
        due = due.max(found);
    }
    due
}

/// Minutes in "25 min", "25min", "25m", "25 minutes".
fn minutes_in(word: &str, next: &str) -> Option<i64> {
    let unit = |u: &str| matches!(u, "min" | "mins" | "minute" | "minutes" | "m");
    let digits = word.trim_start_matches('~');
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let (number, rest) = digits.split_at(end);
    let n: i64 = number.parse().ok()?;
    (unit(rest) || (rest.is_empty() && unit(next))).then_some(n)
}

/// Seconds after midnight of "08:36".
pub fn clock_seconds(word: &str) -> Option<i64> {
    let (h, m) = word.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    (h < 24 && m < 60 && word.len() <= 5).then_some(h * 3600 + m * 60)
}

#[cfg(test)]
mod tests {

    #[test]
    fn going_with_a_manner_is_a_plan_and_going_alone_is_leaving() {
        assert!(super::going_is_a_plan(
            "ok so we need to go slower to gmail. mateo whats the knob"
        ));
        assert!(!super::going_is_a_plan("sorry need to go, bo has ic"));
        assert!(!super::going_is_a_plan("gotta go"));
    }

    #[test]
    fn leaving_with_an_owner_gives_the_role_away_and_go_ahead_does_not() {
        assert!(gives(
            "gotta head out for the doctor, Mehmet owns it from here"
        ));
        assert!(!gives(
            "talked it through with Radek, he's ok with taking the hit. Vusi go ahead"
        ));
    }
    use super::*;

    fn gives(text: &str) -> bool {
        gives_the_role_away(&Words::new(text))
    }

    #[test]
    fn giving_the_incident_away_in_any_words_is_a_handover() {
        assert!(gives(
            "Marit, from now on this one is yours, I'm needed upstairs"
        ));
        assert!(gives(
            "leaving for the airport; Joel please carry it from here"
        ));
        assert!(gives("handing the reins to Ade"));
        assert!(gives("pls take the reins <@U09X>, got a lecture in 5"));
        assert!(gives(
            "ok im off, boarding in 10. <@U03Y> you're up on this one"
        ));
        assert!(gives("over to you Ana for this, the taxi is here"));
        assert!(gives(
            "<@U08Y> you're in charge of this one now, my train's here"
        ));
        assert!(gives("laptop on 3% :skull: <@U07K> you've got this one"));
        assert!(gives(
            "Bridge note: incident lead duties are transferred to S. Okonkwo as of now."
        ));
        assert!(gives(
            "sorry all, the board meeting is starting and I'm presenting. Ngozi please carry on with this one"
        ));
        // Near misses: a task handed out, and someone leaving without giving anything.
        assert!(!gives("Joel take the revert of the route commit please"));
        assert!(!gives("Joel take over the dashboard review"));
        assert!(!gives("you're up next for the rollback, Ana"));
        assert!(!gives(
            "Ngozi please carry on with the replay after the meeting"
        ));
        assert!(!gives(
            "Helga, can we take the name out of that note. resuming is a step in the automation and it didnt run"
        ));
        assert!(!gives("Ade look at the NAT metrics"));
        assert!(!gives("heading to lunch, back in 20"));
    }

    fn event(minute: i64, actor: &str, role: Role, text: &str) -> Event {
        Event {
            id: minute as u64,
            at: 86_400 * 100 + 8 * 3600 + minute * 60,
            actor: Some(actor.into()),
            role: Some(role),
            kind: EventKind::Message,
            text: text.into(),
        }
    }

    #[test]
    fn a_line_opening_with_a_done_or_doing_verb_reports_own_work() {
        assert!(reports_own_operation(
            "fetched the IdP metadata, signing cert changed"
        ));
        assert!(reports_own_operation("I cleared the key cache on auth-0"));
        // Near misses: coordination, a question, a line to someone, a status noun.
        assert!(!reports_own_operation(
            "asked the platform team about credentials"
        ));
        assert!(!reports_own_operation("restarting it again?"));
        assert!(!reports_own_operation("nothing back from the courier yet"));
        assert!(!reports_own_operation("Lena, checked the NAT gateway yet"));
        assert!(!reports_own_operation(
            "latency improved after the rollback"
        ));
    }

    #[test]
    fn naming_someone_else_as_ic_is_giving_the_role_away() {
        assert!(names_another_as_ic(
            "Off to the vendor meeting. Lea is IC till I return",
            "Mo"
        ));
        assert!(names_another_as_ic("IC goes to @ravi for the night", "Mo"));
        assert!(names_another_as_ic(
            "Lea is incident lead while I'm on the exec call",
            "Mo"
        ));
        assert!(names_another_as_ic("lea is ic till im back", "Mo"));
        assert!(!names_another_as_ic("lea is on comms", "Mo"));
        assert!(!names_another_as_ic(
            "Lea is the team lead for billing",
            "Mo"
        ));
        assert!(names_another_as_ic(
            "brb pulled into a call, tomas is ic till im back",
            "Mo"
        ));
        assert!(!names_another_as_ic("who is ic right now", "Mo"));
        // Near misses: the speaker naming themself, a question about who holds it, a task.
        assert!(!names_another_as_ic("Mo is IC. Lea on comms.", "Mo Diallo"));
        assert!(!names_another_as_ic("Who is IC now?", "Mo"));
        assert!(!names_another_as_ic(
            "Lea please check the IC channel topic",
            "Mo"
        ));
    }

    #[test]
    fn a_person_is_named_by_a_mention_or_a_capitalised_word_inside_a_sentence() {
        assert!(names_a_person(
            "I'm needed upstairs, Marit takes it from here"
        ));
        assert!(names_a_person("over to @otto"));
        assert!(names_a_person("Off now. Marit, it's yours"));
        assert!(names_a_person(
            "I'm presenting. Ngozi please carry on with this one"
        ));
        // Near misses: capitals that open a sentence, "I", abbreviations.
        assert!(!names_a_person(
            "Restarted the DB. Checking IC notes, I think"
        ));
        assert!(!names_a_person("Also, the queue needs watching"));
        assert!(!names_a_person("Restarted. Please check the graphs"));
    }

    #[test]
    fn an_ic_who_posts_under_another_role_has_stepped_down() {
        let events = [
            event(0, "vera", Role::Ic, "@otto over to you, long day"),
            event(1, "vera", Role::Responder, "🌙"),
        ];
        assert!(steps_down(&events, 0, 300));
        // Near miss: the IC keeps posting as IC.
        let kept = [
            event(0, "vera", Role::Ic, "@otto check the queue"),
            event(1, "vera", Role::Ic, "thanks"),
        ];
        assert!(!steps_down(&kept, 0, 300));
    }

    #[test]
    fn a_step_that_says_when_its_result_is_due_states_a_wait() {
        let e = event(
            11,
            "ama",
            Role::Ops,
            "rebuild kicked off, about 25 min, report at 08:36",
        );
        assert_eq!(stated_wait_until(&e), Some(e.at + 25 * 60));
        let clock = event(
            11,
            "ama",
            Role::Ops,
            "replica resync started, done by 08:40",
        );
        assert_eq!(stated_wait_until(&clock), Some(clock.at + 29 * 60));
        // Near misses: a duration behind us, and a wait too long to hold the stall clock.
        assert_eq!(
            stated_wait_until(&event(11, "a", Role::Ops, "data is 40 min behind")),
            None
        );
        assert_eq!(
            stated_wait_until(&event(11, "a", Role::Ops, "eta 3h, maybe in 200 min")),
            None
        );
    }
}
