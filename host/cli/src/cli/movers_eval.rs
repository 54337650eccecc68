//! `rhyme eval movers`: which metrics moved and when, on the multivariate set. The detector
//! (`first-mover`'s library, the same code the plugin runs in the sandbox) reads each CSV
//! whole, row by row, without labels; each segment is scored against the alarm standing for
//! it (`rhyme_eval::movers`). A plain z-score runs beside it in the same pass.
//!
//! `--folds K` refits the detector's two thresholds on K−1 folds of segments (a grid, picked
//! by the rule in [`choose`]) and scores the K-th; the held-out figures are the pooled folds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use first_mover::{Params, detect};
use rhyme_core::table::Table;
use rhyme_eval::movers::{self, Alarm, Segment, Summary};
use serde_json::{Value, json};

type Runs = BTreeMap<PathBuf, (Vec<f64>, Vec<Alarm>)>;

/// Most quiet alarms per 24 h a fitted setting may raise on its training folds.
const QUIET_BUDGET_PER_24H: f64 = 1.0;

pub(super) fn run(labels: &Path, folds: Option<usize>) -> anyhow::Result<()> {
    let segments = movers::load(labels)?;
    let mut tables: BTreeMap<PathBuf, Table> = BTreeMap::new();
    for s in &segments {
        if !tables.contains_key(&s.file) {
            tables.insert(s.file.clone(), rhyme_core::table::read(&s.file)?);
        }
    }
    let method = alarms(&tables, &Params::default());
    let plain = alarms(&tables, &Params::plain());
    let all: Vec<usize> = (0..segments.len()).collect();
    for s in &segments {
        let names = &tables[&s.file].names;
        let named = |a: Option<&Alarm>| {
            json!({
                "moved": a.map(|a| columns(names, &a.moved)).unwrap_or_default(),
                "onset": a.map(|a| rfc3339(a.onset)),
            })
        };
        let ours = movers::predict(s, &method[&s.file].1);
        let mut line = named(ours);
        line["id"] = json!(s.id);
        line["dims"] = json!(columns(names, &s.dims));
        line["onset_error_min"] = json!(ours.map(|a| (a.onset - s.start) / 60.0));
        line["baseline"] = named(movers::predict(s, &plain[&s.file].1));
        println!("{line}");
    }
    let summary = json!({
        "method": score(&segments, &all, &method),
        "baseline": score(&segments, &all, &plain),
        "method_is": describe(&Params::default()),
        "baseline_is": "plain z-score: |x − median| / sd of the preceding 6 h ≥ 3 on any column, any row",
        "figures_are": "in-sample: the method's thresholds were chosen on this set (see validation for held-out)",
    });
    let validation = folds
        .map(|k| validate(&segments, &tables, &plain, k))
        .transpose()?;
    super::folds::print_summary(summary, validation);
    Ok(())
}

/// Each file's row times and the alarms `params` raises on it.
fn alarms(tables: &BTreeMap<PathBuf, Table>, params: &Params) -> Runs {
    tables
        .iter()
        .map(|(path, table)| {
            let raised = detect(&table.columns, params)
                .into_iter()
                .map(|e| Alarm {
                    raised: table.t[e.opened],
                    onset: table.t[e.onset],
                    moved: e.moved.iter().map(|m| m.column).collect(),
                })
                .collect();
            (path.clone(), (table.t.clone(), raised))
        })
        .collect()
}

fn score(segments: &[Segment], which: &[usize], runs: &Runs) -> Summary {
    let items: Vec<_> = which
        .iter()
        .map(|&i| {
            let s = &segments[i];
            (s, movers::predict(s, &runs[&s.file].1))
        })
        .collect();
    movers::score(&items, segments, runs)
}

/// The grid `--folds` fits over: the threshold that opens an episode (alone or in a quorum),
/// and the share of it that names a column once one is open. Everything else keeps its
/// default.
fn grid() -> Vec<Params> {
    let mut out = Vec::new();
    for k in [8.0, 10.0, 12.0, 14.0, 16.0] {
        for share in [0.5, 0.6, 0.8, 1.0] {
            out.push(Params {
                k,
                k_quorum: k,
                k_name: k * share,
                ..Params::default()
            });
        }
    }
    out
}

/// The rule: the best F1 of named metrics among the settings that keep quiet alarms within
/// the budget on the training segments; when none does, the quietest.
fn choose(figures: &[Summary]) -> usize {
    let within =
        (0..figures.len()).filter(|&i| figures[i].quiet_alarms_per_24h <= QUIET_BUDGET_PER_24H);
    within
        .max_by(|&a, &b| figures[a].f1.total_cmp(&figures[b].f1).then(b.cmp(&a)))
        .unwrap_or_else(|| {
            (0..figures.len())
                .min_by(|&a, &b| {
                    figures[a]
                        .quiet_alarms_per_24h
                        .total_cmp(&figures[b].quiet_alarms_per_24h)
                })
                .unwrap_or(0)
        })
}

fn validate(
    segments: &[Segment],
    tables: &BTreeMap<PathBuf, Table>,
    plain: &Runs,
    k: usize,
) -> anyhow::Result<Value> {
    let ids: Vec<&str> = segments.iter().map(|s| s.id.as_str()).collect();
    let strata: Vec<String> = segments
        .iter()
        .map(|s| s.file.display().to_string())
        .collect();
    let folds = rhyme_eval::folds::assign(&ids, &strata, k)?;
    let grid = grid();
    let runs: Vec<Runs> = grid.iter().map(|p| alarms(tables, p)).collect();
    let (mut held_method, mut held_plain, mut per_fold) = (Vec::new(), Vec::new(), Vec::new());
    for fold in 0..k {
        let train: Vec<usize> = (0..segments.len()).filter(|&i| folds[i] != fold).collect();
        let held: Vec<usize> = (0..segments.len()).filter(|&i| folds[i] == fold).collect();
        let fitted: Vec<Summary> = runs.iter().map(|r| score(segments, &train, r)).collect();
        let pick = choose(&fitted);
        let method = score(segments, &held, &runs[pick]);
        let baseline = score(segments, &held, plain);
        per_fold.push(json!({
            "fold": fold, "items": held.len(), "chosen": describe(&grid[pick]),
            "method": method, "baseline": baseline,
        }));
        held_method.push(method);
        held_plain.push(baseline);
    }
    Ok(json!({
        "folds": k,
        "fitted": format!(
            "k and k_name, from a grid of {}, on the other folds: best named-metric F1 with at most \
             {QUIET_BUDGET_PER_24H} quiet alarm per 24 h; the baseline has nothing fitted",
            grid.len()
        ),
        "held_out": { "method": movers::pool(&held_method), "baseline": movers::pool(&held_plain) },
        "per_fold": per_fold,
    }))
}

fn describe(p: &Params) -> Value {
    json!({"k": p.k, "k_name": p.k_name, "k_onset": p.k_onset, "persist": p.persist, "quorum": p.quorum,
           "window_rows": p.window, "lag_rows": p.lag, "close_after_rows": p.close_after,
           "k_with": p.k_with, "r_with": p.r_with})
}

fn columns(names: &[String], indexes: &[usize]) -> Vec<String> {
    indexes
        .iter()
        .map(|&i| names.get(i).cloned().unwrap_or_else(|| format!("#{i}")))
        .collect()
}

fn rfc3339(unix: f64) -> String {
    chrono::DateTime::from_timestamp(unix.round() as i64, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
