//! Facts the timeline shows by its shape rather than by any one line: how long impact lasted,
//! how soon a person responded and an IC was named, whether updates kept their cadence. Each
//! cites the events it is measured between.

use super::Ctx;
use crate::cues::{self, Kind};
use crate::model::{Event, Statement};
use crate::select;

/// An IC named within this many minutes of the first signal is prompt command.
const PROMPT_COMMAND_MIN: i64 = 10;

fn minutes(from: &Event, to: &Event) -> i64 {
    (to.at - from.at) / 60
}

fn cites(events: &[&Event]) -> Vec<String> {
    events.iter().map(|e| e.id.clone()).collect()
}

/// First signal to first mitigation (or to the resolution when none was recorded).
pub(super) fn duration(ctx: &Ctx) -> Option<Statement> {
    let first = select::first_signal(&ctx.events)?;
    let end = select::first_of(&ctx.events, Kind::Mitigation)
        .or(select::first_of(&ctx.events, Kind::Resolution))?;
    let (a, b) = (ctx.stamp(first.at), ctx.stamp(end.at));
    let text = format!(
        "Impact window: {a} to {b}, {} min from the first signal to mitigation.",
        minutes(first, end)
    );
    Some(Statement::new(text, cites(&[first, end])))
}

/// How soon a person reacted, when the first signal came from a system.
pub(super) fn first_response(ctx: &Ctx, first: &Event) -> Option<Statement> {
    if !cues::is_system(first) {
        return None;
    }
    let reply = ctx
        .events
        .iter()
        .find(|e| e.at >= first.at && !cues::is_system(e) && !cues::is_stakeholder(e))?;
    let text = format!(
        "First response by a person at {}, {} min after the first signal.",
        ctx.stamp(reply.at),
        minutes(first, reply)
    );
    Some(Statement::new(text, cites(&[first, reply])))
}

/// The first event that names an incident commander.
fn ic_named<'a>(ctx: &Ctx<'a>) -> Option<&'a Event> {
    ctx.events.iter().copied().find(|e| {
        cues::kind(e) == Kind::RoleChange
            && (e
                .role
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case("ic"))
                || e.text
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case("ic")))
    })
}

fn ic_delay<'a>(ctx: &Ctx<'a>) -> Option<(&'a Event, &'a Event, i64)> {
    let first = select::first_signal(&ctx.events)?;
    let ic = ic_named(ctx)?;
    Some((first, ic, minutes(first, ic).max(0)))
}

fn ic_statement(ctx: &Ctx, first: &Event, ic: &Event, mins: i64) -> Statement {
    let text = format!(
        "IC named at {}, {mins} min after the first signal.",
        ctx.stamp(ic.at)
    );
    Statement::new(text, cites(&[first, ic]))
}

pub(super) fn prompt_command(ctx: &Ctx) -> Option<Statement> {
    let (first, ic, mins) = ic_delay(ctx).filter(|(_, _, m)| *m <= PROMPT_COMMAND_MIN)?;
    Some(ic_statement(ctx, first, ic, mins))
}

/// Only judged for major incidents, where a commander is expected from the start.
pub(super) fn late_command(ctx: &Ctx) -> Option<Statement> {
    if !is_major(ctx.incident.severity.as_deref()?) {
        return None;
    }
    let (first, ic, mins) = ic_delay(ctx).filter(|(_, _, m)| *m > PROMPT_COMMAND_MIN)?;
    Some(ic_statement(ctx, first, ic, mins))
}

fn is_major(severity: &str) -> bool {
    let s: String = severity
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(s.as_str(), "sev0" | "sev1" | "sev2" | "p0" | "p1" | "p2")
}

/// Stretches without a status update: from the first signal to the first update, between
/// updates, and from the last update to mitigation. Needs an agreed cadence to judge against.
/// The agreed cadence, the status updates, and the stretches between consecutive marks.
struct Stretches<'a> {
    cadence: u32,
    updates: Vec<&'a Event>,
    stretches: Vec<(&'a Event, &'a Event)>,
}

fn update_stretches<'a>(ctx: &Ctx<'a>) -> Option<Stretches<'a>> {
    let cadence = ctx.incident.update_cadence_minutes?;
    let first = select::first_signal(&ctx.events)?;
    let updates: Vec<&Event> = ctx
        .events
        .iter()
        .copied()
        .filter(|e| cues::kind(e) == Kind::StatusUpdate)
        .collect();
    let end = select::first_of(&ctx.events, Kind::Mitigation)
        .or(select::first_of(&ctx.events, Kind::Resolution))
        .or(ctx.events.last().copied())?;
    let mut marks: Vec<&Event> = vec![first];
    marks.extend(
        updates
            .iter()
            .copied()
            .filter(|u| u.at > first.at && u.at <= end.at),
    );
    if end.at > marks.last()?.at {
        marks.push(end);
    }
    let stretches = marks.windows(2).map(|w| (w[0], w[1])).collect();
    Some(Stretches {
        cadence,
        updates,
        stretches,
    })
}

pub(super) fn kept_cadence(ctx: &Ctx) -> Option<Statement> {
    let Stretches {
        cadence,
        updates,
        stretches,
    } = update_stretches(ctx)?;
    let kept = updates.len() >= 2
        && stretches
            .iter()
            .all(|(a, b)| minutes(a, b) <= i64::from(cadence));
    if !kept {
        return None;
    }
    let text = format!(
        "Status updates kept the agreed {cadence}-min cadence: {} updates from {} to {}.",
        updates.len(),
        ctx.stamp(updates[0].at),
        ctx.stamp(updates[updates.len() - 1].at)
    );
    Some(Statement::new(text, cites(&updates)))
}

pub(super) fn update_gaps(ctx: &Ctx) -> Vec<Statement> {
    let Some(Stretches {
        cadence, stretches, ..
    }) = update_stretches(ctx)
    else {
        return Vec::new();
    };
    stretches
        .into_iter()
        .filter(|(a, b)| minutes(a, b) > i64::from(cadence))
        .map(|(a, b)| {
            let text = format!(
                "No status update for {} min ({} to {}), longer than the agreed {cadence}-min cadence.",
                minutes(a, b),
                ctx.stamp(a.at),
                ctx.stamp(b.at)
            );
            Statement::new(text, cites(&[a, b]))
        })
        .collect()
}

/// Name words of the people on the timeline (handles and first or last names).
pub(super) fn people(ctx: &Ctx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in ctx.events.iter().filter(|e| !cues::is_system(e)) {
        for w in e.actor.iter().flat_map(|a| a.split_whitespace()) {
            let w = w.trim_start_matches('@').to_ascii_lowercase();
            if w.chars().count() >= 3 && !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

/// Whether `text` names one of `people` as a whole word.
pub(super) fn names_anyone(text: &str, people: &[String]) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .map(|w| w.to_ascii_lowercase())
        .any(|w| people.contains(&w))
}
