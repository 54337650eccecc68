//! One builder per postmortem section. Each picks timeline lines by kind, role and cue, and
//! returns cited statements, or nothing (the section then asks the team to write it).

use super::{Ctx, derived, follow_up};
use crate::cues::{self, Kind};
use crate::model::{Event, Statement};
use crate::select::{self, from_event, from_finding, from_part, push_unique};
use crate::text;

type Build = fn(&Ctx) -> Vec<Statement>;

/// The sections in the order of the team's format: heading, builder, what the team should
/// write when the timeline holds nothing for it.
pub(super) const ALL: [(&str, Build, &str); 10] = [
    (
        "Summary",
        summary,
        "what happened, who was affected and how it ended, in two or three sentences",
    ),
    (
        "Timeline",
        timeline,
        "the key moments, in UTC at minute resolution",
    ),
    (
        "Impact",
        impact,
        "who and what was affected, for how long and how much",
    ),
    (
        "Contributing factors",
        factors,
        "the conditions in systems and processes that allowed this",
    ),
    (
        "Detection",
        detection,
        "how the problem was first noticed and how long that took",
    ),
    (
        "Mitigation",
        mitigation,
        "what stopped the impact, and when",
    ),
    (
        "Resolution",
        resolution,
        "what returned the service to normal and how that was confirmed",
    ),
    ("What went well", went_well, "what helped the response"),
    (
        "What could be better",
        could_be_better,
        "what slowed the response or made it harder",
    ),
    (
        "Action items",
        follow_up::action_items,
        "each with an owner, a verifiable verb, a measurable outcome, a ticket and a date",
    ),
];

/// Most statements in a narrative section; the timeline section has no cap.
const MAX: usize = 6;

fn human(e: &Event) -> bool {
    !cues::is_system(e)
}

fn summary(ctx: &Ctx) -> Vec<Statement> {
    let mut out = Vec::new();
    let Some(first) = select::first_signal(&ctx.events) else {
        return out;
    };
    push_unique(
        &mut out,
        from_event(first, &format!("Started {}: ", ctx.stamp(first.at))),
    );
    if let Some(m) = select::first_of(&ctx.events, Kind::Mitigation) {
        let mins = (m.at - first.at) / 60;
        let when = format!("{} ({mins} min after the first signal)", ctx.stamp(m.at));
        push_unique(&mut out, select::labelled(m, "Mitigated at", &when));
        if let Some(s) = out.last_mut().filter(|s| s.cites == [m.id.clone()]) {
            s.cites.insert(0, first.id.clone());
        }
    }
    if let Some(r) = select::last_of(&ctx.events, Kind::Resolution) {
        push_unique(
            &mut out,
            select::labelled(r, "Resolved at", &ctx.stamp(r.at)),
        );
    }
    out
}

/// Every line a reader needs to follow the response: people's messages, alerts, decisions;
/// metric samples and bot chatter are left to the graphs.
fn timeline(ctx: &Ctx) -> Vec<Statement> {
    ctx.events
        .iter()
        .filter(|e| cues::kind(e) != Kind::Metric)
        .filter(|e| human(e) || cues::kind(e) != Kind::Message)
        .map(|e| {
            let prefix = format!("{} ", ctx.stamp(e.at));
            from_event(e, &format!("{prefix}— ")).unwrap_or_else(|| {
                Statement::new(
                    format!("{prefix}— (wording left out of the draft for review)"),
                    vec![e.id.clone()],
                )
            })
        })
        .collect()
}

fn impact(ctx: &Ctx) -> Vec<Statement> {
    let mut out = Vec::new();
    out.extend(derived::duration(ctx));
    for e in &ctx.events {
        if cues::kind(e) == Kind::StatusUpdate {
            match text::can_part(&e.text, "condition") {
                Some(part) if cues::reports_impact(part) || cues::reports_symptom(part) => {
                    push_unique(
                        &mut out,
                        from_part(e, part, &format!("{}: ", ctx.stamp(e.at))),
                    );
                }
                Some(_) => {}
                None if cues::reports_impact(&e.text) => {
                    push_unique(&mut out, from_event(e, &format!("{}: ", ctx.stamp(e.at))))
                }
                None => {}
            }
        } else if human(e)
            && cues::kind(e) == Kind::Message
            && cues::reports_impact(&e.text)
            && !cues::is_ask(e)
        {
            push_unique(&mut out, from_event(e, &format!("{}: ", ctx.stamp(e.at))));
        }
    }
    for f in ctx.findings.iter().filter(|f| f.kind == "signature") {
        push_unique(&mut out, from_finding(f, &ctx.events, "Metric: "));
    }
    out.truncate(MAX);
    out
}

/// Lines that name a cause in the system. A line that names someone from the timeline is left
/// out: contributing factors are conditions, not people.
fn factors(ctx: &Ctx) -> Vec<Statement> {
    let names = derived::people(ctx);
    let mut out = Vec::new();
    for e in ctx
        .events
        .iter()
        .filter(|e| human(e) && !cues::is_stakeholder(e))
    {
        let fits = matches!(cues::kind(e), Kind::Message | Kind::Decision | Kind::Action)
            && cues::names_cause(&e.text)
            && !cues::names_follow_up(&e.text)
            && !cues::is_ask(e)
            && !derived::names_anyone(&e.text, &names);
        if fits {
            push_unique(&mut out, from_event(e, ""));
        }
    }
    out.truncate(MAX);
    out
}

fn detection(ctx: &Ctx) -> Vec<Statement> {
    let mut out = Vec::new();
    let Some(first) = select::first_signal(&ctx.events) else {
        return out;
    };
    let how = if cues::kind(first) == Kind::Alert {
        "First alert"
    } else {
        "First report"
    };
    push_unique(
        &mut out,
        from_event(first, &format!("{how} at {}: ", ctx.stamp(first.at))),
    );
    out.extend(derived::first_response(ctx, first));
    for e in ctx
        .events
        .iter()
        // Lines before the first signal are about the change, not about noticing it.
        .filter(|e| {
            e.at >= first.at && human(e) && cues::tells_detection(&e.text) && !cues::is_ask(e)
        })
    {
        push_unique(&mut out, from_event(e, &format!("{}: ", ctx.stamp(e.at))));
    }
    out.truncate(MAX);
    out
}

/// Decisions and actions from the first signal to the first mitigation, and the mitigation.
fn mitigation(ctx: &Ctx) -> Vec<Statement> {
    let from = select::first_signal(&ctx.events).map_or(i64::MIN, |e| e.at);
    let until = select::first_of(&ctx.events, Kind::Mitigation).map_or(i64::MAX, |m| m.at);
    let steps: Vec<&&Event> = ctx
        .events
        .iter()
        .filter(|e| e.at >= from && e.at <= until)
        .filter(|e| {
            matches!(
                cues::kind(e),
                Kind::Decision | Kind::Action | Kind::Deploy | Kind::Mitigation
            )
        })
        .collect();
    let mut out = Vec::new();
    for e in steps.iter().rev().take(MAX).rev() {
        let prefix = format!("{}: ", ctx.stamp(e.at));
        push_unique(&mut out, select::from_work(&ctx.events, e, &prefix));
    }
    out
}

/// What happened after the first mitigation: the all-clear, the last steps, the close.
fn resolution(ctx: &Ctx) -> Vec<Statement> {
    let Some(m) = select::first_of(&ctx.events, Kind::Mitigation)
        .or(select::first_of(&ctx.events, Kind::Resolution))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in ctx.events.iter().filter(|e| e.at > m.at && human(e)) {
        let fits = matches!(
            cues::kind(e),
            Kind::Resolution
                | Kind::Mitigation
                | Kind::Action
                | Kind::Decision
                | Kind::Deploy
                | Kind::StatusUpdate
        );
        if fits {
            push_unique(&mut out, from_event(e, &format!("{}: ", ctx.stamp(e.at))));
        }
    }
    if out.is_empty() && cues::kind(m) == Kind::Resolution {
        push_unique(&mut out, from_event(m, &format!("{}: ", ctx.stamp(m.at))));
    }
    let keep = out.len().saturating_sub(MAX);
    out.split_off(keep)
}

fn went_well(ctx: &Ctx) -> Vec<Statement> {
    let mut out = Vec::new();
    out.extend(derived::prompt_command(ctx));
    out.extend(derived::kept_cadence(ctx));
    for e in ctx
        .events
        .iter()
        .filter(|e| human(e) && cues::went_well(&e.text) && !cues::is_ask(e))
    {
        push_unique(&mut out, from_event(e, &format!("{}: ", ctx.stamp(e.at))));
    }
    out.truncate(MAX);
    out
}

fn could_be_better(ctx: &Ctx) -> Vec<Statement> {
    let mut out = Vec::new();
    out.extend(derived::late_command(ctx));
    out.extend(derived::update_gaps(ctx));
    for f in ctx.findings.iter().filter(|f| f.kind == "nudge") {
        push_unique(&mut out, from_finding(f, &ctx.events, "Response pattern: "));
    }
    let messages = ctx
        .events
        .iter()
        .filter(|e| human(e) && cues::kind(e) == Kind::Message);
    for e in messages.filter(|e| cues::could_be_better(&e.text)) {
        push_unique(&mut out, from_event(e, &format!("{}: ", ctx.stamp(e.at))));
    }
    out.truncate(MAX + 2);
    out
}
