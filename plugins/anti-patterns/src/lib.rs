//! Watches an incident timeline and nudges the incident commander when the response falls into a
//! known anti-pattern of the catalog (DESIGN.md): tunnel vision, silent handover, update black
//! hole, IC as hero debugger, stalled loop, no clear command, off-channel decision, vanishing
//! after mitigation, and blame language in written lines.
//!
//! The plugin runs in a fresh sandbox on every call, so [`evaluate`] is a function of the whole
//! state: the incident, every event up to `now`, the nudges fired before, and the thresholds. The
//! host calls it on every new event and on a clock tick every minute of incident time, because
//! several patterns are silences that must be noticed when they cross a threshold, not at the
//! next message. A nudge fires once per episode: detectors check `already` for a nudge of the
//! same pattern since the episode began.
//!
//! Lines are understood with rules, without a language model ([`cues`]): what people say when
//! they propose a cause, ask for news, pass the IC role on, acknowledge, cite a call, run
//! commands, sign off. Detectors combine those cues with event kinds, roles and timing.
//!
//! | module | job |
//! |---|---|
//! | [`model`] | incident, events, nudges |
//! | [`config`] | thresholds per severity, catalog defaults |
//! | [`text`] | words of a chat line, phrase index, topic overlap |
//! | [`cues`] | the speech acts a line performs, by their usual phrases |
//! | [`acts`] | acts read by structure and verb class: handovers, stated waits |
//! | [`elsewhere`] | decisions reached outside the channel, by structure |
//! | [`context`] | one call's view: events up to now, cached cues, episode checks |
//! | `detect` | one module per pattern |
//!
//! ```
//! use anti_patterns::{evaluate, Event, EventKind, IncidentInfo, Pattern, Role, Severity, Thresholds};
//! let event = |minute: i64, actor: &str, role, kind, text: &str| Event {
//!     id: minute as u64, at: minute * 60, actor: Some(actor.into()), role: Some(role), kind, text: text.into(),
//! };
//! let events = [
//!     event(0, "pagerduty", Role::System, EventKind::Alert, "www availability 40%"),
//!     event(1, "kim", Role::Responder, EventKind::Message, "seeing 503s"),
//!     event(3, "lou", Role::Responder, EventKind::Action, "restarting ingress"),
//! ];
//! let incident = IncidentInfo { severity: Some(Severity::Sev1), update_cadence_minutes: Some(15) };
//! let nudges = evaluate(&incident, &events, 11 * 60, &[], &Thresholds::default());
//! assert_eq!(nudges[0].pattern, Pattern::NoClearCommand);
//! assert!(nudges[0].message.chars().count() <= 140);
//! ```

pub mod acts;
pub mod config;
pub mod context;
pub mod cues;
mod detect;
pub mod elsewhere;
pub mod model;
pub mod text;

pub use config::{SeverityThresholds, Thresholds};
pub use model::{
    Event, EventKind, IncidentInfo, MAX_MESSAGE_CHARS, Nudge, Pattern, PriorNudge, Role, Severity,
};

/// The nudges to fire now. `events` are the incident's events up to `now` (Unix seconds,
/// incident time), oldest first; `already` the nudges fired by earlier calls.
pub fn evaluate(
    incident: &IncidentInfo,
    events: &[Event],
    now: i64,
    already: &[PriorNudge],
    config: &Thresholds,
) -> Vec<Nudge> {
    let ctx = context::Context::new(incident, events, now, already, config);
    detect::run_all(&ctx)
}

#[cfg(target_arch = "wasm32")]
mod plugin;
