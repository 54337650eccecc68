//! The sandbox face: on every metric series posted to an incident, reads the incident's
//! deploys and the notes it left before through `incidents`, and proposes a rollback for
//! each deploy newly found to precede an error jump. Series are re-posted as they grow, so
//! a deploy recorded after its series is still caught on the next post.

use rhyme_pdk::contract::finding;
use rhyme_pdk::types::{
    Evidence, Finding, FindingKind, Incident, MetricSeries, Output, PluginInfo, Proposal,
    ProposalKind, Trigger,
};
use rhyme_pdk::{Guest, config, incidents};

use crate::correlate::{DEPLOY_KINDS, Deploy, Series, Suspect, suspects};
use crate::{PROPOSED, render};

struct DeployCorrelator;

impl Guest for DeployCorrelator {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "deploy-correlator",
            env!("CARGO_PKG_VERSION"),
            "Proposes rolling back a deploy that an error-rate jump followed",
        )
        .triggers(&[Trigger::MetricSeries])
        .capabilities(&["incidents"])
        .build()
    }

    fn on_series(incident: Option<Incident>, series: MetricSeries) -> Result<Output, String> {
        let Some(incident) = incident else {
            return Ok(Output::empty());
        };
        let series = Series {
            name: series.name,
            unit: series.unit,
            points: series.points.iter().map(|p| (p.at, p.value)).collect(),
        };
        if crate::correlate::badness(&series.name).is_none() {
            return Ok(Output::empty());
        }
        let kinds: Vec<String> = DEPLOY_KINDS.iter().map(|k| k.to_string()).collect();
        let deploys: Vec<Deploy> = incidents::timeline_of_kinds(&incident.id, &kinds)
            .map_err(|e| format!("reading deploys: {e:?}"))?
            .into_iter()
            .map(|e| Deploy {
                event_id: e.id,
                at: e.at,
                text: e.text,
            })
            .collect();
        if deploys.is_empty() {
            return Ok(Output::empty());
        }
        let already: Vec<String> = incidents::findings(&incident.id)
            .map_err(|e| format!("reading earlier findings: {e:?}"))?
            .into_iter()
            .filter_map(|f| f.subject.strip_prefix(PROPOSED).map(str::to_string))
            .collect();
        let mut output = Output::empty();
        for suspect in suspects(&deploys, &[series], window_ms()?, &already) {
            let (note, proposal) = propose(&suspect, &incident.service)?;
            output.findings.push(note);
            output.proposals.push(proposal);
        }
        Ok(output)
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_query);
}

/// `window_minutes` from the settings, 15 when unset.
fn window_ms() -> Result<i64, String> {
    let settings: serde_json::Value =
        serde_json::from_str(&config::get()).map_err(|e| format!("settings are not JSON: {e}"))?;
    match settings.get("window_minutes") {
        None => Ok(15 * 60_000),
        Some(v) => match v.as_f64() {
            Some(m) if m > 0.0 => Ok((m * 60_000.0) as i64),
            _ => Err(format!(
                "setting window_minutes must be a positive number of minutes, not {v}"
            )),
        },
    }
}

/// The note that marks the deploy as proposed, and the rollback proposal. The note's title
/// is cut to the contract's length (a long deploy id can make it longer); its confidence is
/// always between 0.5 and 0.95, so the contract's checks pass.
fn propose(suspect: &Suspect, incident_service: &str) -> Result<(Finding, Proposal), String> {
    let r = render(suspect, incident_service);
    let evidence = vec![
        Evidence::Event(suspect.deploy.event_id.clone()),
        // The onset ends at or after it starts, so the window keeps its order.
        Evidence::window(&suspect.series, suspect.onset.at, suspect.onset.until),
    ];
    let note = finding(
        FindingKind::Note,
        &format!("{PROPOSED}{}", suspect.deploy.event_id),
        &r.title,
    )
    .title_cut(&r.title)
    .detail(r.rationale.clone())
    .evidence_all(evidence.clone())
    .confidence(suspect.confidence)
    .at(suspect.onset.at)
    .build()?;
    let proposal = Proposal {
        kind: ProposalKind::SuggestedAction,
        title: r.title,
        body: r.body,
        rationale: r.rationale,
        evidence,
    };
    Ok((note, proposal))
}

rhyme_pdk::export!(DeployCorrelator with_types_in rhyme_pdk::bindings);
