//! The sandbox face of the analysis: a metric series comes in through `on-series`, one
//! signature finding per shape found goes out. Needs no capability.

use rhyme_pdk::Guest;
use rhyme_pdk::types::{
    Evidence, Finding, FindingKind, Incident, MetricSeries, Output, PluginInfo, Trigger,
};

use crate::{Signature, analyze_columns};

struct GraphSignature;

impl Guest for GraphSignature {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "graph-signature",
            env!("CARGO_PKG_VERSION"),
            "Names the shape of a metric and what it usually means",
        )
        .triggers(&[Trigger::MetricSeries])
        .build()
    }

    fn on_series(_: Option<Incident>, series: MetricSeries) -> Result<Output, String> {
        let findings = analyze_columns(&series.times, &series.values)
            .iter()
            .map(|s| finding(&series.name, s))
            .collect();
        Ok(Output {
            findings,
            proposals: Vec::new(),
        })
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_query);
}

fn finding(series: &str, s: &Signature) -> Finding {
    let (start, end) = ((s.start * 1000.0) as i64, (s.end * 1000.0) as i64);
    let detail = format!(
        "Size: {}.\nOften means: {}.\nFirst check: {}",
        s.magnitude,
        s.meanings.join("; "),
        s.first_check,
    );
    let mut finding = Finding::new(FindingKind::Signature, s.shape.id(), &title(s), &detail);
    finding.evidence = vec![Evidence::window(series, start, end)];
    finding.confidence = s.confidence.clamp(0.0, 1.0) as f32;
    finding.at = Some(end);
    finding
}

/// "Cliff drop: fell 92% within 2 min and stayed down": the magnitude's first clause, without
/// its parenthetical detail, when the whole would not fit the contract's 80 characters.
fn title(s: &Signature) -> String {
    let name = s.shape.name();
    let name = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
    let full = format!("{name}: {}", s.magnitude);
    if full.chars().count() <= 80 {
        return full;
    }
    let mut short = String::new();
    let mut depth = 0usize;
    for c in s.magnitude.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' | ';' if depth == 0 => break,
            _ if depth == 0 => short.push(c),
            _ => {}
        }
    }
    let short = short.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{name}: {short}")
}

rhyme_pdk::export!(GraphSignature with_types_in rhyme_pdk::bindings);
