//! Metamorphic robustness: every labelled sentence and action item of `../shared/data/lint`,
//! rewritten the way other people write (lower case without punctuation, Slack markup, other
//! words for roles), must get the verdict its original gets. The share of verdicts that
//! survive has a floor per variant; run with `--nocapture` to see the shares, and set
//! `REVIEW_LINT_SHOW=<variant>` to list the sentences whose verdict changed.
//!
//! Skipped with a note when the data folder is absent.

use std::path::PathBuf;

use review_lint::{action_item, blame};
use rhyme_eval::lint::{read_action_items, read_blame};
use rhyme_eval::variants::{Variant, rewrite_text};

/// The least share of blame verdicts each variant must keep. Measured on 2026-12-06 (see the
/// closing note of issue 14): blame 0.955 informal, 1.000 Slack markup, 0.973 role synonyms;
/// action items 0.779 informal at first, 0.857 once lower-case ticket keys and a lower-case
/// name after an owner label were read (items without their colons and full stops are still
/// read worse), 1.000 for the other two.
const BLAME_FLOOR: f64 = 0.93;
/// The least share of action items whose five elements all keep their verdict.
const ACTION_ITEM_FLOOR: f64 = 0.82;

fn data_dir() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("../shared/data/lint");
    dir.join("blame.jsonl").exists().then_some(dir)
}

/// The variants that make sense for a single sentence (names need a timeline's people).
const VARIANTS: [Variant; 3] = [
    Variant::Informal,
    Variant::SlackMarkup,
    Variant::RoleSynonyms,
];

fn show(variant: Variant) -> bool {
    std::env::var("REVIEW_LINT_SHOW").is_ok_and(|v| v == variant.name())
}

/// Share of `texts` whose `verdict` is the same after rewriting by `variant`.
fn surviving<V: PartialEq + std::fmt::Debug>(
    texts: &[&str],
    variant: Variant,
    verdict: impl Fn(&str) -> V,
) -> f64 {
    let kept = texts
        .iter()
        .filter(|text| {
            let rewritten = rewrite_text(text, variant);
            let (before, after) = (verdict(text), verdict(&rewritten));
            if before != after && show(variant) {
                eprintln!("{before:?} -> {after:?}: {text}\n    {rewritten}");
            }
            before == after
        })
        .count();
    kept as f64 / texts.len().max(1) as f64
}

#[test]
fn blame_verdicts_survive_other_ways_of_writing() {
    let Some(dir) = data_dir() else {
        eprintln!("skipped: ../shared/data/lint is absent");
        return;
    };
    let items = read_blame(&dir.join("blame.jsonl")).unwrap();
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    let mut failures = Vec::new();
    for variant in VARIANTS {
        let share = surviving(&texts, variant, |t| blame::detect(t).is_some());
        eprintln!("blame, {}: {share:.3} of verdicts kept", variant.name());
        if share < BLAME_FLOOR {
            failures.push(format!("{} {share:.3}", variant.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "under the floor {BLAME_FLOOR}: {failures:?}"
    );
}

#[test]
fn action_item_verdicts_survive_other_ways_of_writing() {
    let Some(dir) = data_dir() else {
        eprintln!("skipped: ../shared/data/lint is absent");
        return;
    };
    let items = read_action_items(&dir.join("action_items.jsonl")).unwrap();
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    let mut failures = Vec::new();
    for variant in VARIANTS {
        let share = surviving(&texts, variant, |t| {
            let c = action_item::check(t);
            (c.owner, c.verb, c.outcome, c.ticket, c.deadline)
        });
        eprintln!(
            "action items, {}: {share:.3} of verdicts kept",
            variant.name()
        );
        if share < ACTION_ITEM_FLOOR {
            failures.push(format!("{} {share:.3}", variant.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "under the floor {ACTION_ITEM_FLOOR}: {failures:?}"
    );
}
