//! The sandbox face: on each series posted to an incident, reads all of the incident's series
//! and the graph signatures already found (through `incidents`), orders the onsets, and says
//! which series moved first when at least two moved. A statement already made (same title) is
//! not made again as the series grow.

use rhyme_pdk::contract::finding;
use rhyme_pdk::types::{
    Evidence, FindingKind, Incident, MetricSeries, Output, PluginInfo, Trigger,
};
use rhyme_pdk::{Guest, incidents};

use crate::wording::{SUBJECT, detail, title};
use crate::{Params, order};

struct FirstMover;

impl Guest for FirstMover {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "first-mover",
            env!("CARGO_PKG_VERSION"),
            "Says which of an incident's series moved first, and how much earlier",
        )
        .triggers(&[Trigger::MetricSeries])
        .capabilities(&["incidents"])
        .build()
    }

    fn on_series(incident: Option<Incident>, _: MetricSeries) -> Result<Output, String> {
        let Some(incident) = incident else {
            return Ok(Output::empty());
        };
        let all = incidents::series(&incident.id).map_err(|e| format!("reading series: {e:?}"))?;
        if all.len() < 2 {
            return Ok(Output::empty());
        }
        let earlier = incidents::findings(&incident.id)
            .map_err(|e| format!("reading earlier findings: {e:?}"))?;
        // A named shape's window start is that series' onset (graph-signature's discipline).
        let known: Vec<(String, i64)> = earlier
            .iter()
            .filter(|f| f.kind == FindingKind::Signature)
            .flat_map(|f| f.evidence.iter())
            .filter_map(|e| match e {
                Evidence::Window(w) => Some((w.series.clone(), w.start)),
                _ => None,
            })
            .collect();
        let series: Vec<(String, Vec<(i64, f64)>)> = all
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.times
                        .iter()
                        .copied()
                        .zip(s.values.iter().copied())
                        .collect(),
                )
            })
            .collect();
        let ordering = order(&series, &known, &Params::default());
        let Some(title) = title(&ordering) else {
            return Ok(Output::empty());
        };
        if earlier
            .iter()
            .any(|f| f.subject == SUBJECT && f.title == title)
        {
            return Ok(Output::empty());
        }
        let evidence = ordering.moved.iter().filter_map(|o| {
            let end = *all.iter().find(|s| s.name == o.series)?.times.last()?;
            Some(Evidence::window(&o.series, o.at, end.max(o.at)))
        });
        let first = ordering.moved[0].at;
        let found = finding(FindingKind::Note, SUBJECT, &title)
            .title_cut(&title)
            .detail(detail(&ordering))
            .evidence_all(evidence)
            .confidence(0.7)
            .at(first)
            .build()?;
        Ok(Output {
            findings: vec![found],
            proposals: Vec::new(),
        })
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_query);
}

rhyme_pdk::export!(FirstMover with_types_in rhyme_pdk::bindings);
