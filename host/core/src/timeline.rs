//! Incident timelines as files (`timelines/*.json`, format in that folder's README): the incident's
//! metadata, its events with times as Unix seconds, and, in labelled sets, the nudges a good
//! detector is expected to fire.
//!
//! [`load_dir`] reads every timeline of a folder, [`load_file`] one, and [`replay_calls`] lists
//! the calls a replay makes, in incident time, exactly as the host drives a plugin.
//!
//! ```
//! use rhyme_core::timeline::{parse_timeline, replay_calls};
//! let json = r#"{"id": "t1", "title": "x", "kind": "constructed", "severity": "SEV2",
//!   "update_cadence_minutes": 30,
//!   "events": [{"at": "2024-01-01T00:00:00Z", "actor": null, "role": "system",
//!               "kind": "alert", "text": "a"},
//!              {"at": "2024-01-01T00:02:30Z", "actor": "ana", "role": "ic",
//!               "kind": "message", "text": "looking"}],
//!   "expected_nudges": []}"#;
//! let timeline = parse_timeline(json, "t1.json".as_ref()).unwrap();
//! assert_eq!(timeline.events[1].at - timeline.events[0].at, 150);
//! assert_eq!(replay_calls(&timeline).len(), 4); // two events, two minute ticks between
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::series;

/// The nine pattern ids of the timelines README, in the catalog's order: the only ones an
/// expected nudge may name.
pub const PATTERNS: [&str; 9] = [
    "tunnel-vision",
    "silent-handover",
    "update-black-hole",
    "ic-hero-debugger",
    "stalled-loop",
    "no-clear-command",
    "off-channel-decision",
    "vanishing-after-mitigation",
    "blame-language",
];

/// The longest a timeline may run, first event to last. A replay calls the detectors on every
/// minute between them, so a mistyped year (`1013` for `2013`) would otherwise mean hundreds of
/// millions of calls; the longest real timeline of the data sets runs ten days.
pub const MAX_SPAN_DAYS: i64 = 90;

/// Years 1 to 9999 in Unix seconds: the times ISO-8601 can write, far from `i64`'s ends.
const TIMES: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// Where a timeline comes from: real ones are paraphrased public postmortems, sparser than chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimelineKind {
    /// Converted from a public postmortem, with times from the source.
    Real,
    /// A hand-written, chat-level scenario with invented people and systems.
    Constructed,
}

/// One event of a timeline, with its time as Unix seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEvent {
    /// 0-based position in the file: the id that `evidence` refers to.
    pub index: usize,
    /// When the event happened, in Unix seconds.
    pub at: i64,
    /// Who posted or did it, when the file names someone.
    pub actor: Option<String>,
    /// The actor's incident role (`ic`, `ops`, `comms`, `system`...), when known.
    pub role: Option<String>,
    /// What sort of event it is (`message`, `alert`, `status_update`, `mitigation`...).
    pub kind: String,
    /// A short neutral paraphrase of what was said or done.
    pub text: String,
}

/// A nudge the labels expect, with its window as Unix seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedNudge {
    /// The expected pattern id, one of [`PATTERNS`].
    pub pattern: String,
    /// Earliest time a nudge counts as a hit, in Unix seconds; one before this is premature.
    pub not_before: i64,
    /// Latest time a good detector should have fired, in Unix seconds; one after this is late.
    pub by: i64,
    /// 0-based indices into the timeline's events that show the pattern.
    pub evidence: Vec<usize>,
}

/// One labelled timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// The timeline's id, e.g. `tl-c-007` or `tl-gitlab-2017-01-31`.
    pub id: String,
    /// A short human-readable title of the incident.
    pub title: String,
    /// Whether the timeline is real or constructed.
    pub kind: TimelineKind,
    /// Incident severity as written (`SEV1`, `SEV2`, `SEV3`), when given.
    pub severity: Option<String>,
    /// The agreed stakeholder update cadence, when the file states one.
    pub update_cadence_minutes: Option<u32>,
    /// The events in time order.
    pub events: Vec<TimelineEvent>,
    /// The nudges a good detector is expected to fire; empty for a well-run incident.
    pub expected: Vec<ExpectedNudge>,
    /// The file the timeline was loaded from.
    #[serde(skip)]
    pub path: PathBuf,
}

impl Timeline {
    /// A well-run timeline expects no nudge at all: any nudge on it is a defect.
    pub fn well_run(&self) -> bool {
        self.expected.is_empty()
    }

    /// Whether a predicted nudge of `pattern` is scored on this timeline (see the module doc).
    pub fn scores(&self, pattern: &str) -> bool {
        !(pattern == "update-black-hole"
            && self.kind == TimelineKind::Real
            && self.update_cadence_minutes.is_none())
    }
}

/// Why a timeline file or folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// A file or folder could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file or folder that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid timeline JSON or breaks a rule of the format (bad time, unsorted
    /// events, unknown pattern, evidence out of range...).
    #[error("{path}: {reason}")]
    Timeline {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong, naming the field at fault.
        reason: String,
    },
}

#[derive(Deserialize)]
struct RawTimeline {
    id: String,
    title: String,
    kind: TimelineKind,
    severity: Option<String>,
    update_cadence_minutes: Option<u32>,
    events: Vec<RawEvent>,
    expected_nudges: Vec<RawExpected>,
}

#[derive(Deserialize)]
struct RawEvent {
    at: String,
    actor: Option<String>,
    role: Option<String>,
    kind: String,
    text: String,
}

#[derive(Deserialize)]
struct RawExpected {
    pattern: String,
    not_before: String,
    by: String,
    evidence: Vec<usize>,
}

/// Loads every `*.json` timeline of a folder, sorted by file name.
pub fn load_dir(folder: &Path) -> Result<Vec<Timeline>, TimelineError> {
    let io = |source| TimelineError::Io {
        path: folder.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(io)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|path| load_file(path)).collect()
}

/// Loads one timeline file.
pub fn load_file(path: &Path) -> Result<Timeline, TimelineError> {
    let text = std::fs::read_to_string(path).map_err(|source| TimelineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_timeline(&text, path)
}

/// Parses and checks one timeline; `path` only names the file in errors.
pub fn parse_timeline(text: &str, path: &Path) -> Result<Timeline, TimelineError> {
    let fail = |reason: String| TimelineError::Timeline {
        path: path.to_path_buf(),
        reason,
    };
    let raw: RawTimeline = serde_json::from_str(text).map_err(|e| fail(e.to_string()))?;
    let events = raw
        .events
        .into_iter()
        .enumerate()
        .map(|(index, e)| {
            let at = timestamp(&e.at, &format!("events[{index}].at")).map_err(&fail)?;
            Ok(TimelineEvent {
                index,
                at,
                actor: e.actor,
                role: e.role,
                kind: e.kind,
                text: e.text,
            })
        })
        .collect::<Result<Vec<_>, TimelineError>>()?;
    if let Some(pair) = events.windows(2).find(|pair| pair[1].at < pair[0].at) {
        return Err(fail(format!(
            "events[{}].at is earlier than the event before it",
            pair[1].index
        )));
    }
    if let (Some(first), Some(last)) = (events.first(), events.last())
        && last.at - first.at > MAX_SPAN_DAYS * 86_400
    {
        return Err(fail(format!(
            "events[0].at to events[{}].at span {} days, more than the {MAX_SPAN_DAYS} a timeline \
             may (a replay ticks every minute between them); is a year mistyped?",
            last.index,
            (last.at - first.at) / 86_400
        )));
    }
    let expected = raw
        .expected_nudges
        .into_iter()
        .enumerate()
        .map(|(i, e)| expected_nudge(i, e, events.len()).map_err(&fail))
        .collect::<Result<Vec<_>, TimelineError>>()?;
    Ok(Timeline {
        id: raw.id,
        title: raw.title,
        kind: raw.kind,
        severity: raw.severity,
        update_cadence_minutes: raw.update_cadence_minutes,
        events,
        expected,
        path: path.to_path_buf(),
    })
}

fn expected_nudge(i: usize, raw: RawExpected, n_events: usize) -> Result<ExpectedNudge, String> {
    let field = |name: &str| format!("expected_nudges[{i}].{name}");
    if !PATTERNS.contains(&raw.pattern.as_str()) {
        return Err(format!(
            "{}: unknown pattern `{}`",
            field("pattern"),
            raw.pattern
        ));
    }
    let not_before = timestamp(&raw.not_before, &field("not_before"))?;
    let by = timestamp(&raw.by, &field("by"))?;
    if by < not_before {
        return Err(format!("{} is earlier than not_before", field("by")));
    }
    if let Some(bad) = raw.evidence.iter().find(|&&e| e >= n_events) {
        return Err(format!(
            "{}: index {bad} but only {n_events} events",
            field("evidence")
        ));
    }
    Ok(ExpectedNudge {
        pattern: raw.pattern,
        not_before,
        by,
        evidence: raw.evidence,
    })
}

fn timestamp(text: &str, field: &str) -> Result<i64, String> {
    let seconds = series::parse_timestamp(text)
        .ok_or_else(|| format!("{field}: `{text}` is not a timestamp"))?;
    Some(seconds.round())
        .filter(|s| (*TIMES.start() as f64..=*TIMES.end() as f64).contains(s))
        .map(|s| s as i64)
        .ok_or_else(|| format!("{field}: `{text}` is not between the years 1 and 9999"))
}

/// One call a replay makes: at incident time `now`, the first `events` events have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayCall {
    /// Incident time of the call, in Unix seconds.
    pub now: i64,
    /// How many events (from the start of the timeline) have happened by `now`.
    pub events: usize,
}

/// The calls a replay makes, in order, exactly as the host drives a detector: one per event (with
/// that event as the newest), and one clock tick every minute of incident time from the first
/// event to the last, so that patterns made of silence fire when the silence crosses a threshold.
pub fn replay_calls(timeline: &Timeline) -> Vec<ReplayCall> {
    let (Some(first), Some(last)) = (timeline.events.first(), timeline.events.last()) else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    let mut next_tick = first.at + 60;
    for (i, event) in timeline.events.iter().enumerate() {
        while next_tick < event.at {
            calls.push(ReplayCall {
                now: next_tick,
                events: i,
            });
            next_tick += 60;
        }
        calls.push(ReplayCall {
            now: event.at,
            events: i + 1,
        });
    }
    debug_assert!(next_tick >= last.at);
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(index: usize, at: i64) -> TimelineEvent {
        TimelineEvent {
            index,
            at,
            actor: None,
            role: Some("system".into()),
            kind: "alert".into(),
            text: "x".into(),
        }
    }

    #[test]
    fn a_replay_calls_on_every_event_and_every_minute_between() {
        let t0 = 1_700_000_000;
        let t = Timeline {
            id: "t".into(),
            title: "t".into(),
            kind: TimelineKind::Constructed,
            severity: None,
            update_cadence_minutes: Some(30),
            events: vec![event(0, t0), event(1, t0 + 300)],
            expected: vec![],
            path: PathBuf::from("t.json"),
        };
        let calls = replay_calls(&t);
        let now: Vec<i64> = calls.iter().map(|c| (c.now - t0) / 60).collect();
        assert_eq!(now, [0, 1, 2, 3, 4, 5]);
        let seen: Vec<usize> = calls.iter().map(|c| c.events).collect();
        assert_eq!(seen, [1, 1, 1, 1, 1, 2]);
    }

    #[test]
    fn a_bad_time_is_an_error_that_names_the_file_and_field() {
        let json = r#"{"id": "x", "title": "x", "kind": "real", "severity": null,
            "update_cadence_minutes": null,
            "events": [{"at": "yesterday", "actor": null, "role": null, "kind": "alert", "text": ""}],
            "expected_nudges": []}"#;
        let error = parse_timeline(json, Path::new("x.json"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("x.json") && error.contains("events[0].at"),
            "{error}"
        );
    }

    fn with_times(first: &str, last: &str) -> Result<Timeline, TimelineError> {
        let json = format!(
            r#"{{"id": "x", "title": "x", "kind": "real", "severity": null,
            "update_cadence_minutes": null, "expected_nudges": [],
            "events": [{{"at": "{first}", "actor": null, "role": null, "kind": "alert", "text": ""}},
                       {{"at": "{last}", "actor": null, "role": null, "kind": "alert", "text": ""}}]}}"#
        );
        parse_timeline(&json, Path::new("x.json"))
    }

    /// Found by the `timeline` fuzz target: a year typed `1013` made a replay tick through a
    /// thousand years, minute by minute, until memory ran out.
    #[test]
    fn a_timeline_spanning_centuries_is_refused_before_a_replay_ticks_through_it() {
        let error = with_times("1013-02-20T16:40:03Z", "2026-02-20T17:39:20Z")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("events[0].at to events[1].at span 369") && error.contains("year"),
            "{error}"
        );
        let ten_days = with_times("2017-01-31T17:20:00Z", "2017-02-10T00:00:00Z").unwrap();
        assert_eq!(replay_calls(&ten_days).len(), 13_361);
    }

    /// Unix seconds past the year 9999 once became `i64::MAX`, and the replay's next tick overflowed.
    #[test]
    fn a_time_past_the_year_9999_is_refused() {
        let error = with_times("1e300", "1e300").unwrap_err().to_string();
        assert!(
            error.contains("events[0].at: `1e300` is not between the years 1 and 9999"),
            "{error}"
        );
        assert!(with_times("-62135596800", "-62135596800").is_ok());
    }

    #[test]
    fn the_shared_timelines_load() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/timelines");
        if !folder.exists() {
            eprintln!("skipped: {} not found", folder.display());
            return;
        }
        let timelines = load_dir(&folder).unwrap();
        assert!(timelines.len() >= 20);
        assert!(timelines.iter().any(Timeline::well_run));
    }
}
