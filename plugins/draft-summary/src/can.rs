//! The status update in CAN form: Condition (what is happening, what is affected, since when),
//! Action (what was done, what is under way), Need (who must do what, blockers), and when the
//! next update comes.

use serde::{Deserialize, Serialize};

use crate::cues::{self, Kind};
use crate::model::{Event, Finding, Incident, Statement};
use crate::select::{self, at, from_event, from_part, push_unique};
use crate::text;
use crate::time::hh_mm;

/// Most statements per CAN part: a status update is read at a glance.
const MAX_PER_PART: usize = 4;

/// A drafted status update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub incident_id: String,
    /// The incident title, or `None` when it carries blame wording.
    pub title: Option<String>,
    pub severity: Option<String>,
    /// The moment the update describes, Unix seconds.
    pub at: i64,
    pub condition: Vec<Statement>,
    pub action: Vec<Statement>,
    pub need: Vec<Statement>,
    /// When the next update is due, Unix seconds.
    pub next_update: i64,
}

/// Drafts the update due at `now` from the events at or before `now`.
pub fn status_update(
    incident: &Incident,
    events: &[Event],
    findings: &[Finding],
    now: i64,
    cadence_minutes: u32,
) -> StatusUpdate {
    let seen = select::seen(events, now);
    StatusUpdate::new(
        incident,
        now,
        cadence_minutes,
        condition(incident, &seen, findings),
        action(&seen),
        need(&seen),
    )
}

fn condition(incident: &Incident, seen: &[&Event], findings: &[Finding]) -> Vec<Statement> {
    let mut out = Vec::new();
    let Some(first) = select::first_signal(seen) else {
        return out;
    };
    let service = incident
        .service
        .as_deref()
        .map_or(String::new(), |s| format!(" ({s})"));
    let since = format!("Since {} UTC{service}: ", hh_mm(first.at));
    push_unique(&mut out, from_event(first, &since));
    push_unique(
        &mut out,
        current_state(seen).filter(|s| s.cites[0] != first.id),
    );
    // A person's report of who or what is hurt; actions and updates mention services too.
    let affected = seen.iter().rev().find(|e| {
        !cues::is_system(e)
            && !cues::is_stakeholder(e)
            && cues::kind(e) == Kind::Message
            && cues::reports_impact(&e.text)
            && !cues::is_hypothesis(&e.text)
            && !cues::is_ask(e)
    });
    push_unique(
        &mut out,
        affected.and_then(|e| from_event(e, &format!("Affected ({}): ", hh_mm(e.at)))),
    );
    for f in findings.iter().filter(|f| f.kind == "signature").take(2) {
        push_unique(&mut out, select::from_finding(f, seen, "Metric: "));
    }
    if out.is_empty() {
        let sev = incident.severity.as_deref().unwrap_or("incident");
        out.push(Statement::new(
            format!("Open since {} UTC ({sev}).", hh_mm(first.at)),
            vec![first.id.clone()],
        ));
    }
    out.truncate(MAX_PER_PART);
    out
}

/// The newest word on how things stand: resolution, mitigation, the last update's condition,
/// a person's latest report of a symptom, or the latest alert.
///
/// A person's first report after the latest action counts even without a symptom word: it
/// tells the effect of that action ("task RUNNING again").
fn current_state(seen: &[&Event]) -> Option<Statement> {
    let acted = seen
        .iter()
        .rev()
        .find(|e| matches!(cues::kind(e), Kind::Action | Kind::Deploy))
        .map(|e| e.at);
    let effect = seen.iter().find(|e| {
        acted.is_some_and(|a| e.at > a)
            && cues::kind(e) == Kind::Message
            && !cues::is_system(e)
            && !cues::is_stakeholder(e)
            && !cues::is_ask(e)
            && !cues::is_hypothesis(&e.text)
    });
    let is_effect = |e: &Event| effect.is_some_and(|f| f.id == e.id);
    let e = seen.iter().rev().find(|e| {
        is_effect(e)
            || match cues::kind(e) {
                Kind::Resolution | Kind::Mitigation | Kind::Alert => true,
                Kind::StatusUpdate => text::can_part(&e.text, "condition").is_some(),
                Kind::Message => {
                    !cues::is_system(e)
                        && !cues::is_stakeholder(e)
                        && cues::reports_symptom(&e.text)
                        && !cues::is_hypothesis(&e.text)
                }
                _ => false,
            }
    })?;
    let when = hh_mm(e.at);
    match cues::kind(e) {
        Kind::Resolution => select::labelled(e, "Resolved at", &when),
        Kind::Mitigation => select::labelled(e, "Mitigated at", &when),
        Kind::StatusUpdate => from_part(
            e,
            text::can_part(&e.text, "condition")?,
            &format!("As of {when}: "),
        ),
        _ => from_event(e, &format!("Latest ({when}): ")),
    }
}

fn is_work(e: &Event) -> bool {
    matches!(
        cues::kind(e),
        Kind::Action | Kind::Mitigation | Kind::Decision | Kind::Deploy | Kind::Resolution
    )
}

fn action(seen: &[&Event]) -> Vec<Statement> {
    let work: Vec<&Event> = seen.iter().copied().filter(|e| is_work(e)).collect();
    let (under_way, done): (Vec<&Event>, Vec<&Event>) = work
        .iter()
        .partition(|e| cues::is_under_way(&e.text) && cues::kind(e) == Kind::Action);
    let mut out = Vec::new();
    for e in done.iter().rev().take(3).rev() {
        let verb = if cues::kind(e) == Kind::Decision {
            "decided"
        } else {
            "done"
        };
        push_unique(
            &mut out,
            select::from_work(seen, e, &format!("{} {verb}: ", hh_mm(e.at))),
        );
    }
    let settled = done.last().map_or(i64::MIN, |e| e.at);
    let closed =
        select::last_of(seen, Kind::Mitigation).or(select::last_of(seen, Kind::Resolution));
    for e in under_way.iter().rev().take(2).rev() {
        if closed.is_none_or(|c| c.at < e.at) {
            push_unique(
                &mut out,
                from_event(e, &format!("Under way since {}: ", hh_mm(e.at))),
            );
        }
    }
    if let Some(u) = select::last_of(seen, Kind::StatusUpdate).filter(|u| u.at > settled)
        && let Some(part) = text::can_part(&u.text, "action")
    {
        push_unique(
            &mut out,
            from_part(u, part, &format!("Per the {} update: ", hh_mm(u.at))),
        );
    }
    if out.is_empty() {
        out.extend(fallback_action(seen));
    }
    out.truncate(MAX_PER_PART);
    out
}

/// With no action on record: the responders' latest word, or plainly that nothing is on record.
fn fallback_action(seen: &[&Event]) -> Option<Statement> {
    let responder = seen
        .iter()
        .rev()
        .find(|e| !cues::is_system(e) && !cues::is_stakeholder(e));
    if let Some(s) =
        responder.and_then(|e| from_event(e, &format!("Responders, latest at {}", at(e, false))))
    {
        return Some(s);
    }
    let last = seen.last()?;
    Some(Statement::new(
        format!(
            "No response action on the timeline yet; last signal at {} UTC.",
            hh_mm(last.at)
        ),
        vec![last.id.clone()],
    ))
}

fn need(seen: &[&Event]) -> Vec<Statement> {
    let Some(anchor) = select::last_of(seen, Kind::StatusUpdate).or(select::first_signal(seen))
    else {
        return Vec::new();
    };
    if let Some(r) = select::last_of(seen, Kind::Resolution) {
        let text = format!("Nothing needed: resolved at {} UTC.", hh_mm(r.at));
        return vec![Statement::new(text, vec![r.id.clone()])];
    }
    let mut out = Vec::new();
    if cues::kind(anchor) == Kind::StatusUpdate
        && let Some(part) = text::can_part(&anchor.text, "need").filter(|p| !text::says_nothing(p))
    {
        push_unique(
            &mut out,
            from_part(
                anchor,
                part,
                &format!("Per the {} update: ", hh_mm(anchor.at)),
            ),
        );
    }
    for e in open_asks(seen, anchor).into_iter().rev().take(3).rev() {
        let who = if cues::is_stakeholder(e) {
            "Stakeholder asks"
        } else {
            "Open ask"
        };
        push_unique(
            &mut out,
            from_event(e, &format!("{who} ({}): ", hh_mm(e.at))),
        );
    }
    if out.is_empty() {
        let text = format!(
            "Nothing needed right now: no open ask or blocker since {} UTC.",
            hh_mm(anchor.at)
        );
        out.push(Statement::new(text, vec![anchor.id.clone()]));
    }
    out.truncate(MAX_PER_PART);
    out
}

/// Asks and blockers after `anchor` that no later decision or mitigation has settled.
fn open_asks<'a>(seen: &[&'a Event], anchor: &Event) -> Vec<&'a Event> {
    let settled_at = seen
        .iter()
        .rev()
        .find(|e| matches!(cues::kind(e), Kind::Decision | Kind::Mitigation))
        .map_or(i64::MIN, |e| e.at);
    seen.iter()
        .copied()
        .filter(|e| e.at > anchor.at && e.at > settled_at && e.id != anchor.id)
        .filter(|e| !cues::is_system(e) && cues::kind(e) == Kind::Message && cues::is_ask(e))
        .collect()
}

impl StatusUpdate {
    /// The update on `incident` as of `now` with its three parts; the next one is due
    /// `cadence_minutes` later.
    pub(crate) fn new(
        incident: &Incident,
        now: i64,
        cadence_minutes: u32,
        condition: Vec<Statement>,
        action: Vec<Statement>,
        need: Vec<Statement>,
    ) -> Self {
        StatusUpdate {
            incident_id: incident.id.clone(),
            title: text::condense(&incident.title),
            severity: incident.severity.clone(),
            at: now,
            condition,
            action,
            need,
            next_update: now + i64::from(cadence_minutes) * 60,
        }
    }

    /// Short lines, UTC `HH:MM` times, `[#id]` citations.
    pub fn to_markdown(&self) -> String {
        let sev = self
            .severity
            .as_deref()
            .map_or(String::new(), |s| format!("[{s}] "));
        let title = self.title.as_deref().unwrap_or(&self.incident_id);
        let mut md = format!("**{sev}{title}**\nStatus at {} UTC\n", hh_mm(self.at));
        for (heading, part) in [
            ("Condition", &self.condition),
            ("Action", &self.action),
            ("Need", &self.need),
        ] {
            md.push_str(&format!("\n**{heading}**\n"));
            for s in part {
                md.push_str(&format!("- {}\n", s.to_markdown()));
            }
        }
        md.push_str(&format!(
            "\n**Next update: {} UTC**\n",
            hh_mm(self.next_update)
        ));
        md
    }
}
