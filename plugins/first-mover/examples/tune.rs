//! Scratch: figures of the detector on the multivariate set for a few settings.
//! cargo run --release -p first-mover --example tune
use std::collections::BTreeMap;
use std::path::PathBuf;

use first_mover::{Params, detect};
use rhyme_eval::movers::{self, Alarm};

fn main() {
    let labels = PathBuf::from("../shared/data/metrics/multivariate/labels.jsonl");
    let segments = movers::load(&labels).unwrap();
    let mut tables = BTreeMap::new();
    for s in &segments {
        tables
            .entry(s.file.clone())
            .or_insert_with(|| rhyme_core::table::read(&s.file).unwrap());
    }
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let mut settings = vec![("plain".to_string(), Params::plain())];
    for &k in &[10.0, 12.0, 14.0] {
        for &(kq, share) in &[
            (1.0f64, 0.5f64),
            (0.75, 0.5),
            (0.6, 0.5),
            (0.75, 0.4),
            (0.6, 0.35),
        ] {
            let mut p = Params {
                k,
                k_quorum: k * kq,
                k_name: k * share,
                ..Params::default()
            };
            if !args.is_empty() {
                p.quorum = args[0] as usize;
            }
            settings.push((format!("k{k} kq{kq} kn{share}"), p));
        }
    }
    for (name, p) in settings {
        let mut files = BTreeMap::new();
        for (path, table) in &tables {
            let alarms: Vec<Alarm> = detect(&table.columns, &p)
                .into_iter()
                .map(|e| Alarm {
                    raised: table.t[e.opened],
                    onset: table.t[e.onset],
                    moved: e.moved.iter().map(|m| m.column).collect(),
                })
                .collect();
            files.insert(path.clone(), (table.t.clone(), alarms));
        }
        let items: Vec<_> = segments
            .iter()
            .map(|s| (s, movers::predict(s, &files[&s.file].1)))
            .collect();
        let sum = movers::score(&items, &segments, &files);
        println!(
            "{name:12} P {:.2} R {:.2} F1 {:.3} missed {:.2} onset_med {:?} within5 {:?} quiet {}/{:.0}h = {:.2}/24h",
            sum.precision,
            sum.recall,
            sum.f1,
            sum.missed_share,
            sum.median_onset_error_min,
            sum.onset_within_5_min_share
                .map(|x| (x * 100.0).round() / 100.0),
            sum.quiet_alarms,
            sum.quiet_hours,
            sum.quiet_alarms_per_24h
        );
    }
}
