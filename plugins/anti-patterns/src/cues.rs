//! What a line of the timeline does, read with rules and no model: proposes a cause, reports an
//! observation that cuts against one, asks for news, passes the IC role on, acknowledges, refers to
//! a call, runs a command, signs off, declares the end, and so on.
//!
//! Each cue is a set of phrases for one speech act, written from what people say when they do that
//! act in an incident channel (formal and chat style), not from any one timeline's wording. A line
//! can carry several cues; detectors combine them with the event's kind, role and timing, so one
//! cue alone never fires a nudge.
//!
//! ```
//! use anti_patterns::cues::{Cue, Reader};
//! let reader = Reader::new();
//! let cues = reader.read("passing IC to @sam, gotta sleep");
//! assert!(cues.has(Cue::Handoff));
//! assert!(!cues.has(Cue::IcClaim));
//! ```

use crate::elsewhere;
use crate::text::{PhraseTable, Words};

/// One speech act a line can perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cue {
    /// Proposes or supports a cause ("looks like", "probably", "could it be").
    Hypothesis,
    /// An observation that does not fit ("but", "only", "fwiw", "even", "already").
    Contrary,
    /// Denies something ("not", "no", "zero"): against a theory only when what it denies is the
    /// theory's own subject ("no leader at all" says nothing about a capacity theory).
    Negation,
    /// Calls something healthy ("fine", "normal", "unchanged"): against a theory only when the
    /// healthy thing is the theory's own subject, since a neighbour found healthy narrows the
    /// search towards the theory instead.
    Healthy,
    /// Names a test that separates explanations, an alternative, or drops the current one.
    SeparatingMove,
    /// Takes up a point someone raised ("good catch", "you're right").
    TakesUp,
    /// Asks for news or for something to tell others.
    NewsRequest,
    /// Says there is nothing new.
    NoNews,
    /// Repeats the symptom without adding anything ("+1", "me too").
    PlusOne,
    /// Proposes a next step.
    Proposal,
    /// The speaker takes the IC role.
    IcClaim,
    /// The speaker passes the IC role on.
    Handoff,
    /// Acknowledges ("ack", "got it", "on it").
    Ack,
    /// Parts of a handover note.
    NoteStatus,
    NoteInFlight,
    NoteTheory,
    NoteNext,
    NoteMarker,
    /// Names a place outside the channel: a call, a bridge, a DM.
    Venue,
    /// Says something was agreed or decided.
    Agreement,
    /// Records a decision in the channel ("decision:").
    DecisionMark,
    /// Hands-on diagnostics or operations (ssh, log tails, queries, restarts).
    HandsOn,
    /// Addresses or directs other people.
    Directs,
    /// Asks what to do or who decides.
    DirectionAsk,
    /// Signs off.
    Departure,
    /// Declares the incident over.
    AllClear,
    /// Defers the end ("will post when closed", "closing soon").
    NotYetClosed,
    /// Marks a line as a written record: a draft, postmortem text, status page text.
    Record,
    /// Names a way or place of talking (a call, a thread, a desk, "privately", "spoke"): the
    /// words [`crate::elsewhere`] reads a decision reached outside the channel from.
    Place,
}

/// The cues of one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cues {
    bits: u64,
    /// The line asks a question.
    pub question: bool,
    /// The line is only an acknowledgement or a reaction ("ok 👍 ty").
    pub ack_only: bool,
    pub words: u16,
}

impl Cues {
    pub fn has(&self, cue: Cue) -> bool {
        self.bits & bit(cue) != 0
    }

    /// How many of the four parts of a handover note (status, in flight, theories, next) it has.
    pub fn note_parts(&self) -> usize {
        [
            Cue::NoteStatus,
            Cue::NoteInFlight,
            Cue::NoteTheory,
            Cue::NoteNext,
        ]
        .iter()
        .filter(|&&c| self.has(c))
        .count()
    }
}

const fn bit(cue: Cue) -> u64 {
    1 << cue as u8
}

/// Reads lines into [`Cues`]. Building one costs nothing: the phrase table is compiled in.
pub struct Reader {
    table: &'static PhraseTable,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    pub fn new() -> Reader {
        Reader {
            table: crate::phrase_table!(PHRASE_COUNT, flatten()),
        }
    }

    /// The cues of one line of text.
    pub fn read(&self, text: &str) -> Cues {
        let words = Words::new(text);
        let mut bits = self.table.find(&words);
        if closing_deferred(&words) {
            bits |= bit(Cue::NotYetClosed);
        }
        if asks_the_room_for_anything(&words) {
            bits |= bit(Cue::NewsRequest);
        }
        if finds_it_unchanged(&words) {
            bits |= bit(Cue::NoNews);
        }
        if labels_a_test(words.lower()) {
            bits |= bit(Cue::SeparatingMove);
        }
        if bits & bit(Cue::Handoff) != 0 && possession_is_a_condition(&words) {
            bits &= !bit(Cue::Handoff);
        }
        Cues {
            bits,
            question: words.question(),
            ack_only: is_ack_only(&words),
            words: words.len().min(u16::MAX as usize) as u16,
        }
    }
}

/// "we'll post here when this is closed", "until it's resolved": the end put off to a moment
/// still to come, with words between the conjunction and the state.
fn closing_deferred(words: &Words) -> bool {
    (0..words.len()).any(|k| {
        matches!(words.get(k), "closed" | "resolved")
            && (k.saturating_sub(4)..k)
                .any(|j| matches!(words.get(j), "when" | "once" | "until" | "till"))
    })
}

/// "anybody got anything?", "anyone have anything new?", "we're out of obvious things.
/// thoughts?": the room asked for any finding or idea at all, which is waiting for one, not giving
/// one. Asking for ideas in the plural is always asked of the room; "anything" and "any idea"
/// are only when the room is named ("any idea why the pool is full?" asks one thing).
fn asks_the_room_for_anything(words: &Words) -> bool {
    // Every line is read: the question mark, already known, rules out most at no cost.
    words.question()
        && (words
            .iter()
            .any(|w| matches!(w, "ideas" | "thoughts" | "leads" | "suggestions"))
            || words
                .iter()
                .any(|w| matches!(w, "anybody" | "anyone" | "any1" | "ppl" | "folks"))
                && words
                    .iter()
                    .any(|w| matches!(w, "anything" | "smth" | "something" | "idea" | "next")))
}

/// "tell me the holder as soon as you have it", "ping me once you've got it": "you have it"
/// after a conjunction of time or condition is the answer awaited, not the role given.
fn possession_is_a_condition(words: &Words) -> bool {
    (1..words.len()).any(|k| {
        let you = matches!(words.get(k), "you" | "u" | "you've" | "youve");
        let has = matches!(words.get_or_empty(k + 1), "have" | "got" | "get")
            || matches!(words.get(k), "you've" | "youve") && words.get_or_empty(k + 1) == "got";
        you && has
            && matches!(
                words.get(k - 1),
                "when" | "once" | "as" | "if" | "after" | "until"
            )
    })
}

/// "hypothesis: half-open connection. test: restart only that channel": a test set out under
/// its own label.
fn labels_a_test(lower: &str) -> bool {
    ["test:", "test -", "experiment:", "to test:"]
        .iter()
        .any(|label| lower.contains(label))
}

/// "same picture, cpu flat at 100", "proxy log same as 20 min ago": the state found as it was.
/// A line that opens on "same", or compares now with an earlier look and finds it the same, tells
/// nothing new (a cause or a step in it is still read as one); "same error now on the eu pods"
/// finds the trouble somewhere new, which is news.
fn finds_it_unchanged(words: &Words) -> bool {
    const EARLIER: &[&str] = &[
        "before",
        "earlier",
        "ago",
        "last",
        "yesterday",
        "then",
        "previous",
    ];
    let somewhere_new = words
        .iter()
        .any(|w| matches!(w, "now" | "also" | "too" | "either"));
    words.get_or_empty(0) == "same" && !somewhere_new
        || (0..words.len()).any(|k| {
            // "same as before", "same timeouts as before", "same error rate as an hour ago".
            words.get(k) == "same"
                && (k + 1..words.len().min(k + 4))
                    .find(|&a| words.get(a) == "as")
                    .is_some_and(|a| {
                        (a + 1..words.len().min(a + 5)).any(|j| EARLIER.contains(&words.get(j)))
                    })
        })
}

/// Short lines made only of acknowledgement words and reactions.
fn is_ack_only(words: &Words) -> bool {
    !words.is_empty()
        && words.len() <= 6
        && words.iter().all(|w| ACK_WORDS.contains(&w) || is_emoji(w))
}

fn is_emoji(word: &str) -> bool {
    word.chars().all(|c| c >= '\u{2300}')
}

const ACK_WORDS: &[&str] = &[
    "ok", "okay", "k", "kk", "ack", "acked", "thanks", "thx", "ty", "tyvm", "cool", "sure", "yes",
    "yep", "yup", "noted", "roger", "copy", "got", "it", "+1", "same", "lol", "nice", "great",
    "will", "do", "on", "hi", "hey", "sounds", "good", "np", "all", "fine",
];

const PHRASE_COUNT: usize = {
    let mut n = 0;
    let mut g = 0;
    while g < PHRASES.len() {
        n += PHRASES[g].1.len();
        g += 1;
    }
    n
};

// Evaluated at compile time into a static table: nothing of this lands on a stack at run time.
#[allow(clippy::large_stack_arrays)]
const fn flatten() -> [(&'static str, u64); PHRASE_COUNT] {
    let mut out = [("", 0); PHRASE_COUNT];
    let (mut g, mut k) = (0, 0);
    while g < PHRASES.len() {
        let (cue, list) = PHRASES[g];
        let mut p = 0;
        while p < list.len() {
            out[k] = (list[p], bit(cue));
            k += 1;
            p += 1;
        }
        g += 1;
    }
    out
}

/// The phrases of each cue. Keep each list to what people actually say when doing that act.
const PHRASES: &[(Cue, &[&str])] = &[
    (
        Cue::Hypothesis,
        &[
            "smells like",
            "smell like",
            "looks like",
            "look like",
            "seems like",
            "sounds like",
            "feels like",
            "this is a",
            "this is the",
            "it's a",
            "its a",
            "must be",
            "has to be",
            "gotta be",
            "probably",
            "prob",
            "maybe",
            "perhaps",
            "might be",
            "could be",
            "could it be",
            "can it be",
            "i think",
            "imo",
            "imho",
            "i bet",
            "betting",
            "bet it's",
            "suspect",
            "suspecting",
            "theory",
            "hypothes*",
            // "my working assumption is their baggage entries": a cause taken as given.
            "assumption",
            "would fit",
            "likely",
            "my guess",
            "guessing",
            "culprit",
            "caused by",
            "because of",
            "due to",
            "fits",
            "lines up",
            "line up",
            "consistent with",
            "explains",
            "pretty sure",
            "i reckon",
            "classic",
            "it's the",
            "its the",
            "it is the",
            // Certainty is a hypothesis held firmly: "throttling for sure", "def our bottleneck".
            "for sure",
            "no doubt",
            "bottleneck",
            "is the problem",
            "is the issue",
            "is the cause",
            "same as last time",
            "like last time",
            "like in",
            "reminds me",
            "i'm sure",
            "definitely",
            "our problem",
            "our issue",
            "our culprit",
            // "bet the base path changed, that's our 404s": a wager on the cause, and the
            // symptom claimed as the cause's own.
            "bet the",
            "bet it",
            "bet its",
            "that's our",
            "thats our",
            "the trigger",
            "is why",
            "is causing",
            "is behind",
            "root of",
        ],
    ),
    (
        Cue::Contrary,
        &[
            "but",
            "though",
            "tho",
            "however",
            "only",
            "fwiw",
            "fyi",
            "for information",
            "for info",
            "actually",
            "instead",
            "whereas",
            "except",
            "hm",
            "hmm",
            // "weird: the new pods hit 100% cpu and get 3 req/s each": what does not fit, named.
            "weird",
            "strange",
            "odd",
            "🤔",
            "vs",
            // The symptom where the theory says it should not be, or before its cause. ("Too"
            // and "as well" in that sense are read by structure, see tunnel vision's
            // `elsewhere_too`: "too slow" is a degree, not another place.)
            "even",
            "already",
            "started before",
            "began before",
            "earlier than",
            "predates",
        ],
    ),
    (
        Cue::Negation,
        &[
            "not", "no", "isn't", "isnt", "doesn't", "doesnt", "didn't", "didnt", "aren't",
            "arent", "wasn't", "never", "none", "zero", "0",
        ],
    ),
    (
        Cue::Healthy,
        &[
            "fine",
            "normal",
            "clean",
            "unchanged",
            "unaffected",
            "healthy",
        ],
    ),
    (
        Cue::SeparatingMove,
        &[
            "tell them apart",
            "tell it apart",
            "tell apart",
            "tell the difference",
            "distinguish*",
            "differentiat*",
            "rule out",
            "rule it out",
            "ruled out",
            "rules out",
            "disprove*",
            "falsif*",
            "separate the",
            "separates",
            "a test",
            "to test",
            "test that",
            "test it",
            "test this",
            "test for",
            "let's test",
            "lets test",
            "how do we test",
            "how can we test",
            "how do we tell",
            "how can we tell",
            "check whether",
            "confirm whether",
            "see whether",
            // "pause the batch and watch timeouts for 5 minutes": a step taken as a trial,
            // with what will show whether the theory holds.
            "and watch",
            "and see",
            "see if",
            "what would",
            "alternative*",
            // "two candidates then: the cert or the 3DS provider": several causes held open.
            "candidates",
            "suspects",
            "theories",
            "possibilities",
            "another theory",
            "another possibility",
            "other possibility",
            "other explanation",
            "other change",
            "something else",
            "what else",
            "or maybe",
            "could also be",
            "might also be",
            "or is it",
            "dropping the",
            "dropping that",
            "dropping this",
            "drop the",
            "drop that",
            "drop it",
            "not the",
            "not it",
            "so not",
            "wrong theory",
            "wrong track",
            "scratch that",
            "that matches",
            "that explains",
            "dead end",
            "red herring",
            "step back",
            "what do we know",
            "we'd see",
            "we would see",
            "we'd expect",
            "we would expect",
            "would show",
            "should show",
            "expect to see",
            "if it were",
            "if it was",
            "experiment",
            "compare",
            "comparing",
            "a/b",
            "canary",
            "confirm or rule",
            "if it's",
            "if its",
            "if it is",
            "if so",
            "we'll know",
            "we will know",
            "would tell us",
            "that would tell",
            "tells us",
            "which is it",
            "either way",
            "two theories",
            "both theories",
            "other theory",
            "another idea",
            "different theory",
            "what about",
            "anything else",
            "what else could",
            // Laying out options is weighing alternatives.
            "our options",
            "the options",
            "two options",
            "options are",
            "plan b",
        ],
    ),
    (
        Cue::TakesUp,
        &[
            "good catch",
            "good point",
            "good call",
            "good spot",
            "good find",
            "you're right",
            "youre right",
            "ur right",
            "fair point",
            "makes sense",
            "interesting",
            "oh",
        ],
    ),
    (
        Cue::NewsRequest,
        &[
            "any update",
            "any updates",
            "any news",
            "any eta",
            "an eta",
            "eta",
            "any word",
            "any progress",
            "what's the status",
            "whats the status",
            "what is the status",
            "what's the state",
            "whats the state",
            "where are we",
            "where do we stand",
            "anything i can tell",
            "anything we can tell",
            "anything to tell",
            "what do we tell",
            "what can we tell",
            "what should we tell",
            "what do i tell",
            "what can i tell",
            "need an update",
            "need something for",
            "status page",
            "statuspage",
            "bump",
            "still open",
            "is it fixed",
            "are we making",
            "do we still expect",
            "last update",
        ],
    ),
    (
        Cue::NoNews,
        &[
            "still nothing",
            "nothing yet",
            "nothing new",
            "no news",
            "no update",
            "no reply",
            "no response",
            "no word",
            "not yet",
            "hasn't replied",
            "hasnt replied",
            "hasn't answered",
            "hasnt answered",
            "haven't heard",
            "havent heard",
            "no change",
            "still waiting",
            "still failing",
            "still down",
            "still broken",
            "still the same",
            "same as before",
            "waiting on",
            "waiting for",
            // "Nothing further yet. Awaiting the vendor.", "Still no call-back": the formal and
            // the plain way of saying the same wait.
            "awaiting",
            "nothing further",
            "still no",
            "nope",
            "nada",
            "no luck",
            "nothing back",
            "nothing from them",
        ],
    ),
    (
        Cue::PlusOne,
        &[
            "+1",
            "me too",
            "same here",
            "same for me",
            "seeing this too",
            "seeing it too",
            "also seeing",
            "same issue",
        ],
    ),
    (
        Cue::Proposal,
        &[
            "should we",
            "shall we",
            "let's",
            "lets",
            "we could",
            "we should",
            "option",
            "options",
            "how about",
            "what if",
            "propose",
            "suggest",
            "try",
            "plan",
        ],
    ),
    (
        Cue::IcClaim,
        &[
            "i'm ic",
            "im ic",
            "i am ic",
            "i'm the ic",
            "i am the ic",
            "i'll be ic",
            "ill be ic",
            "i'll take ic",
            "ill take ic",
            "taking ic",
            "take ic",
            "i have ic",
            "i've got ic",
            "ive got ic",
            "i got ic",
            "ic here",
            "ic is me",
            "me as ic",
            "taking command",
            "i'll run this",
            "i'm running this",
            "i'll coordinate",
            "i'm coordinating",
            "i'm incident commander",
            "i am incident commander",
            "taking ic properly",
            "incident command",
            "take command",
            "i have command",
            "i'm in command",
            "i'll lead this",
            "i'm leading this",
            "running point",
            "i'll run point",
            // Keeping or going back to the role while handing out a task: "from here it's
            // yours ... I go back to coordination".
            "back to coordination",
            "back to coordinating",
            "keep coordinating",
            "still coordinating",
            "i stay ic",
            "i'm still ic",
            "im still ic",
            "i remain ic",
        ],
    ),
    (
        Cue::Handoff,
        &[
            "passing ic",
            "pass ic",
            "passing it",
            "handing ic",
            "handing over",
            "hand over",
            "handing off",
            "hand off",
            "handoff",
            "hand-off",
            "take over",
            "taking over",
            "takes over",
            "can you take it",
            "can u take it",
            "could you take it",
            "can you take ic",
            "can u take ic",
            "you have ic",
            "you're ic",
            "you're driving",
            "youre driving",
            "you are driving",
            "gotta run",
            "have to run",
            "need to run",
            "youre ic",
            "you are ic",
            "ic is yours",
            "over to you",
            "all yours",
            "my shift ends",
            "end of my shift",
            "shift change",
            "gotta jump",
            "have to jump",
            "need to jump",
            "gotta drop",
            "have to drop",
            "need to drop",
            "gotta go",
            "have to go",
            "need to go",
            "stepping away",
            "step away",
            "stepping out",
            "is ic now",
            "is now ic",
            "new ic",
            "next ic",
            "incoming ic",
            "ic is now",
            "takes ic",
            "will take ic",
            "to take ic",
            "becomes ic",
            "you've got it",
            "youve got it",
            "you got it",
            "you have it",
            "it's yours",
            "its yours",
            "yours now",
            "heading into",
            "got a meeting",
            "have a meeting",
        ],
    ),
    (
        Cue::Ack,
        &[
            "ack",
            "acked",
            "acknowledged",
            "got it",
            "i have it",
            "i've got it",
            "ive got it",
            "i got it",
            "have ic",
            "on it",
            "roger",
            "copy",
            "will do",
            "taking it",
            "👍",
            "have it",
            "i'll take it",
            "ill take it",
            "sure",
            "yes",
            "yep",
        ],
    ),
    (
        Cue::NoteStatus,
        &[
            "status",
            "state",
            "currently",
            "right now",
            "where we are",
            "impact",
            "condition",
        ],
    ),
    (
        Cue::NoteInFlight,
        &[
            "in flight",
            "in-flight",
            "in progress",
            "running",
            "under way",
            "underway",
            "ongoing",
            "pending",
            "waiting on",
            "started",
        ],
    ),
    (
        Cue::NoteTheory,
        &[
            "hypothes*",
            "theory",
            "suspect",
            "cause",
            "likely",
            "probably",
            "confirmed",
            "ruled out",
        ],
    ),
    (
        Cue::NoteNext,
        &[
            "next",
            "todo",
            "to do",
            "then",
            "plan",
            "follow-up",
            "follow up",
            "remaining",
            "open question*",
        ],
    ),
    (
        Cue::NoteMarker,
        &[
            "handover",
            "hand-over",
            "handoff",
            "hand-off",
            "summary",
            "recap",
            "tl;dr",
            "tldr",
        ],
    ),
    (
        Cue::Venue,
        &[
            "on the call",
            "on a call",
            "from the call",
            "per the call",
            "the call",
            "on the bridge",
            "the bridge",
            "on zoom",
            "per zoom",
            "on the zoom",
            "in zoom",
            "the zoom",
            "on meet",
            "the meet",
            "huddle",
            "in dm",
            "in dms",
            "via dm",
            "in a dm",
            "over dm",
            "in private",
            "privately",
            "offline",
            "1:1",
            "1-1",
            "one-on-one",
            "on the phone",
            "by phone",
            "in person",
            "war room",
            "other channel",
            "another channel",
            "our call",
            "that call",
            "exec call",
            "the sync",
            "our sync",
            "the meeting",
            "our meeting",
            "our dm",
            "my dm",
            "dm'd",
            "dmed",
            "private chat",
            "side channel",
            "side-channel",
            "side chat",
            "hallway",
            "spoke with",
            "talked to",
            "talked with",
            "synced with",
            "discussed with",
            "agreed with",
            "and i agreed",
            "and i decided",
        ],
    ),
    (
        Cue::Agreement,
        &[
            "agreed",
            "decided",
            "said",
            "discussed",
            "settled",
            "per",
            "as we",
            "confirmed",
            "approved",
            "signed off on",
            "ok'd",
            "okayed",
            "went with",
            "chose",
        ],
    ),
    (
        Cue::DecisionMark,
        &[
            "decision",
            "decided",
            "we're going with",
            "we are going with",
            "we'll go with",
            "let's go with",
            "lets go with",
            "the plan is",
        ],
    ),
    (
        Cue::HandsOn,
        &[
            "ssh",
            "tail",
            "tailing",
            "tailed",
            "grep",
            "grepping",
            "kubectl",
            "psql",
            "mysql",
            "redis-cli",
            "sql",
            "query",
            "queries",
            "querying",
            "select",
            "pg_stat*",
            "du",
            "df",
            "top",
            "htop",
            "strace",
            "tcpdump",
            "curl",
            "jstack",
            "describe",
            "--describe",
            "logs",
            "log",
            "restart",
            "restarted",
            "restarting",
            "kill",
            "killed",
            "killing",
            "re-run",
            "re-running",
            "rerun",
            "rerunning",
            "re-ran",
            "running",
            "ran",
            "moving",
            "moved",
            "deleting",
            "deleted",
            "dashboard",
            "checking",
            "looking at",
            "digging",
            "debugging",
            "profiling",
            "heap dump",
            "explain",
            "trace",
            "shell",
            "console",
            "lsof",
            "netstat",
            "dig",
            "nslookup",
            "by hand",
            "manually",
            "ssh'd",
            "sshed",
            "bounced",
            "bouncing",
            "flushing",
            "flushed",
            "inspecting",
            "pulling",
            "dumping",
            "patching",
            "patched",
            "iostat",
            "vmstat",
            "perf",
            "gdb",
            "exec",
            "executing",
            "scaling",
            "scaled",
            "draining",
            "drained",
            "rolled back",
            "rolling back",
        ],
    ),
    (
        Cue::Directs,
        &[
            "please",
            "pls",
            "plz",
            "can you",
            "can u",
            "could you",
            "would you",
            "you take",
            "take the",
            "assign*",
            "you own",
            "keep doing",
            "stay on",
            "you're on",
            "youre on",
            "ops lead",
            "on comms",
            "go ahead",
        ],
    ),
    (
        Cue::DirectionAsk,
        &[
            "should i",
            "shall i",
            "do i",
            "do you want me",
            "want me to",
            "anything for me",
            "what should i",
            "who decides",
            "who's deciding",
            "who is deciding",
            "need someone to decide",
            "need a decision",
            "kill or wait",
            "waiting for ic",
            "ic ok",
            "anyone",
            "who do i",
            "who owns",
        ],
    ),
    (
        Cue::Departure,
        &[
            "i'm out",
            "im out",
            "i'm off",
            "im off",
            "signing off",
            "sign off",
            "logging off",
            "log off",
            "heading out",
            "heading off",
            "off for the day",
            "out for the day",
            "night all",
            "good night",
            "gnight",
            "bye",
            "👋",
            "going to bed",
            "off to bed",
            "gotta sleep",
            "calling it a day",
            "call it a day",
            "ping me if",
            "back tomorrow",
            "afk",
        ],
    ),
    (
        Cue::AllClear,
        &[
            "resolved",
            "all clear",
            "all-clear",
            "incident closed",
            "closing the incident",
            "closing incident",
            "closed the incident",
            "closing",
            "closed",
        ],
    ),
    (
        Cue::NotYetClosed,
        &[
            "when closed",
            "when resolved",
            "once resolved",
            "once closed",
            "until resolved",
            "not resolved",
            "not yet resolved",
            "closing soon",
            "at close",
            "before closing",
            "will close",
            "to close",
            "when we close",
        ],
    ),
    (
        Cue::Record,
        &[
            "draft",
            "postmortem",
            "post-mortem",
            "pm",
            "rca",
            "root cause",
            "status page",
            "statuspage",
            "for the doc",
            "in the doc",
            "write-up",
            "writeup",
            "write up",
            "review",
            "contributing",
            "factor",
            "summary",
            "blurb",
            "notes for",
            "report",
            "retro",
            "retrospective",
            "lessons",
            "announcement",
            "customer-facing",
            "public",
        ],
    ),
    (Cue::Place, elsewhere::ALWAYS_ELSEWHERE),
    (Cue::Place, elsewhere::ELSEWHERE_IF_SET_APART),
    (Cue::Place, elsewhere::IN_PERSON),
    (Cue::Place, elsewhere::AWAY),
    (Cue::Place, elsewhere::TALKED_WITH),
    (Cue::Place, elsewhere::TEXT_MESSAGES),
    (Cue::Place, elsewhere::IN_PASSING),
    (Cue::Place, elsewhere::PHONED),
    (Cue::Place, elsewhere::TALK_IN_OTHER_WORDS),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Cues {
        Reader::new().read(text)
    }

    #[test]
    fn acknowledgements_and_reactions_are_ack_only() {
        assert!(read("ok 👍 ty").ack_only);
        assert!(read("ack").ack_only);
        assert!(!read("ok, restarting the workers").ack_only);
    }

    #[test]
    fn a_claim_is_not_a_handoff_and_a_handoff_is_not_a_claim() {
        assert!(read("ok, I'm IC. Ana ops lead").has(Cue::IcClaim));
        let handoff = read("need to drop for a meeting, Ilya can you take it");
        assert!(handoff.has(Cue::Handoff) && !handoff.has(Cue::IcClaim));
    }

    #[test]
    fn a_reference_to_a_call_needs_a_venue_and_an_agreement() {
        let reference = read("Per the call we roll back the image");
        assert!(reference.has(Cue::Venue) && reference.has(Cue::Agreement));
        let going = read("jumping on the bridge to talk options");
        assert!(going.has(Cue::Venue) && !going.has(Cue::Agreement));
        // The words a decision reached elsewhere is read from, whatever else the line says.
        assert!(read("went through it in a private thread").has(Cue::Place));
        assert!(!read("restarting the consumers now").has(Cue::Place));
    }

    #[test]
    fn news_requests_and_no_news_are_told_apart_from_observations() {
        assert!(read("Support asking: any ETA we can share?").has(Cue::NewsRequest));
        assert!(read("vendor hasn't replied yet").has(Cue::NoNews));
        assert!(read("Nothing further yet. Awaiting the vendor.").has(Cue::NoNews));
        assert!(read("Still no call-back from the vendor.").has(Cue::NoNews));
        assert!(read("anybody got anything? :eyes:").has(Cue::NewsRequest));
        assert!(read("any ideas, anyone? the restart didnt do it").has(Cue::NewsRequest));
        assert!(read("hmm ok. so whats next, anyone?").has(Cue::NewsRequest));
        assert!(!read("anybody got the dashboard link").has(Cue::NewsRequest));
        let observation = read("p99 doubled on the eu pods");
        assert!(!observation.has(Cue::NewsRequest) && !observation.has(Cue::NoNews));
    }

    #[test]
    fn having_it_as_a_condition_gives_no_role_away() {
        assert!(!read("Ana: tell me the holder as soon as you have it").has(Cue::Handoff));
        assert!(!read("ping me once you've got it").has(Cue::Handoff));
        assert!(read("ok ana you have it, I'm off").has(Cue::Handoff));
    }

    #[test]
    fn what_does_not_fit_named_is_contrary() {
        assert!(read("weird: new pods hit 100% cpu at 3 req/s each").has(Cue::Contrary));
        assert!(!read("new pods hit 100% cpu at 3 req/s each").has(Cue::Contrary));
    }

    #[test]
    fn a_test_under_its_own_label_separates() {
        assert!(
            read("hypothesis: stale dns cache on the proxies. test: flush one proxy only")
                .has(Cue::SeparatingMove)
        );
        assert!(!read("the test env is fine").has(Cue::SeparatingMove));
    }

    #[test]
    fn ideas_asked_for_and_a_state_found_as_it_was_are_waiting() {
        assert!(read("ran out of things to try. suggestions?").has(Cue::NewsRequest));
        assert!(!read("any idea why the pool is full?").has(Cue::NewsRequest));
        assert!(read("same story, heap at 95% and climbing").has(Cue::NoNews));
        assert!(read("dashboard same as ten minutes ago").has(Cue::NoNews));
        assert!(read("still in the logs, same timeouts as before").has(Cue::NoNews));
        // The same trouble somewhere new is news.
        assert!(!read("same error now on the eu pods").has(Cue::NoNews));
        assert!(!read("heap looks the same as the canary's").has(Cue::NoNews));
    }

    #[test]
    fn deferred_closing_is_marked() {
        let deferred = read("monitoring, will post again when closed");
        assert!(deferred.has(Cue::AllClear) && deferred.has(Cue::NotYetClosed));
        let later = read("works again since 21:55. we'll post here when this is closed");
        assert!(later.has(Cue::NotYetClosed));
        assert!(!read("closed, thanks all").has(Cue::NotYetClosed));
    }

    #[test]
    fn a_handover_note_has_its_parts() {
        let note = read(
            "Handover: status is stable; restore job running; theory is the bad config; next: verify",
        );
        assert_eq!(note.note_parts(), 4);
        assert!(note.has(Cue::NoteMarker));
    }
}
