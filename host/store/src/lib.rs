//! Rhyme's incident store, persistence only: incidents, timelines, metric series, the
//! postmortem corpus, changes (deploys, rollbacks, freezes, ... per service), findings, proposals and their approval gate, the outbox table and its
//! claims (delivery itself is `rhyme-sinks`), API tokens, nudge triage and the hash-chained
//! audit log.
//!
//! One async API over SQLite (WAL, `<data>/rhyme.db`, the default) or PostgreSQL (a
//! `postgres://` URL), with one set of portable migrations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), rhyme_store::Error> {
//! use rhyme_store::{Store, Actor, Role};
//! let store = Store::open("./data", None).await?;
//! let token = store.create_token(&Actor::operator("ops"), "ana", Role::Reviewer).await?;
//! assert_eq!(store.verify_token(&token.secret).await?.unwrap().name, "ana");
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod actions;
pub mod approval;
pub mod audit;
pub mod changes;
mod clock;
mod db;
pub mod durability;
mod error;
mod events;
mod feedback;
mod findings;
mod ids;
mod incidents;
pub mod jobs;
pub mod limits;
mod migrate;
pub mod model;
mod nudge_feedback;
mod nudges;
pub mod outbox;
mod postmortems;
pub mod report;
mod roles;
mod series;
pub mod slack;
mod store;
mod tokens;
mod turns;

pub use actions::{
    ActionFilter, ActionItem, ActionStatus, ImportedActionItems, ImportedRecorded, NewActionItem,
};
pub use approval::{ActionItemReader, Gate, GateConfig, MAX_TEXT};
pub use audit::{AuditEntry, AuditLog, AuditReport};
pub use changes::{Change, ChangeKind};
pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use db::{Backend, SQLITE_FILE};
pub use durability::Synchronous;
pub use error::{Error, Result};
pub use events::{EventBatch, MAX_BATCH};
pub use feedback::{Feedback, FeedbackVerdict, NewFeedback};
pub use findings::FindingsAdded;
pub use ids::new_id;
pub use incidents::{IncidentFilter, Put};
pub use jobs::{IncidentTurn, JobLease, JobStep, JobWork, PluginJob, StepOutcome};
pub use limits::Limits;
pub use model::{
    Evidence, Finding, FindingKind, Incident, MetricSeries, PluginRef, Point, Postmortem,
    SeriesWindow, StoredFinding, TimelineEvent,
};
pub use nudge_feedback::NotUseful;
pub use nudges::{NudgeTriage, Triage};
pub use postmortems::Upserted;
pub use report::ReportInputs;
pub use roles::{Actor, Permission, Principal, Role};
pub use slack::SlackUser;
pub use store::Store;
pub use tokens::{NewToken, SECRET_PREFIX, TokenCheck, TokenInfo};
pub use turns::Turns;
