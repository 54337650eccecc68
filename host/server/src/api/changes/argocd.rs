//! Argo CD's notifications webhook in. Argo CD sends whatever body its template says, so
//! Rhyme defines the template (README, "Changes"): a JSON object with the application's name,
//! the synced revision, the operation's phase and finish time, and who started it. The
//! request is authenticated by a shared secret in the `X-Rhyme-Webhook-Secret` header, which
//! the notifications service's webhook config sends with every request.
//!
//! A notification whose `phase` is present and not `Succeeded` is acknowledged and ignored. The
//! change's id is `argocd-` and a digest of the application, kind, revision and time, so the
//! same notification sent twice (Argo CD retries) is stored once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{ChangeAck, KindIn, store};
use crate::body::parse;
use crate::problem::{ApiError, Unauthenticated};
use crate::state::AppState;

const SENDER: &str = "Argo CD";
const SECRET: &str = "X-Rhyme-Webhook-Secret";

/// The body Rhyme's Argo CD template produces. Every field is text, as a template renders it;
/// empty text means "not known".
#[derive(Debug, Deserialize, ToSchema)]
pub struct ArgoNotification {
    /// The application's name (`{{.app.metadata.name}}`); not blank.
    #[schema(max_length = 200)]
    pub app: String,
    /// The service, when it is not the application's name.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub service: String,
    /// The change's kind; `deploy` when absent.
    #[serde(default)]
    pub kind: Option<KindIn>,
    /// The synced revision (`{{.app.status.operationState.syncResult.revision}}`).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub revision: String,
    /// The operation's phase (`{{.app.status.operationState.phase}}`): only `Succeeded` (or
    /// empty) is stored.
    #[serde(default)]
    pub phase: String,
    /// When the operation finished, RFC 3339 (`{{.app.status.operationState.finishedAt}}`);
    /// the time of receipt when empty.
    #[serde(default)]
    pub at: String,
    /// Who started the sync (`{{.app.status.operationState.operation.initiatedBy.username}}`);
    /// empty for an automated sync.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub actor: String,
    /// The destination (`{{.app.spec.destination.namespace}}`).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub environment: String,
    /// The application's page in Argo CD.
    #[serde(default)]
    #[schema(max_length = 2048)]
    pub link: String,
    /// The operation's message.
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub summary: String,
}

/// Receive an Argo CD notification rendered from Rhyme's template; a successful sync is
/// stored as a change of the application's service.
#[utoipa::path(post, path = "/v1/ingest/argocd", request_body(content = ArgoNotification, description = "the body of Rhyme's notification template (its content type is not checked)"),
    params(("X-Rhyme-Webhook-Secret" = String, Header, description = "the shared secret configured on this host for Argo CD")),
    responses((status = 200, body = ChangeAck, description = "stored, stored before (a retry), or acknowledged and ignored with the reason"),
        (status = 401, description = "the secret header is missing or does not match; `detail` says which"),
        (status = 404, description = "no Argo CD webhook secret is configured on this host"),
        (status = 422, description = "a field is wrong (`app` blank, `at` not RFC 3339, a text too long); `field` names it")))]
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChangeAck>, ApiError> {
    let secret = state
        .webhook_secrets()
        .argocd
        .as_deref()
        .ok_or_else(|| ApiError::unconfigured("/v1/ingest/argocd", "Argo CD webhook secret"))?;
    verify(secret, &headers).map_err(ApiError::Unauthenticated)?;
    let note: ArgoNotification = parse(&body)?;
    if !note.phase.trim().is_empty() && note.phase.trim() != "Succeeded" {
        return Ok(Json(ChangeAck::ignored(format!(
            "an operation in phase `{}`: only `Succeeded` is a change that took effect",
            note.phase.trim()
        ))));
    }
    let change = change(note, state.store().now())?;
    store(&state, change).await.map(Json)
}

/// Compares the secret header with the configured secret, through digests so that the time
/// taken says nothing about how much of it matched.
fn verify(secret: &str, headers: &HeaderMap) -> Result<(), Unauthenticated> {
    let sent = headers
        .get(SECRET)
        .ok_or(Unauthenticated::WebhookUnsigned {
            sender: SENDER,
            header: SECRET,
        })?;
    if Sha256::digest(sent.as_bytes()) == Sha256::digest(secret.as_bytes()) {
        Ok(())
    } else {
        Err(Unauthenticated::WebhookMismatch { sender: SENDER })
    }
}

fn change(note: ArgoNotification, now: i64) -> Result<rhyme_store::Change, ApiError> {
    let app = note.app.trim();
    if app.is_empty() {
        return Err(ApiError::invalid("app", "is empty"));
    }
    let at = match note.at.trim() {
        "" => now,
        text => crate::time::parse(text).map_err(|why| ApiError::invalid("at", why))?,
    };
    let kind = note.kind.unwrap_or(KindIn::Deploy);
    let key = format!("{app}\u{0}{kind:?}\u{0}{}\u{0}{at}", note.revision.trim());
    let id = format!(
        "argocd-{}",
        &hex::encode(Sha256::digest(key.as_bytes()))[..24]
    );
    let service = match note.service.trim() {
        "" => app.to_string(),
        s => s.to_string(),
    };
    Ok(rhyme_store::Change {
        id,
        kind: kind.into(),
        service,
        environment: note.environment.trim().to_string(),
        actor: note.actor.trim().to_string(),
        at,
        revision: note.revision.trim().to_string(),
        link: note.link.trim().to_string(),
        summary: note.summary.trim().to_string(),
        source: "argocd".into(),
        freeze: String::new(),
    })
}
