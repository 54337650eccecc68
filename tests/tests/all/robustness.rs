//! Metamorphic robustness of the nudges: every labelled timeline of `../shared/data/timelines`
//! is rewritten the way other teams write (informal chat, Slack markup, names from many
//! languages, other role words, another time zone, Unix seconds, a deploy pipeline's changes
//! recorded among the events every 15 minutes), and the anti-pattern plugin,
//! through `rhyme eval nudges` and the sandbox, must raise the same nudges on each variant as
//! on the original: the same patterns, in the same order. The share of timelines that keep
//! their nudges has a floor per variant; the test prints every share and every change.
//!
//! The same for seen-before: every labelled question, asked in chat style, with Slack markup
//! and with other role words, must find the same relevant postmortems in its top five.

use std::collections::{BTreeMap, BTreeSet};

use rhyme_eval::variants::{Variant, rewrite_text, rewrite_timeline};
use rhyme_tests::{embedding_model, install_builtin, outcome, rhyme, shared_data};

/// The least share of questions whose relevant top-five matches survive each text variant.
/// Measured on 2026-12-06 (closing note of issue 14): informal 145/151, Slack markup 151/151
/// (120/151 before chat markup was taken out of questions), role synonyms 150/151. On
/// 2026-12-07 with the int8 default (first feed-forward product per token, models/README.md):
/// informal 143/151, Slack markup 151/151, role synonyms 150/151; float32 then kept 141/151
/// informal, and the previous int8 graph (one activation scale per batch) 132/151.
const QUESTION_FLOOR: f64 = 0.93;

/// The least share of timelines whose nudges must survive each variant. Measured on
/// 2026-12-06 (closing note of issue 14): 27/28 informal and role synonyms, 28/28 for the
/// rest; the floor lets two of 28 change.
const FLOOR: f64 = 0.92;

/// The floor of the `reworded` variant (each act said in other words than the usual ones), set
/// after measuring it natively (`plugins/anti-patterns/tests/eval_timelines.rs`): 24/28 with the
/// phrase-list cues alone, 26/28 with the act rules of `plugins/anti-patterns/src/acts.rs`.
const REWORDED_FLOOR: f64 = 0.92;

#[test]
fn nudges_survive_other_ways_of_writing_a_timeline() {
    let Some(shared) = shared_data() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "anti-patterns");
    let folder = tmp.path().join("timelines");
    std::fs::create_dir(&folder).unwrap();
    let originals = read_timelines(&shared.join("timelines"));
    for (name, timeline) in &originals {
        write(&folder.join(name), timeline);
        for variant in Variant::ALL {
            let file = folder.join(format!("{}~{}", variant.name(), name));
            write(&file, &rewrite_timeline(timeline, variant));
        }
    }
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["eval", "nudges", "--timelines", folder.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{err}");
    let fired = fired_by_id(&out);
    let mut failures = Vec::new();
    for variant in Variant::ALL {
        let mut kept = 0;
        for (_, timeline) in &originals {
            let id = timeline["id"].as_str().unwrap();
            let variant_id = format!("{id}~{}", variant.name());
            if fired[id] == fired[&variant_id] {
                kept += 1;
            } else {
                eprintln!(
                    "{}: {id} {:?} became {:?}",
                    variant.name(),
                    fired[id],
                    fired[&variant_id]
                );
            }
        }
        let share = f64::from(kept) / originals.len() as f64;
        eprintln!(
            "nudges, {}: {kept}/{} timelines kept ({share:.3})",
            variant.name(),
            originals.len()
        );
        let floor = if variant == Variant::Reworded {
            REWORDED_FLOOR
        } else {
            FLOOR
        };
        if share < floor {
            failures.push(format!("{} {share:.3}", variant.name()));
        }
    }
    assert!(failures.is_empty(), "under the floor: {failures:?}");
}

fn read_timelines(dir: &std::path::Path) -> Vec<(String, serde_json::Value)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn write(path: &std::path::Path, timeline: &serde_json::Value) {
    std::fs::write(path, serde_json::to_string(timeline).unwrap()).unwrap();
}

/// The patterns each timeline raised, in order, from `rhyme eval nudges`' item lines.
fn fired_by_id(out: &str) -> BTreeMap<String, Vec<String>> {
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l.get("summary").is_none())
        .map(|l| {
            let patterns = l["nudges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["pattern"].as_str().unwrap().to_string())
                .collect();
            (l["id"].as_str().unwrap().to_string(), patterns)
        })
        .collect()
}

#[test]
fn seen_before_matches_survive_other_ways_of_asking() {
    let (Some(_), Some(shared)) = (embedding_model(), shared_data()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "seen-before");
    let text = std::fs::read_to_string(shared.join("postmortems/queries.jsonl")).unwrap();
    let originals: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut lines = Vec::new();
    for query in &originals {
        lines.push(query.to_string());
        for variant in QUESTION_VARIANTS {
            let mut rewritten = query.clone();
            rewritten["id"] =
                format!("{}~{}", query["id"].as_str().unwrap(), variant.name()).into();
            rewritten["query"] = rewrite_text(query["query"].as_str().unwrap(), variant).into();
            lines.push(rewritten.to_string());
        }
    }
    let file = tmp.path().join("queries.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let corpus = shared.join("postmortems/corpus.jsonl");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &[
            "eval",
            "seen-before",
            "--corpus",
            corpus.to_str().unwrap(),
            "--queries",
            file.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{err}");
    let found = relevant_in_top_five(&out, &originals);
    let mut failures = Vec::new();
    for variant in QUESTION_VARIANTS {
        let kept = originals
            .iter()
            .filter(|q| {
                let id = q["id"].as_str().unwrap();
                let same = found[id] == found[&format!("{id}~{}", variant.name())];
                if !same {
                    eprintln!("{}: {id} lost or gained a match", variant.name());
                }
                same
            })
            .count();
        let share = kept as f64 / originals.len() as f64;
        eprintln!(
            "seen-before, {}: {kept}/{} questions kept ({share:.3})",
            variant.name(),
            originals.len()
        );
        if share < QUESTION_FLOOR {
            failures.push(format!("{} {share:.3}", variant.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "under the floor {QUESTION_FLOOR}: {failures:?}"
    );
}

/// Text variants that make sense for a question (names need a timeline's people).
const QUESTION_VARIANTS: [Variant; 3] = [
    Variant::Informal,
    Variant::SlackMarkup,
    Variant::RoleSynonyms,
];

/// For each question (variants included), the relevant postmortems in its top five.
fn relevant_in_top_five(
    out: &str,
    originals: &[serde_json::Value],
) -> BTreeMap<String, BTreeSet<String>> {
    let relevant: BTreeMap<&str, &serde_json::Value> = originals
        .iter()
        .map(|q| (q["id"].as_str().unwrap(), &q["relevant"]))
        .collect();
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l.get("ranked").is_some())
        .map(|l| {
            let id = l["id"].as_str().unwrap().to_string();
            let original = id.split('~').next().unwrap();
            let wanted = relevant[original];
            let top: BTreeSet<String> = l["ranked"]
                .as_array()
                .unwrap()
                .iter()
                .take(5)
                .filter_map(|r| r.as_str())
                .filter(|r| wanted.get(*r).is_some())
                .map(str::to_string)
                .collect();
            (id, top)
        })
        .collect()
}
