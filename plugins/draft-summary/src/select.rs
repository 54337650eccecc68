//! Shared helpers for picking timeline lines and turning them into cited statements.

use crate::cues::{self, Kind};
use crate::model::{Event, Finding, Statement};
use crate::text;
use crate::time;

/// The events at or before `now`, in time order (stable for equal times).
pub(crate) fn seen(events: &[Event], now: i64) -> Vec<&Event> {
    let mut out: Vec<&Event> = events.iter().filter(|e| e.at <= now).collect();
    out.sort_by_key(|e| e.at);
    out
}

/// Whether the times of `events` (in time order) need a date to be unambiguous.
pub(crate) fn dated(events: &[&Event]) -> bool {
    match (events.first(), events.last()) {
        (Some(a), Some(b)) => time::spans_days(a.at, b.at),
        _ => false,
    }
}

/// A statement from one event: `prefix` then the event's condensed, blameless text.
pub(crate) fn from_event(e: &Event, prefix: &str) -> Option<Statement> {
    let body = text::condense(&e.text)?;
    Some(Statement::new(
        format!("{prefix}{body}"),
        vec![e.id.clone()],
    ))
}

/// A statement from one event under a label such as "Mitigated at 16:28": the label's first
/// word is dropped when the event text already starts with it ("Mitigated: latency normal").
pub(crate) fn labelled(e: &Event, label: &str, when: &str) -> Option<Statement> {
    let body = text::condense(&e.text)?;
    let word = label.split_whitespace().next().unwrap_or(label);
    let repeats = body.to_lowercase().starts_with(&word.to_lowercase());
    let prefix = if repeats {
        format!("{when}: ")
    } else {
        format!("{label} {when}: ")
    };
    Some(Statement::new(
        format!("{prefix}{body}"),
        vec![e.id.clone()],
    ))
}

/// Replies this short ("do it", "ok go") only make sense with the line they answer.
const TERSE_WORDS: usize = 3;

/// A statement from a work event; a terse reply (an approval) is preceded by the person's
/// line it answers, and cites both.
pub(crate) fn from_work(events: &[&Event], e: &Event, prefix: &str) -> Option<Statement> {
    let own = from_event(e, prefix)?;
    if e.text.split_whitespace().count() > TERSE_WORDS {
        return Some(own);
    }
    let Some(asked) = events
        .iter()
        .rev()
        .find(|p| p.at <= e.at && p.id != e.id && !cues::is_system(p) && p.actor != e.actor)
    else {
        return Some(own);
    };
    let context = text::condense(&asked.text)?;
    let body = text::condense(&e.text)?;
    Some(Statement::new(
        format!("{prefix}{body} (re: {context})"),
        vec![asked.id.clone(), e.id.clone()],
    ))
}

/// A statement from `part` of an event's text (for example one part of a CAN update).
pub(crate) fn from_part(e: &Event, part: &str, prefix: &str) -> Option<Statement> {
    let body = text::condense(part)?;
    Some(Statement::new(
        format!("{prefix}{body}"),
        vec![e.id.clone()],
    ))
}

/// `HH:MM` (with the date when `dated`) followed by `": "`.
pub(crate) fn at(e: &Event, dated: bool) -> String {
    format!("{}: ", time::stamp(e.at, dated))
}

/// The first event that shows something is wrong: an alert, else a person reporting a symptom,
/// else the first event.
pub(crate) fn first_signal<'a>(events: &[&'a Event]) -> Option<&'a Event> {
    events
        .iter()
        .find(|e| cues::kind(e) == Kind::Alert)
        .or_else(|| events.iter().find(|e| cues::reports_symptom(&e.text)))
        .or_else(|| events.first())
        .copied()
}

/// The last event of `kind`.
pub(crate) fn last_of<'a>(events: &[&'a Event], kind: Kind) -> Option<&'a Event> {
    events.iter().rev().find(|e| cues::kind(e) == kind).copied()
}

/// The first event of `kind`.
pub(crate) fn first_of<'a>(events: &[&'a Event], kind: Kind) -> Option<&'a Event> {
    events.iter().find(|e| cues::kind(e) == kind).copied()
}

/// A statement from a finding, kept only when its title is blameless and its evidence cites
/// events in `events`; the statement cites those events.
pub(crate) fn from_finding(f: &Finding, events: &[&Event], prefix: &str) -> Option<Statement> {
    let cites: Vec<String> = f
        .evidence
        .iter()
        .filter(|id| events.iter().any(|e| &e.id == *id))
        .cloned()
        .collect();
    if cites.is_empty() {
        return None;
    }
    let body = text::condense(&f.title)?;
    Some(Statement::new(format!("{prefix}{body}"), cites))
}

/// Adds `s` unless a statement already says the same text.
pub(crate) fn push_unique(out: &mut Vec<Statement>, s: Option<Statement>) {
    if let Some(s) = s
        && !out.iter().any(|o| o.text == s.text)
    {
        out.push(s);
    }
}
