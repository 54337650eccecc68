//! Drafts every timeline in `../shared/data/timelines` and checks what the issue measures:
//! each CAN draft has its three parts and a next update time, every statement cites an event
//! that exists, and no generated draft contains blame language. Prints the counts.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use draft_summary::{
    Event, Finding, Incident, PostmortemDraft, StatusUpdate, postmortem, status_update,
};
use review_lint::blame;
use serde::Deserialize;

#[derive(Deserialize)]
struct Timeline {
    id: String,
    title: String,
    severity: Option<String>,
    update_cadence_minutes: Option<u32>,
    events: Vec<RawEvent>,
    #[serde(default)]
    expected_nudges: Vec<RawNudge>,
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
struct RawNudge {
    pattern: String,
    evidence: Vec<usize>,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/timelines")
}

/// `YYYY-MM-DDTHH:MM:SSZ` to Unix seconds.
fn unix(at: &str, file: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| -> i64 {
        at.get(r)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{file}: bad time {at:?}"))
    };
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11..13) * 3_600 + n(14..16) * 60 + n(17..19)
}

/// The incident, its events (ids are the 0-based indices the labels use) and, as findings,
/// the labelled nudges, standing in for what the anti-pattern plugin would report.
fn load(path: &Path) -> (Incident, Vec<Event>, Vec<Finding>) {
    let file = path.display().to_string();
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let t: Timeline = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{file}: {e}"));
    let events: Vec<Event> = t
        .events
        .into_iter()
        .enumerate()
        .map(|(i, e)| Event {
            id: i.to_string(),
            at: unix(&e.at, &file),
            actor: e.actor,
            role: e.role,
            kind: e.kind,
            text: e.text,
        })
        .collect();
    let findings = t
        .expected_nudges
        .into_iter()
        .map(|n| Finding {
            kind: "nudge".into(),
            subject: n.pattern.clone(),
            title: n.pattern.replace('-', " "),
            detail: String::new(),
            evidence: n.evidence.iter().map(|i| i.to_string()).collect(),
        })
        .collect();
    let incident = Incident {
        id: t.id,
        title: t.title,
        severity: t.severity,
        service: None,
        started: events.first().map_or(0, |e| e.at),
        update_cadence_minutes: t.update_cadence_minutes,
    };
    (incident, events, findings)
}

/// When a status update would be drafted: just before each one the team posted, and at the
/// last event; a timeline with no update gets one 15 minutes after it starts.
fn draft_times(events: &[Event]) -> Vec<i64> {
    let mut times: Vec<i64> = events
        .iter()
        .filter(|e| e.kind == "status_update")
        .map(|e| e.at - 1)
        .collect();
    if times.is_empty() {
        times.push(events[0].at + 15 * 60);
    }
    times.push(events.last().unwrap().at);
    times
}

#[derive(Default, Debug)]
struct Counts {
    timelines: usize,
    can_drafts: usize,
    can_complete: usize,
    statements: usize,
    statements_cited_ok: usize,
    postmortems: usize,
    drafts_with_blame: usize,
    drafts_with_blame_marker: usize,
    timeline_lines_left_out: usize,
    source_lines_with_blame: usize,
    action_item_notes: usize,
    section_filled: BTreeMap<String, usize>,
}

fn check_cites<'a>(
    statements: impl Iterator<Item = &'a draft_summary::Statement>,
    ids: &HashSet<&str>,
    c: &mut Counts,
    at: &str,
) {
    for s in statements {
        c.statements += 1;
        if !s.cites.is_empty() && s.cites.iter().all(|id| ids.contains(id.as_str())) {
            c.statements_cited_ok += 1;
        } else {
            eprintln!("{at}: badly cited statement {s:?}");
        }
    }
}

/// Phrases that are blame whatever their subject, checked besides the review lint because the
/// lint misses some of them (a bare first name as the subject, a quoted draft).
const MARKERS: [&str; 5] = [
    "should have",
    "human error",
    "forgot",
    "careless",
    "mistake",
];

fn check_blame(md: &str, c: &mut Counts, at: &str) {
    let found = blame::scan(md);
    if !found.is_empty() {
        c.drafts_with_blame += 1;
        eprintln!("{at}: blame in draft: {:?}\n{md}", found);
    }
    let lower = md.to_lowercase();
    if MARKERS.iter().any(|m| lower.contains(m)) {
        c.drafts_with_blame_marker += 1;
        eprintln!("{at}: blame marker in draft\n{md}");
    }
}

fn check_can(u: &StatusUpdate, events: &[Event], c: &mut Counts, at: &str) {
    c.can_drafts += 1;
    if !u.condition.is_empty() && !u.action.is_empty() && !u.need.is_empty() && u.next_update > u.at
    {
        c.can_complete += 1;
    } else {
        eprintln!("{at}: incomplete CAN draft\n{}", u.to_markdown());
    }
    let seen: HashSet<&str> = events
        .iter()
        .filter(|e| e.at <= u.at)
        .map(|e| e.id.as_str())
        .collect();
    check_cites(
        u.condition.iter().chain(&u.action).chain(&u.need),
        &seen,
        c,
        at,
    );
    check_blame(&u.to_markdown(), c, at);
}

fn check_postmortem(p: &PostmortemDraft, events: &[Event], c: &mut Counts, at: &str) {
    c.postmortems += 1;
    let ids: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    check_cites(p.statements(), &ids, c, at);
    for s in &p.sections {
        assert!(
            s.statements.is_empty() != s.prompt.is_none(),
            "{at}: section {} has neither or both",
            s.heading
        );
        *c.section_filled.entry(s.heading.clone()).or_default() +=
            usize::from(!s.statements.is_empty());
    }
    let md = p.to_markdown();
    check_blame(&md, c, at);
    c.timeline_lines_left_out += md.matches("(wording left out").count();
    c.action_item_notes += p
        .review()
        .iter()
        .filter(|n| n.kind == draft_summary::LintKind::ActionItem)
        .count();
}

/// `DRAFT_SHOW=<timeline id>` prints that timeline's drafts, for reading them by eye.
fn show(id: &str, events: &[Event], p: &PostmortemDraft, incident: &Incident, cadence: u32) {
    if std::env::var("DRAFT_SHOW").is_ok_and(|v| v == id) {
        for now in draft_times(events) {
            println!(
                "{}",
                status_update(incident, events, &[], now, cadence).to_markdown()
            );
        }
        println!("{}", p.to_markdown());
        for n in p.review() {
            println!("lint line {}: {} | {}", n.line, n.message, n.excerpt);
        }
    }
}

#[test]
fn every_timeline_gets_complete_cited_blameless_drafts() {
    let dir = data_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} not found", dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut c = Counts::default();
    for path in &paths {
        let (incident, events, findings) = load(path);
        c.timelines += 1;
        c.source_lines_with_blame += events
            .iter()
            .filter(|e| {
                !blame::scan(&e.text).is_empty()
                    || MARKERS.iter().any(|m| e.text.to_lowercase().contains(m))
            })
            .count();
        let cadence = incident.update_cadence_minutes.unwrap_or(30);
        for now in draft_times(&events) {
            let u = status_update(&incident, &events, &findings, now, cadence);
            check_can(
                &u,
                &events,
                &mut c,
                &format!("{} CAN at {now}", incident.id),
            );
        }
        let end = events.last().unwrap().at;
        let p = postmortem(&incident, &events, &findings, end);
        show(&incident.id, &events, &p, &incident, cadence);
        check_postmortem(&p, &events, &mut c, &format!("{} postmortem", incident.id));
    }
    println!("{c:#?}");
    assert!(c.timelines > 0);
    assert_eq!(c.can_complete, c.can_drafts, "CAN drafts missing a part");
    assert_eq!(
        c.statements_cited_ok, c.statements,
        "statements citing no or unknown events"
    );
    assert_eq!(
        c.drafts_with_blame, 0,
        "generated drafts with blame language"
    );
    assert_eq!(
        c.drafts_with_blame_marker, 0,
        "generated drafts with a blame marker"
    );
}
