//! Outcome: the item says how anyone would know it is done. That is a target value ("under
//! 2 s at p95", "0 unpinned images", "300 seconds"), an explicit verification ("verify the old
//! key returns 401", "done when ..."), or an explicit completion criterion ("sign-off from two
//! ICs"). A purpose ("to catch future issues") or a vague target ("more robust") is not.

use crate::text::Token;

/// Words that introduce the check that proves the item done.
const VERIFICATIONS: &[&str] = &[
    "verify",
    "verified",
    "verifies",
    "verifying",
    "confirm",
    "confirms",
    "confirmed",
    "confirming",
];

/// Comparators that make the next quantity a target.
const COMPARATORS: &[(&str, &str)] = &[
    ("no", "more"),
    ("at", "most"),
    ("at", "least"),
    ("fewer", "than"),
    ("less", "than"),
    ("more", "than"),
];

/// Number words that can state a target ("two ICs", "zero unprotected buckets").
const NUMBER_WORDS: &[&str] = &[
    "zero", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty",
    "hundred",
];

/// Deliverables that, when they must list or show something, are the done-condition.
const DELIVERABLES: &[&str] = &[
    "write-up",
    "writeup",
    "report",
    "list",
    "document",
    "doc",
    "summary",
    "checklist",
    "comparison",
];

/// True when the item states how its completion is judged. `dates` are the tokens that form
/// dates, whose numbers are not targets.
pub(super) fn has_outcome(tokens: &[Token], dates: &[usize]) -> bool {
    (0..tokens.len()).any(|i| {
        verification(tokens, i)
            || completion_criterion(tokens, i)
            || (!dates.contains(&i) && quantity(tokens, i))
            || comparator(tokens, i)
    })
}

fn word<'t>(tokens: &'t [Token], i: usize) -> &'t str {
    tokens.get(i).map_or("", |t| t.lower.as_str())
}

fn verification(tokens: &[Token], i: usize) -> bool {
    let w = word(tokens, i);
    let signed_off = (w == "sign-off" || w == "signoff")
        || (matches!(w, "sign" | "signed") && word(tokens, i + 1) == "off");
    let done_when = matches!(w, "done" | "complete" | "finished") && word(tokens, i + 1) == "when";
    let success =
        w == "success" && matches!(word(tokens, i + 1), "=" | ":" | "is" | "when" | "means");
    // "and check that the gates read the fresh list": a check of a stated result.
    // Not "a pre-deploy check that blocks ...": there "check" is the thing being added.
    let as_verb = matches!(
        previous_word(tokens, i),
        "" | "and" | "then" | "to" | "also"
    );
    let checked_that =
        matches!(w, "check" | "checking") && word(tokens, i + 1) == "that" && as_verb;
    // "Talk to Gunnar about the sign-off": a verification named as the topic is not one.
    let topic = (i.saturating_sub(4)..i).any(|j| word(tokens, j) == "about");
    (VERIFICATIONS.contains(&w) || signed_off || done_when || success || checked_that) && !topic
}

/// "until the audit shows zero ...", "make sure we've migrated every ...", "with a write-up
/// that lists each ...", "reviewed by two engineers".
fn completion_criterion(tokens: &[Token], i: usize) -> bool {
    let w = word(tokens, i);
    let until_shown = w == "until"
        && (i + 1..(i + 8).min(tokens.len())).any(|j| {
            matches!(
                word(tokens, j),
                "shows" | "reports" | "returns" | "passes" | "reads"
            )
        });
    let made_sure_done = w == "sure"
        && word(tokens, i - usize::from(i > 0)) == "make"
        && matches!(word(tokens, i + 1), "we've" | "we")
        && (i + 2..(i + 4).min(tokens.len())).any(|j| word(tokens, j).ends_with("ed"));
    let deliverable = DELIVERABLES.contains(&w) && (says_what(tokens, i) || attached(tokens, i));
    let reviewed_by_count =
        w == "reviewed" && word(tokens, i + 1) == "by" && is_count(word(tokens, i + 2));
    until_shown || made_sure_done || deliverable || reviewed_by_count
}

/// "a write-up that lists each ...", "a comparison document listing cost per provider": the
/// deliverable must show something named.
fn says_what(tokens: &[Token], i: usize) -> bool {
    const SHOWING: &[&str] = &[
        "lists",
        "shows",
        "names",
        "covers",
        "documents",
        "records",
        "states",
    ];
    const SHOWING_ING: &[&str] = &[
        "listing",
        "showing",
        "naming",
        "covering",
        "stating",
        "comparing",
    ];
    let next = word(tokens, i + 1);
    (next == "that" && SHOWING.contains(&word(tokens, i + 2))) || SHOWING_ING.contains(&next)
}

/// "with a written comparison of match rates", "delivering a comparison of price": a comparison
/// of named measures handed over with the work is its done-condition.
fn attached(tokens: &[Token], i: usize) -> bool {
    let handed = (i.saturating_sub(3)..i)
        .any(|j| matches!(word(tokens, j), "with" | "delivering" | "producing"));
    handed && word(tokens, i) == "comparison" && word(tokens, i + 1) == "of"
}

/// A target number: `300 seconds`, `0.1%`, `3x`, `512`, `zero deploys`. Versions, times,
/// ticket numbers, ranges and number-adjectives ("a 75-second stall") are not targets.
fn quantity(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    let after_hash = i > 0 && tokens[i - 1].text == "#" && tokens[i - 1].end == t.start;
    let numeric = t
        .lower
        .trim_end_matches("ms")
        .trim_end_matches(['%', 'x', 's']);
    let plain = numeric.chars().all(|c| c.is_ascii_digit() || c == '.')
        && numeric.starts_with(|c: char| c.is_ascii_digit())
        && !numeric.ends_with('.');
    let percent = tokens
        .get(i + 1)
        .is_some_and(|n| n.text == "%" && n.start == t.end);
    let year_like = numeric
        .parse::<u32>()
        .is_ok_and(|n| (1990..=2100).contains(&n))
        && !percent;
    let target = (plain && !after_hash && !year_like)
        || (NUMBER_WORDS.contains(&t.lower.as_str())
            && tokens.get(i + 1).is_some_and(|n| n.is_word));
    target && !picks_out_or_names(tokens, i)
}

/// A number that says which things or when, not what value to reach: a count after a
/// determiner ("the three compromised agents", "the next two windows", "the 2.3 branch"), an
/// identifier after its noun ("sprint 58", "phase 2"), or a time frame ("within 30 days").
fn picks_out_or_names(tokens: &[Token], i: usize) -> bool {
    const DETERMINERS: &[&str] = &[
        "the", "these", "those", "our", "their", "its", "next", "last", "first", "all", "both",
        "each", "every",
    ];
    const IDENTIFIED: &[&str] = &[
        "sprint",
        "release",
        "version",
        "phase",
        "step",
        "stage",
        "week",
        "wave",
        "milestone",
        "iteration",
        "build",
        "issue",
        "case",
        "incident",
        "sev",
        "level",
        "room",
        "floor",
        "rack",
        "port",
        "line",
        "chapter",
        "section",
        "page",
        "ward",
        "bay",
        "gate",
        "zone",
        "shard",
        "node",
        "host",
        "cell",
        "lane",
        "tier",
        "building",
        "store",
        "branch",
    ];
    const FRAMES: &[&str] = &["within", "in", "after", "every", "for", "over", "per"];
    const TIME_UNITS: &[&str] = &[
        "day", "days", "week", "weeks", "month", "months", "quarter", "quarters", "year", "years",
        "sprint", "sprints",
    ];
    let before = previous_word(tokens, i);
    let time_frame = FRAMES.contains(&before) && TIME_UNITS.contains(&word(tokens, i + 1));
    DETERMINERS.contains(&before) || IDENTIFIED.contains(&before) || time_frame
}

/// The word before token `i`, lowercase ("" at the start or after punctuation).
fn previous_word<'t>(tokens: &'t [Token], i: usize) -> &'t str {
    i.checked_sub(1)
        .and_then(|p| tokens.get(p))
        .filter(|t| t.is_word)
        .map_or("", |t| t.lower.as_str())
}

fn is_count(w: &str) -> bool {
    NUMBER_WORDS.contains(&w) || w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty()
}

/// "no more than a release behind", "at least one replica", "fewer than 20".
fn comparator(tokens: &[Token], i: usize) -> bool {
    let pair = (word(tokens, i), word(tokens, i + 1));
    let next = word(tokens, i + 2);
    let next = if next == "than" {
        word(tokens, i + 3)
    } else {
        next
    };
    COMPARATORS.contains(&pair) && (is_count(next) || matches!(next, "a" | "an" | "one"))
}

#[cfg(test)]
mod tests {
    use crate::action_item::deadline::date_tokens;
    use crate::text::tokenize;

    fn measurable(text: &str) -> bool {
        let tokens = tokenize(text);
        super::has_outcome(&tokens, &date_tokens(&tokens))
    }

    #[test]
    fn targets_and_verifications_count() {
        for text in [
            "Set the timeout to 30 seconds.",
            "Keep p99 under 800 ms.",
            "Rotate the key and verify the old one is rejected.",
            "Add the guard; done when the drill passes.",
            "Pin images until the scanner reports zero unpinned images.",
            "Get sign-off from two ICs.",
            "Stay no more than a release behind.",
            "Handle 3x the normal load.",
            "Evaluate two queues, with a comparison document listing cost per million messages.",
            "Explore a second DNS provider, with a written comparison of resolution times.",
            "Flush the cache nightly and check that the gates read the new list.",
        ] {
            assert!(measurable(text), "{text}");
        }
    }

    #[test]
    fn purposes_dates_tickets_and_versions_do_not() {
        for text in [
            "Add alerting to catch future instances of this.",
            "Make the API more robust by 2027-01-15.",
            "Upgrade to v2.5, see #4821 and OPS-2231.",
            "Investigate the 75-second stall on ARM64.",
            "Alert when usage reaches a certain threshold, due 4 Dec 2026.",
            "Host it on the studio project at least.",
            "Reimage the four affected runners from the base image.",
            "Merge the fix into the 4.1 branch.",
            "Retire the old relay within 60 days.",
            "Ship the runbook in sprint 12.",
            "Write a comparison of the two vendors.",
            "Talk to Gunnar about the schedule sign-off.",
        ] {
            assert!(!measurable(text), "{text}");
        }
    }
}
