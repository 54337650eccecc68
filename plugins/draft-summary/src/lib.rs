//! Drafts of what responders write during and after an incident, with no model: a status
//! update in CAN form and a postmortem, every statement taken from the timeline (or from a
//! finding's evidence) and citing the event ids it came from; and the review lint every draft
//! passes before a reviewer sees it. When the operator grants `llm`, a model may write the
//! draft from the same facts instead ([`llm`]); the deterministic draft is the fallback.
//!
//! | module | job |
//! |---|---|
//! | [`model`] | inputs (incident, events, findings) and the cited [`Statement`] |
//! | [`can`] | the CAN status update |
//! | [`postmortem`] | the postmortem draft, section by section |
//! | [`lint`] | re-exported from `review_lint::document`: blame language and action items without all five elements |
//! | [`llm`] | the LLM drafter's prompt, and the check its answer passes or is rejected by |
//!
//! All times are Unix seconds, UTC. Nothing reads a clock, the network or files: the same
//! inputs give the same draft, natively and in the wasm32-wasip2 sandbox.
//!
//! ```
//! use draft_summary::{Event, Incident, status_update};
//!
//! let incident = Incident { id: "inc-1".into(), title: "Checkout errors".into(), severity: Some("SEV2".into()),
//!     service: Some("checkout".into()), started: 0, update_cadence_minutes: Some(30) };
//! let ev = |id: &str, at: i64, role: &str, kind: &str, text: &str| Event { id: id.into(), at,
//!     actor: None, role: Some(role.into()), kind: kind.into(), text: text.into() };
//! let events = [
//!     ev("1", 0, "system", "alert", "checkout 5xx rate above 2%"),
//!     ev("2", 120, "ops", "action", "Rolled back the 10:00 deploy."),
//! ];
//! let update = status_update(&incident, &events, &[], 300, 30);
//! assert_eq!(update.next_update, 300 + 30 * 60);
//! assert!(update.to_markdown().contains("[#2]"));
//! ```

pub mod can;
pub mod changes;
mod cues;
pub mod llm;
pub mod model;
pub mod postmortem;
mod select;
mod text;
mod time;

pub use can::{StatusUpdate, status_update};
pub use model::{Event, Finding, Incident, Statement};
pub use postmortem::{PostmortemDraft, Section, postmortem};
pub use review_lint::document::{LintKind, LintNote, lint};

#[cfg(target_arch = "wasm32")]
mod plugin;
