//! The numbers that matter across incidents, from what the store already holds: response
//! times defined from timeline event kinds (with the incidents that lack the events for each
//! listed, never dropped), incidents by severity and service over time, action-item
//! follow-through, and how incident commanders answered nudges. Context comes before numbers
//! (a rise in incidents may be better detection), and nothing is counted per person.
//!
//! | module | job |
//! |---|---|
//! | [`window`] | the span a report covers: `--since 7d`, or `--from`/`--to` |
//! | [`timings`] | the four response times and why an incident lacks one |
//! | [`stats`] | medians, and p90s only where the sample allows |
//! | [`volume`] | incidents by severity and service per day or week |
//! | [`follow_through`] | action-item completion, age and overdue counts |
//! | [`answers`] | nudges fired per pattern: acknowledged, muted, ignored |
//! | [`context`] | the comparison with the window before, and what to read into it |
//! | [`markdown`] | the report as Markdown, headline numbers first |
//! | [`plots`] | the report's figures as SVG, drawn as the signature plots are |
//!
//! ```no_run
//! # async fn demo(store: &rhyme_store::Store) -> Result<(), rhyme_report::Error> {
//! let window = rhyme_report::Window::parse("--", Some("7d"), None, None, store.now())?;
//! let report = rhyme_report::build(store, window).await?;
//! println!("{}", rhyme_report::markdown::render(&report));
//! # Ok(()) }
//! ```

pub mod answers;
pub mod context;
pub mod follow_through;
pub mod markdown;
pub mod plots;
pub mod stats;
pub mod timings;
pub mod volume;
pub mod window;

use std::collections::HashMap;

use rhyme_store::Store;
use rhyme_store::report::{EventMark, ReportInputs};
use serde::{Deserialize, Serialize};

pub use window::Window;

use timings::{Lack, Measure};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A request's field is wrong; the message names it.
    #[error("{field}: {why}")]
    Invalid {
        /// The field at fault, as the caller named it (`--since`, `since`).
        field: String,
        /// What is wrong with it.
        why: String,
    },
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] rhyme_store::Error),
}

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, why: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            why: why.into(),
        }
    }
}

/// The window as the report states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowView {
    /// Its first moment, RFC 3339 UTC.
    pub from: String,
    /// The first moment after it, RFC 3339 UTC.
    pub to: String,
    /// The same, in epoch milliseconds.
    pub from_ms: i64,
    /// The same, in epoch milliseconds.
    pub to_ms: i64,
    /// Its length in days.
    pub days: f64,
}

/// An incident that lacks the events for a measure, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lacking {
    /// The incident's id.
    pub incident: String,
    /// Machine-readable reason.
    pub lack: Lack,
    /// The reason in words.
    pub reason: String,
}

/// One response time over the window's incidents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSummary {
    /// Which time.
    pub measure: Measure,
    /// Its name in the report.
    pub label: String,
    /// Exactly how it is read from the timeline.
    pub definition: String,
    /// Sample size, median and p90 in milliseconds.
    #[serde(flatten)]
    pub summary: stats::Summary,
    /// The incidents that could not be timed, with the reason.
    pub lacking: Vec<Lacking>,
}

/// One incident in the window with its four times (milliseconds; `None` when lacking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRow {
    /// The incident's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its severity as counted (upper-cased).
    pub severity: String,
    /// Its service; empty when unknown.
    pub service: String,
    /// Its recorded start, RFC 3339 UTC.
    pub started: String,
    /// Recorded start to first alert.
    pub detect_ms: Option<i64>,
    /// First alert to first acknowledgement.
    pub acknowledge_ms: Option<i64>,
    /// Recorded start to first mitigation.
    pub mitigate_ms: Option<i64>,
    /// Recorded start to resolution.
    pub resolve_ms: Option<i64>,
}

/// The whole report: what the Markdown, the JSON and the plots all show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The span covered; incidents count in the window they started in.
    pub window: WindowView,
    /// The comparison with the window before, and the notes to read first.
    pub context: context::Context,
    /// Time to detect, acknowledge, mitigate and resolve, in that order.
    pub times: Vec<MeasureSummary>,
    /// The window's incidents, oldest first, with their times.
    pub incidents: Vec<IncidentRow>,
    /// Incidents by severity and by service over time.
    pub volume: volume::Volume,
    /// Action items: completion, age, overdue.
    pub actions: follow_through::FollowThrough,
    /// Nudges fired per pattern and how they were answered.
    pub nudges: Vec<answers::PatternAnswers>,
}

/// Reads the store and computes the report over `window`.
pub async fn build(store: &Store, window: Window) -> Result<Report, Error> {
    let inputs = store.report_inputs(window.from, window.to).await?;
    Ok(compute(window, &inputs))
}

/// Computes the report from what the store gave; action items are judged as of the window's
/// end, so a report over a past window says what was overdue then.
pub fn compute(window: Window, inputs: &ReportInputs) -> Report {
    let mut events: HashMap<&str, Vec<&EventMark>> = HashMap::new();
    for e in &inputs.events {
        events.entry(&e.incident).or_default().push(e);
    }
    let timed: Vec<timings::IncidentTimes> = inputs
        .incidents
        .iter()
        .map(|i| {
            let evs = events.get(i.id.as_str()).map_or(&[][..], Vec::as_slice);
            timings::times(i, evs)
        })
        .collect();
    let times = Measure::ALL
        .iter()
        .map(|&m| {
            let values: Vec<i64> = timed.iter().filter_map(|t| t.get(m).ok()).collect();
            let lacking = timed
                .iter()
                .filter_map(|t| {
                    t.get(m).err().map(|lack| Lacking {
                        incident: t.incident.clone(),
                        lack,
                        reason: lack.reason().to_string(),
                    })
                })
                .collect();
            MeasureSummary {
                measure: m,
                label: m.label().to_string(),
                definition: m.definition().to_string(),
                summary: stats::summarise(&values),
                lacking,
            }
        })
        .collect();
    let incidents = inputs
        .incidents
        .iter()
        .zip(&timed)
        .map(|(i, t)| IncidentRow {
            id: i.id.clone(),
            title: i.title.clone(),
            severity: volume::severity(i),
            service: i.service.clone(),
            started: window::rfc3339(i.started),
            detect_ms: t.get(Measure::Detect).ok(),
            acknowledge_ms: t.get(Measure::Acknowledge).ok(),
            mitigate_ms: t.get(Measure::Mitigate).ok(),
            resolve_ms: t.get(Measure::Resolve).ok(),
        })
        .collect();
    Report {
        window: WindowView {
            from: window::rfc3339(window.from),
            to: window::rfc3339(window.to),
            from_ms: window.from,
            to_ms: window.to,
            days: (window.len_ms() as f64 / 86_400_000.0 * 100.0).round() / 100.0,
        },
        context: context::context(&inputs.incidents, &inputs.previous, &inputs.events),
        times,
        incidents,
        volume: volume::count(window, &inputs.incidents),
        actions: follow_through::follow_through(&inputs.actions, window.to),
        nudges: answers::answers(&inputs.nudges, &inputs.answers),
    }
}

#[cfg(test)]
mod tests {
    use rhyme_store::Incident;

    use super::*;

    fn incident(id: &str, started: i64) -> Incident {
        Incident {
            id: id.into(),
            title: id.into(),
            severity: "SEV2".into(),
            service: "api".into(),
            started,
            ended: None,
        }
    }

    fn mark(incident: &str, at: i64, role: &str, kind: &str) -> EventMark {
        EventMark {
            incident: incident.into(),
            at,
            role: role.into(),
            kind: kind.into(),
            source: (kind == "alert").then(|| "alertmanager".into()),
        }
    }

    #[test]
    fn an_incident_missing_an_ack_is_listed_not_dropped() {
        let window = Window {
            from: 0,
            to: 86_400_000,
        };
        let inputs = ReportInputs {
            incidents: vec![incident("acked", 1_000), incident("silent", 2_000)],
            events: vec![
                mark("acked", 61_000, "system", "alert"),
                mark("acked", 121_000, "ic", "role_change"),
                mark("silent", 62_000, "system", "alert"),
            ],
            ..ReportInputs::default()
        };
        let report = compute(window, &inputs);
        let ack = &report.times[1];
        assert_eq!(ack.measure, Measure::Acknowledge);
        assert_eq!((ack.summary.n, ack.summary.median_ms), (1, Some(60_000)));
        assert_eq!(
            ack.lacking,
            [Lacking {
                incident: "silent".into(),
                lack: Lack::NoAcknowledgement,
                reason: Lack::NoAcknowledgement.reason().into(),
            }]
        );
        assert_eq!(report.incidents[1].acknowledge_ms, None);
        assert_eq!(report.incidents[1].detect_ms, Some(60_000));
        let md = markdown::render(&report);
        assert!(
            md.contains("`silent` (no acknowledgement after the first alert)"),
            "{md}"
        );
        assert!(md.contains("rose from 0 to 2"), "{md}");
    }
}
