//! Verb: the item's main action is one whose completion someone can observe (add, pin,
//! rotate, document, ask). Exploration and aspiration (investigate, consider, improve, make
//! safer) cannot be checked off, so they do not count.
//!
//! The main verb is found where English puts it in an action item: first word of a sentence
//! or after a colon ("Owner: X. Add ..."), after an owner ("X to add", "team will add"), after
//! "we"/"we need to", or a participle right after a short subject ("Script updated to ...").

use crate::lemma::has_lemma;
use crate::text::Token;
use crate::wordnet;

/// Actions whose completion can be seen.
pub(super) const CONCRETE: &[&str] = &[
    "add",
    "create",
    "set",
    "setup",
    "pin",
    "rotate",
    "revert",
    "disable",
    "enable",
    "upgrade",
    "downgrade",
    "move",
    "replace",
    "document",
    "write",
    "route",
    "ask",
    "notify",
    "schedule",
    "implement",
    "install",
    "configure",
    "deploy",
    "remove",
    "delete",
    "raise",
    "lower",
    "cap",
    "migrate",
    "change",
    "modify",
    "automate",
    "teach",
    "train",
    "apply",
    "use",
    "collect",
    "publish",
    "build",
    "run",
    "update",
    "fix",
    "patch",
    "audit",
    "separate",
    "split",
    "tweak",
    "adjust",
    "lock",
    "refactor",
    "introduce",
    "archive",
    "restrict",
    "block",
    "require",
    "backport",
    "rename",
    "tag",
    "label",
    "email",
    "send",
    "post",
    "announce",
    "book",
    "merge",
    "roll",
    "rollback",
    "ship",
    "turn",
    "switch",
    "attach",
    "expose",
    "export",
    "encrypt",
    "revoke",
    "grant",
    "bump",
    "purge",
    "drain",
    "containerise",
    "containerize",
    "wire",
    "integrate",
    "connect",
    "register",
    "subscribe",
    "invite",
    "assign",
    "provision",
    "decommission",
    "retire",
    "deprecate",
    "convert",
    "port",
    "rewrite",
    "draft",
    "record",
    "restore",
    "test",
    "verify",
    "check",
    "reach",
    "get",
    "contact",
    "inform",
    "tell",
    "explain",
    "share",
    "present",
    "advise",
    "enforce",
    "gate",
    "reject",
    "throttle",
    "scope",
    "extend",
    "increase",
    "page",
    "alert",
    "limit",
    "define",
    "replicate",
    "backup",
    "rerun",
    "cancel",
    "stop",
    "start",
    "restart",
    "provide",
    "hire",
    "onboard",
    "mandate",
    "pause",
    "place",
    "put",
    "file",
    "open",
];

/// Actions that cannot be checked off: exploring, aspiring, deliberating.
pub(super) const VAGUE: &[&str] = &[
    "improve",
    "better",
    "enhance",
    "reduce",
    "streamline",
    "ensure",
    "avoid",
    "prevent",
    "look",
    "investigate",
    // Looking over something without a stated change: as "assess" and "evaluate".
    "examine",
    "gauge",
    "consider",
    "assess",
    "evaluate",
    "review",
    "reflect",
    "discuss",
    "figure",
    "agree",
    "prioritise",
    "prioritize",
    "continue",
    "need",
    "explore",
    "research",
    "think",
    "brainstorm",
    "identify",
    "align",
    "observe",
    "monitor",
    "try",
    "understand",
    "analyse",
    "analyze",
    "study",
    "determine",
    "clarify",
    "revisit",
    "work",
    "keep",
    "focus",
    "aim",
    "strive",
    "learn",
    "address",
    "tackle",
    "mitigate",
    "harden",
    "strengthen",
    "optimise",
    "optimize",
    "decide",
    "make",
    "have",
    "be",
    "clear",
    "find",
    "plan",
    "track",
    "follow",
    "talk",
    "coordinate",
    "maintain",
    "support",
    "help",
    "handle",
    "minimise",
    "minimize",
    // Improving in general, the same class as "improve" and "strengthen": no mechanism named.
    "tighten",
    "bolster",
    "boost",
    "revamp",
    "overhaul",
    "modernise",
    "modernize",
    "refine",
    "polish",
    "tidy",
    "rethink",
    "rework",
    "beef",
    "uplift",
    "mature",
    // Spreading ideas rather than changing a system.
    "socialise",
    "socialize",
    "encourage",
    "foster",
    "champion",
    "emphasise",
    "emphasize",
    "empower",
    "evangelise",
    "evangelize",
];

/// Words after which the next word is the main verb.
const VERB_OPENERS: &[&str] = &[
    "will", "should", "must", "shall", "we", "i", "they", "we've", "we'll", "we're", "have", "has",
    "had", "be", "been", "can", "could", "would", "may", "please", "to", "going", "also",
];

/// Vague verbs that become concrete when the mechanism is given ("enhance X with a check").
const NEED_A_MECHANISM: &[&str] = &[
    "enhance",
    "improve",
    "prevent",
    "avoid",
    "reduce",
    "harden",
    "strengthen",
    "extend",
];

/// True when the item's main action is concrete.
pub(super) fn has_concrete_verb(tokens: &[Token]) -> bool {
    concrete_verb(tokens).is_some()
}

/// The index of the item's concrete main verb (after a colon's elaboration, or after a verb
/// that only files the work), or `None` when its main action is vague or missing.
pub(super) fn concrete_verb(tokens: &[Token]) -> Option<usize> {
    let main = main_verb(tokens, 0)?;
    match judge(tokens, main) {
        VerbCheck::Concrete => Some(main),
        VerbCheck::Vague => elaborated_after_colon(tokens, main).then_some(main),
        VerbCheck::Deferred(next) => main_verb(tokens, next)
            .filter(|&v| words_between(tokens, next, v) <= 3)
            .filter(|&v| judge(tokens, v) == VerbCheck::Concrete),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum VerbCheck {
    Concrete,
    Vague,
    /// The verb only files the work ("added a backlog task to ..."): judge the verb after.
    Deferred(usize),
}

/// The first word in a verb position whose verb class is known.
fn main_verb(tokens: &[Token], from: usize) -> Option<usize> {
    (from..tokens.len()).find(|&i| {
        tokens[i].is_word
            && !in_parentheses(tokens, i)
            && in_verb_slot(tokens, i, from)
            && known_verb(tokens, i)
    })
}

/// "(ticket to be filed)": an aside in brackets is not where the item's action is.
fn in_parentheses(tokens: &[Token], i: usize) -> bool {
    let opened = tokens[..i].iter().rposition(|t| t.text == "(");
    let closed = tokens[..i].iter().rposition(|t| t.text == ")");
    opened.is_some_and(|o| closed.is_none_or(|c| c < o))
}

fn known_verb(tokens: &[Token], i: usize) -> bool {
    let word = first_of_alternatives(&tokens[i].lower);
    has_lemma(word, CONCRETE)
        || has_lemma(word, VAGUE)
        || exploring_phrase(tokens, i)
        || imperative_by_shape(tokens, i)
}

/// A verb the lists do not hold, known by its place: the item's first word, in the base form,
/// right before a determiner ("Disown the namespace", "Establish a policy", "Decouple our
/// queues"). A noun opening a bare phrase is followed by another noun or a preposition
/// ("Flux metrics and alerts", "Service account with ACLs"), not by a determiner.
fn imperative_by_shape(tokens: &[Token], i: usize) -> bool {
    const DETERMINERS: &[&str] = &[
        "the", "a", "an", "all", "our", "any", "each", "every", "this", "these", "those", "its",
        "their", "your", "both",
    ];
    /// Closed-class words that open phrases and are never the item's verb.
    const NOT_VERBS: &[&str] = &[
        "all", "more", "less", "some", "no", "each", "every", "both", "only", "also", "then",
        "new", "any", "other", "for", "with", "on", "in", "of", "to", "from", "by", "at", "as",
        "once", "after", "before", "when", "if", "while", "since", "and", "or", "but", "not",
        "the", "a", "an", "this", "that", "these", "those", "our", "we", "it", "its", "there",
        "here", "why", "what", "how", "where", "who", "which", "action", "owner", "status",
        "ticket", "deadline", "due", "note", "notes", "done", "todo", "tbd",
    ];
    let word = tokens[i].lower.as_str();
    // The item's first word, or the first after a modal of intent ("we will seed the ..."), or
    // after the dash, colon or full stop that ends an owner label ("DRI: @kim - rebuild the
    // image", "Owner: Kai Lee. Shorten the window").
    // A tag in brackets ends a label too ("[DATA] Snapshot the ledger").
    let previous = tokens[..i]
        .iter()
        .rev()
        .find(|t| t.is_word || matches!(t.text, "-" | "–" | ":" | "]" | "." | ";" | "!"));
    let first = previous.is_none_or(|t| {
        !t.is_word
            || matches!(
                t.lower.as_str(),
                "will" | "shall" | "must" | "should" | "to"
            )
    });
    // "seed", "embed": base forms that end like a past tense. A verb WordNet lists is a base
    // form whatever its ending ("shred", "instrument", "partition").
    let past_shaped = word.ends_with("ed") && !word.ends_with("eed") && word != "embed";
    let base_form = word.len() > 2
        && word.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
        && (wordnet::is_verb(word)
            || !past_shaped
                && !["ing", "ly", "s", "tion", "ment", "ness"]
                    .iter()
                    .any(|end| word.ends_with(end)));
    // "[NETWORK] Tighten ...": a tag in brackets labels the item.
    let tag = tokens.get(i + 1).is_some_and(|t| t.text == "]");
    let mut following = tokens[i + 1..]
        .iter()
        .filter(|t| t.is_word)
        .map(|t| t.lower.as_str());
    let next = following.next().unwrap_or("");
    let after = following.next().unwrap_or("");
    // "Evict cached fee tables": a participle describing the object shows the first word acts.
    let described_object =
        next.len() > 4 && next.ends_with("ed") && !next.ends_with("eed") && wordnet::is_verb(word);
    let object_follows = DETERMINERS.contains(&next)
        || described_object
        // "Cordon and drain the nodes": the first of two verbs sharing an object.
        || (next == "and" && has_lemma(after, CONCRETE));
    // "Owner: X. Prune ...", "Sunil to watermark ...": after a label or an owner, what follows
    // is the action; a verb WordNet lists needs no object to show it.
    let after_owner = previous
        .is_some_and(|t| matches!(t.text, "." | ":" | "-" | "–" | "]") || t.lower == "to")
        && wordnet::is_verb(word);
    first
        && base_form
        && !tag
        && !NOT_VERBS.contains(&word)
        && (object_follows || after_owner || verb_before_its_object(tokens, i))
}

/// "Redact card numbers from the exports", "Stock two spare modules", "Yank release 4.0.0 and
/// publish 4.0.1": a word English uses as a verb, opening an order whose object has no
/// determiner. A bare noun phrase ("Queue metrics and alerts", "Service account with ACLs")
/// has neither a count after its first word, nor a place or source with a determiner, nor a
/// second order joined to it.
fn verb_before_its_object(tokens: &[Token], i: usize) -> bool {
    const COUNTS: &[&str] = &[
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "both",
    ];
    const PLACES: &[&str] = &[
        "from", "in", "into", "on", "onto", "at", "to", "for", "across", "over", "off", "out",
        "under", "behind", "about", "against", "through", "via",
    ];
    const DETERMINED: &[&str] = &[
        "the", "a", "an", "each", "every", "all", "our", "its", "their", "your", "this", "that",
    ];
    if !wordnet::is_verb(&tokens[i].lower) {
        return false;
    }
    // The rest of the sentence the word opens.
    let end = (i + 1..tokens.len())
        .find(|&j| matches!(tokens[j].text, "." | ";" | "!" | "?"))
        .unwrap_or(tokens.len());
    let words: Vec<&str> = tokens[i + 1..end]
        .iter()
        .filter(|t| t.is_word)
        .map(|t| t.lower.as_str())
        .collect();
    let counted = words
        .first()
        .is_some_and(|w| COUNTS.contains(w) || w.starts_with(|c: char| c.is_ascii_digit()));
    // "from the exports", "to 200 messages per second".
    let placed = words.windows(2).any(|w| {
        PLACES.contains(&w[0])
            && (DETERMINED.contains(&w[1]) || w[1].starts_with(|c: char| c.is_ascii_digit()))
    });
    // "... and publish 4.0.1", "..., then verify with a scan": a second order with its object.
    let joined = words.windows(3).any(|w| {
        matches!(w[0], "and" | "then")
            && has_lemma(w[1], CONCRETE)
            && !w[1].ends_with('s')
            && (DETERMINED.contains(&w[2]) || w[2].starts_with(|c: char| c.is_ascii_digit()))
    });
    counted || placed || joined
}

/// "tweaked/adjusted" is judged by its first alternative.
fn first_of_alternatives(word: &str) -> &str {
    word.split('/').next().unwrap_or(word)
}

fn in_verb_slot(tokens: &[Token], i: usize, from: usize) -> bool {
    let previous_word = (from..i).rev().find(|&j| tokens[j].is_word);
    let sentence_start = (from..i).rev().find(|&j| {
        !tokens[j].is_word
            && matches!(
                tokens[j].text,
                "." | ":" | ";" | "—" | "–" | "-" | "*" | "!" | "]"
            )
    });
    let opens_sentence = match (previous_word, sentence_start) {
        (None, _) => true,
        (Some(w), Some(p)) => p > w,
        (Some(_), None) => false,
    };
    let after_opener = previous_word.is_some_and(|w| {
        let opener = tokens[w].lower.as_str();
        VERB_OPENERS.contains(&opener) && (opener != "to" || words_between(tokens, from, w) <= 4)
    });
    let participle_after_subject =
        tokens[i].lower.ends_with("ed") && words_between(tokens, from, i) <= 2;
    opens_sentence || after_opener || participle_after_subject
}

/// Words in `tokens[from..to]`.
fn words_between(tokens: &[Token], from: usize, to: usize) -> usize {
    tokens[from..to].iter().filter(|t| t.is_word).count()
}

fn judge(tokens: &[Token], i: usize) -> VerbCheck {
    let word = first_of_alternatives(&tokens[i].lower);
    let next = |k: usize| next_word(tokens, i, k);
    if let Some(after) = files_the_work(tokens, i) {
        return VerbCheck::Deferred(after);
    }
    if has_lemma(word, &["need", "want", "have"]) && next(1) == "to"
        || matches!(word, "be" | "been")
    {
        return VerbCheck::Deferred(i + 1);
    }
    if desired_state(tokens, i) {
        return VerbCheck::Vague;
    }
    if word == "check" && matches!(next(1), "why" | "whether" | "if" | "how" | "what" | "for") {
        return VerbCheck::Vague;
    }
    if (has_lemma(word, &["ensure"]) || (has_lemma(word, &["make"]) && next(1) == "sure"))
        && states_a_setting(tokens, i)
    {
        return VerbCheck::Concrete;
    }
    if has_lemma(word, NEED_A_MECHANISM) && names_a_mechanism(tokens, i) {
        return VerbCheck::Concrete;
    }
    if exploring_phrase(tokens, i) {
        return VerbCheck::Vague;
    }
    let (concrete, vague) = (has_lemma(word, CONCRETE), has_lemma(word, VAGUE));
    // Listed as concrete, or unlisted and shaped as an order; never a vague verb.
    if word == "set" || !vague && (concrete || imperative_by_shape(tokens, i)) {
        VerbCheck::Concrete
    } else {
        VerbCheck::Vague
    }
}

/// "Dig into the memory growth", "scope out a provider", "get a handle on", "take another
/// look at", "sync with": phrases of exploring, settling or talking over, whose verb alone
/// reads as an act.
fn exploring_phrase(tokens: &[Token], i: usize) -> bool {
    const PHRASES: &[(&str, &[&str])] = &[
        ("dig", &["into", "in"]),
        ("delve", &["into"]),
        ("poke", &["at", "around"]),
        ("scope", &["out"]),
        ("sort", &["out"]),
        ("nail", &["down"]),
        ("weigh", &["up"]),
        ("circle", &["back"]),
        // Talking it over: "sync with Mirela about", "catch up with", "touch base".
        ("sync", &["with", "up"]),
        // "Deal with the noisy alerts": handling, with no state to reach.
        ("deal", &["with"]),
        ("catch", &["up"]),
        ("touch", &["base"]),
        ("smooth", &["out", "over"]),
        ("iron", &["out"]),
        ("think", &["about", "through"]),
        ("get", &["a", "to", "better", "more"]),
        ("take", &["another", "a"]),
        ("put", &["more", "some", "thought"]),
        // "Raise awareness of phishing": awareness is no deliverable.
        ("raise", &["awareness"]),
        ("build", &["awareness"]),
        ("spread", &["awareness"]),
    ];
    let word = first_of_alternatives(&tokens[i].lower);
    let next = next_word(tokens, i, 1);
    PHRASES.iter().any(|(verb, particles)| {
        has_lemma(word, &[*verb])
            && particles.contains(&next)
            // "take a backup", "get a quote": an object, not a look or a handle.
            && (!matches!(next, "a" | "another") || matches!(next_word(tokens, i, 2), "look" | "handle" | "closer" | "grip" | "sense"))
    })
}

/// The `k`-th word after token `i`, lowercase.
fn next_word<'t>(tokens: &'t [Token], i: usize, k: usize) -> &'t str {
    tokens[i + 1..]
        .iter()
        .filter(|t| t.is_word)
        .nth(k - 1)
        .map_or("", |t| t.lower.as_str())
}

/// "added a backlog task to curate ...", "placed an action item on the roadmap to implement":
/// filing the work is not doing it, so the verb after "to" is the real action.
fn files_the_work(tokens: &[Token], i: usize) -> Option<usize> {
    const FILINGS: &[&str] = &["task", "item", "ticket", "issue", "story", "epic", "card"];
    if !has_lemma(
        &tokens[i].lower,
        &["add", "place", "put", "create", "file", "open", "raise"],
    ) {
        return None;
    }
    let window = &tokens[i + 1..(i + 5).min(tokens.len())];
    let files = window.iter().any(|t| has_lemma(&t.lower, FILINGS));
    let to = (i + 1..(i + 12).min(tokens.len())).find(|&j| tokens[j].lower == "to")?;
    files.then_some(to)
}

/// "All applications should run in containers": a modal with a thing as its subject states a
/// wish about the system, not an action anyone takes.
fn desired_state(tokens: &[Token], i: usize) -> bool {
    // Past the auxiliaries of a passive or an adverb: "should always be kept", "can be tested".
    let modal = (0..i)
        .rev()
        .filter(|&j| tokens[j].is_word)
        .find(|&j| {
            !matches!(
                tokens[j].lower.as_str(),
                "be" | "been" | "always" | "also" | "never" | "only" | "not" | "then"
            )
        })
        .filter(|&j| matches!(tokens[j].lower.as_str(), "should" | "must" | "can" | "may"));
    modal.is_some_and(|m| {
        let subject = tokens[..m]
            .iter()
            .filter(|t| t.is_word)
            .map(|t| t.lower.as_str());
        !subject
            .into_iter()
            .any(|w| matches!(w, "we" | "i" | "team" | "you") || w.starts_with('@'))
    })
}

/// "Ensure that alerting is configured to ...": the ensured state is a concrete setting.
fn states_a_setting(tokens: &[Token], i: usize) -> bool {
    let rest = &tokens[i + 1..];
    rest.windows(2).any(|w| {
        matches!(w[0].lower.as_str(), "is" | "are")
            && w[1].lower.ends_with("ed")
            && has_lemma(&w[1].lower, CONCRETE)
    })
}

/// "Enhance the pipeline with a synthetic check", "prevent X by adding a lock".
fn names_a_mechanism(tokens: &[Token], i: usize) -> bool {
    let rest: Vec<&Token> = tokens[i + 1..].iter().filter(|t| t.is_word).collect();
    rest.windows(2).any(|w| {
        let with_thing = w[0].lower == "with" && matches!(w[1].lower.as_str(), "a" | "an");
        let by_doing =
            w[0].lower == "by" && w[1].lower.ends_with("ing") && has_lemma(&w[1].lower, CONCRETE);
        with_thing || by_doing
    })
}

/// "Review the permissions: scope tokens to ...": a vague lead followed by the concrete step.
fn elaborated_after_colon(tokens: &[Token], main: usize) -> bool {
    let colon = (main..tokens.len()).find(|&j| tokens[j].text == ":");
    colon.is_some_and(|c| {
        let first = (c + 1..tokens.len()).find(|&j| tokens[j].is_word);
        first.is_some_and(|f| {
            main_verb(tokens, f) == Some(f) && judge(tokens, f) == VerbCheck::Concrete
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::text::tokenize;

    fn concrete(text: &str) -> bool {
        super::has_concrete_verb(&tokenize(text))
    }

    #[test]
    fn imperatives_and_owned_actions_count() {
        for text in [
            "Pin the base image to a digest.",
            "Owner: Kai Lee. Rotate the signing key.",
            "Kai Lee to document the restore drill.",
            "The storage team will add a quota alert.",
            "Rolled back the resolver change.",
            "We need to split the monolith deploy into two stages.",
            "Ask the vendor whether the limit can be raised.",
            "Ensure the backup bucket is encrypted with the new key.",
            "Filed a ticket to migrate the queue to the new cluster.",
            "Decouple the billing queue from the mailer.",
            "Establish a rota for certificate renewals.",
            "We will reseed the test tenant with last week's data.",
            "Owner: @ines - reflash the gateway firmware.",
            "[NET] Reflash the edge routers.",
            "Quiesce and restart the ingest workers.",
            "Owner: Kai Lee. Shorten the retry window.",
            "Redact card numbers from the nightly exports.",
            "Stock two spare line cards at each exchange.",
            "Owner: TBD. Shred the expired tapes.",
            "Instrument the callback handler with latency histograms.",
            "Mo to ping Hetzner support about the packet loss.",
            "Owner: Ana Lima. Prune snapshots older than 90 days.",
            "Meter bulk sends to 200 messages per second.",
            "Evict cached fee tables whenever the fee rules change.",
            "Pseudonymise chat logs older than 30 days in the warehouse.",
            "Tokenise student ID numbers in the analytics export.",
        ] {
            assert!(concrete(text), "{text}");
        }
    }

    #[test]
    fn exploration_and_aspiration_do_not() {
        for text in [
            "Investigate the cause of the retries.",
            "Look into better paging.",
            "Make the runbook clearer.",
            "Consider adding a cache.",
            "Better alerting on queue depth.",
            "Check why the alert did not fire.",
            "Logs should go to the central store.",
            "We need a plan for the next failover.",
            "Added a backlog task to think about quotas.",
            "Queue metrics and alerts.",
            "Hotfixes should always be in a branch and can be tested on staging.",
            "Dig into the memory growth on the lobby servers.",
            "Scope out a second provider for the map tiles.",
            "Sync with Mirela about the handover template.",
            "Raise awareness of phishing among the front desk.",
            "Examine the backup job for gaps.",
            "Deal with the noisy disk alerts (ticket to be filed).",
            "We will get a handle on the alert volume.",
            "[NETWORK] Tighten the prefix filters on the routers.",
            "Service account with ACLs.",
            "Enterprise SSO for the admin portal.",
        ] {
            assert!(!concrete(text), "{text}");
        }
    }
}
