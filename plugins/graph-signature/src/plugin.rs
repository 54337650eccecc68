//! The sandbox face of the analysis: a metric series comes in through `on-series`, one
//! signature finding per shape found goes out. Needs no capability.

use rhyme_pdk::Guest;
use rhyme_pdk::types::{
    Evidence, Finding, FindingKind, Incident, MetricSeries, Output, PluginInfo, SeriesWindow, Trigger,
};

use crate::{Point, Signature, analyze};

struct GraphSignature;

impl Guest for GraphSignature {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("graph-signature", env!("CARGO_PKG_VERSION"), "Names the shape of a metric and what it usually means")
            .triggers(&[Trigger::MetricSeries])
            .build()
    }

    fn on_series(_: Option<Incident>, series: MetricSeries) -> Result<Output, String> {
        let points: Vec<Point> = series.points.iter().map(|p| Point { t: p.at as f64 / 1000.0, v: p.value }).collect();
        let findings = analyze(&points).iter().map(|s| finding(&series.name, s)).collect();
        Ok(Output { findings, proposals: Vec::new() })
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_query);
}

fn finding(series: &str, s: &Signature) -> Finding {
    let (start, end) = ((s.start * 1000.0) as i64, (s.end * 1000.0) as i64);
    let name = s.shape.name();
    let title = format!("{}{}: {}", name[..1].to_uppercase(), &name[1..], s.magnitude);
    let detail = format!(
        "Often means: {}.\nFirst check: {}\nWhere: {}–{} UTC in {series}.",
        s.meanings.join("; "),
        s.first_check,
        rhyme_pdk::time::hh_mm(start),
        rhyme_pdk::time::hh_mm(end),
    );
    let mut finding = Finding::new(FindingKind::Signature, s.shape.id(), &title, &detail);
    finding.evidence = vec![Evidence::Window(SeriesWindow { series: series.to_string(), start, end })];
    finding.confidence = s.confidence.clamp(0.0, 1.0) as f32;
    finding.at = Some(end);
    finding
}

rhyme_pdk::export!(GraphSignature with_types_in rhyme_pdk::bindings);
