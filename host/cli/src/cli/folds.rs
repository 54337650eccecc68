//! `--folds K` for the judgments that have nothing fitted to their labelled set: the graph
//! signatures' thresholds and the anti-pattern plugin's cues were set by hand, not by a
//! procedure that could be rerun on K−1 folds (the seen-before ranking's fusion weights are
//! refitted per fold in `seen_before_eval.rs`). Their held-out figure is the
//! in-sample one, and the summary says so; what `--folds` adds is each fold's own figure, so
//! the spread shows how much the number depends on which items happen to be in the set.

use serde::Serialize;
use serde_json::json;

/// The figures of each of `k` stratified folds, scored by `score` over that fold's item
/// positions, with the note that nothing was fitted.
pub(super) fn unfitted<S: Serialize>(
    ids: &[&str],
    strata: &[String],
    k: usize,
    method: &str,
    mut score: impl FnMut(&[usize]) -> anyhow::Result<S>,
) -> anyhow::Result<serde_json::Value> {
    let folds = rhyme_eval::folds::assign(ids, strata, k)?;
    let mut per_fold = Vec::with_capacity(k);
    for fold in 0..k {
        let held: Vec<usize> = (0..ids.len()).filter(|&i| folds[i] == fold).collect();
        per_fold.push(json!({ "fold": fold, "items": held.len(), "figures": score(&held)? }));
    }
    Ok(json!({
        "folds": k,
        "fitted": format!(
            "nothing: {method} were set by hand, so the held-out figure is the in-sample one; \
             per_fold shows how it varies from fold to fold"
        ),
        "per_fold": per_fold,
    }))
}

/// The summary line of a command run with `--folds`: the figures and how they were earned.
pub(super) fn print_summary(summary: impl Serialize, validation: Option<serde_json::Value>) {
    match validation {
        Some(validation) => println!(
            "{}",
            json!({ "summary": summary, "validation": validation })
        ),
        None => println!("{}", json!({ "summary": summary })),
    }
}
