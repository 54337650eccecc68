//! Changes in: deploys, rollbacks, configuration and feature-flag flips, infrastructure changes
//! and change freezes. Three doors, one store: the generic `POST /v1/changes` (a bearer token,
//! like every ingest route), GitHub's `deployment_status` webhook ([`github`], GitHub's
//! signature) and Argo CD's notifications webhook ([`argocd`], a shared secret). Each change is
//! kept per service (see `rhyme_store::changes`) and shows on the timeline of every incident
//! whose window covers it; its id comes from the source, so a redelivery stores nothing twice.

pub mod argocd;
pub mod github;

use axum::Json;
use axum::extract::State;
use rhyme_store::{Change, ChangeKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Allowed, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::time::ApiTime;

/// The kind of a change; also the `kind` of its timeline event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KindIn {
    /// A new revision went out.
    Deploy,
    /// A revision was taken back; `revision` names the one undone.
    Rollback,
    /// A configuration change.
    Config,
    /// A feature flag turned on, off or re-targeted.
    FeatureFlag,
    /// Nodes, networks, databases, DNS, certificates.
    Infrastructure,
    /// A change freeze declared for `service`, or for every service when it is absent.
    FreezeStart,
    /// A change freeze lifted.
    FreezeEnd,
}

impl From<KindIn> for ChangeKind {
    fn from(kind: KindIn) -> ChangeKind {
        match kind {
            KindIn::Deploy => ChangeKind::Deploy,
            KindIn::Rollback => ChangeKind::Rollback,
            KindIn::Config => ChangeKind::Config,
            KindIn::FeatureFlag => ChangeKind::FeatureFlag,
            KindIn::Infrastructure => ChangeKind::Infrastructure,
            KindIn::FreezeStart => ChangeKind::FreezeStart,
            KindIn::FreezeEnd => ChangeKind::FreezeEnd,
        }
    }
}

/// One change, as `POST /v1/changes` and each line of `rhyme changes import` take it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChange {
    /// The sender's id for it: a change sent again under the same id is acknowledged and not
    /// stored twice. Not blank, no control characters.
    #[schema(max_length = 200)]
    pub id: String,
    /// What sort of change.
    pub kind: KindIn,
    /// The service changed. Required, except for a freeze, where leaving it out means every
    /// service.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub service: String,
    /// When it took effect: milliseconds since the epoch, or RFC 3339 with a zone.
    pub at: ApiTime,
    /// Who made it: a person or a pipeline.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub actor: String,
    /// The revision deployed (for a rollback, the one rolled back): `v4.18.0`, a commit.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub revision: String,
    /// Where: `production`, `eu-west-1`.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub environment: String,
    /// Where to read more: the pipeline run, the pull request.
    #[serde(default)]
    #[schema(max_length = 2048)]
    pub link: String,
    /// One line about it.
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub summary: String,
}

impl NewChange {
    /// The change to store, marked as coming from `source`.
    pub fn into_change(self, source: &str) -> Change {
        Change {
            id: self.id,
            kind: self.kind.into(),
            service: self.service.trim().to_string(),
            environment: self.environment,
            actor: self.actor,
            at: self.at.0,
            revision: self.revision,
            link: self.link,
            summary: self.summary,
            source: source.to_string(),
            freeze: String::new(),
        }
    }
}

/// What became of a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeAck {
    /// The change's id (for a webhook, the one Rhyme made from the sender's ids); absent when
    /// the request was acknowledged and ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// Whether it was stored now: `false` for a change stored before (a retry, a redelivery).
    pub stored: bool,
    /// Why nothing was stored, when the request was acknowledged and ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// The id of the freeze it was made during, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub during_freeze: Option<String>,
}

impl ChangeAck {
    /// A request acknowledged and ignored, with the reason.
    pub fn ignored(why: impl Into<String>) -> ChangeAck {
        ChangeAck {
            change: None,
            stored: false,
            ignored: Some(why.into()),
            during_freeze: None,
        }
    }
}

/// Record a change (deploy, rollback, config, feature flag, infrastructure, freeze start or
/// end). It is kept per service and shows on the timeline of every incident whose window
/// covers it (from two hours before the incident's start to its end).
#[utoipa::path(post, path = "/v1/changes", request_body = NewChange,
    responses((status = 200, body = ChangeAck, description = "stored, or stored before under this id (`stored` is false)"),
        (status = 422, description = "a field is wrong, or `service` is missing for a change other than a freeze; `field` names it")),
    security(("bearer" = ["responder", "ic"])))]
pub async fn record(
    State(state): State<AppState>,
    _caller: Allowed<may::Ingest>,
    Body(input): Body<NewChange>,
) -> Result<Json<ChangeAck>, ApiError> {
    store(&state, input.into_change("api")).await.map(Json)
}

/// Stores `change`, answering what became of it.
pub(crate) async fn store(state: &AppState, change: Change) -> Result<ChangeAck, ApiError> {
    let stored = state.store().add_change(&change).await?;
    let freeze = state
        .store()
        .change(&change.id)
        .await?
        .map(|c| c.freeze)
        .filter(|f| !f.is_empty());
    Ok(ChangeAck {
        change: Some(change.id),
        stored,
        ignored: None,
        during_freeze: freeze,
    })
}
