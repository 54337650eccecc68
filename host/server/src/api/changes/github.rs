//! GitHub's `deployment_status` webhook in. GitHub signs each delivery: `X-Hub-Signature-256`
//! is `sha256=` and the hex HMAC-SHA256 of the body under the webhook's secret; a delivery
//! without it, or whose signature does not match, is refused (401) before the body is read.
//!
//! A deployment status whose `state` is `success` is a change that took effect: a `deploy`, or
//! a `rollback` when the deployment's `task` or `payload.kind` says so. Its id is
//! `github-` and the status's own id, so a redelivery (the same `X-GitHub-Delivery`, or the same
//! status sent to two hooks) is stored once. Every other status (`pending`, `in_progress`,
//! `failure`, ...), `ping` and any other event are acknowledged and ignored with the reason,
//! as GitHub expects a 2xx.
//!
//! The service is `deployment.payload.service` when the deployment carries one, else the
//! repository's name; the revision is `payload.version` (or `payload.revision`), else the
//! deployment's `ref`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use rhyme_store::{Change, ChangeKind};
use serde::Deserialize;
use sha2::Sha256;

use super::{ChangeAck, store};
use crate::body::parse;
use crate::problem::{ApiError, Unauthenticated};
use crate::state::AppState;

const SENDER: &str = "GitHub";
const SIGNATURE: &str = "X-Hub-Signature-256";

#[derive(Debug, Deserialize)]
struct Delivery {
    deployment_status: Status,
    deployment: Deployment,
    #[serde(default)]
    repository: Option<Repository>,
    #[serde(default)]
    sender: Option<User>,
}

#[derive(Debug, Deserialize)]
struct Status {
    id: i64,
    state: String,
    #[serde(default)]
    creator: Option<User>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default)]
    target_url: Option<String>,
    #[serde(default)]
    log_url: Option<String>,
    #[serde(default)]
    environment_url: Option<String>,
    created_at: String,
}

#[derive(Debug, Deserialize)]
struct Deployment {
    #[serde(default)]
    sha: String,
    #[serde(default, rename = "ref")]
    git_ref: String,
    #[serde(default)]
    task: String,
    #[serde(default)]
    payload: serde_json::Value,
    #[serde(default)]
    environment: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Repository {
    name: String,
}

#[derive(Debug, Deserialize)]
struct User {
    login: String,
}

/// Receive a GitHub webhook delivery, signed with the webhook's secret; a successful
/// `deployment_status` is stored as a deploy or rollback.
#[utoipa::path(post, path = "/v1/ingest/github", request_body(content = Object, description = "GitHub's webhook body, as GitHub sends it (its content type is not checked: the signature covers the bytes)"),
    params(
        ("X-Hub-Signature-256" = String, Header, description = "`sha256=` and the hex HMAC-SHA256 of the body under the webhook's secret"),
        ("X-GitHub-Event" = Option<String>, Header, description = "`deployment_status` is read; `ping` and every other event are acknowledged and ignored"),
    ),
    responses((status = 200, body = ChangeAck, description = "stored, stored before (a redelivery), or acknowledged and ignored with the reason"),
        (status = 401, description = "the signature is missing, malformed or does not match; `detail` says which"),
        (status = 404, description = "no GitHub webhook secret is configured on this host"),
        (status = 422, description = "a `deployment_status` delivery lacks a field Rhyme reads, or has it in the wrong form; `field` names it")))]
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChangeAck>, ApiError> {
    let secret = state
        .change_secrets()
        .github
        .as_deref()
        .ok_or_else(|| ApiError::unconfigured("/v1/ingest/github", "GitHub webhook secret"))?;
    verify(secret, &headers, &body).map_err(ApiError::Unauthenticated)?;
    let event = headers
        .get("x-github-event")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if event != "deployment_status" {
        return Ok(Json(ChangeAck::ignored(format!(
            "a `{event}` event: only `deployment_status` is read"
        ))));
    }
    let delivery: Delivery = parse(&body)?;
    match change(delivery)? {
        Ok(change) => store(&state, change).await.map(Json),
        Err(why) => Ok(Json(ChangeAck::ignored(why))),
    }
}

/// Checks `X-Hub-Signature-256` against the body under `secret`.
fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), Unauthenticated> {
    let header = headers
        .get(SIGNATURE)
        .ok_or(Unauthenticated::WebhookUnsigned {
            sender: SENDER,
            header: SIGNATURE,
        })?;
    let signature = header
        .to_str()
        .ok()
        .and_then(|text| text.trim().strip_prefix("sha256="))
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or(Unauthenticated::WebhookMalformed {
            sender: SENDER,
            why: "`X-Hub-Signature-256` is not `sha256=` followed by hex",
        })?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| Unauthenticated::WebhookMismatch { sender: SENDER })
}

/// The change a delivery reports, `Err(why)` when it reports none (a status other than
/// `success`); a field in the wrong form is a 422 naming it.
fn change(d: Delivery) -> Result<Result<Change, String>, ApiError> {
    let status = d.deployment_status;
    if status.state != "success" {
        return Ok(Err(format!(
            "a deployment status `{}`: only `success` is a change that took effect",
            status.state
        )));
    }
    let at = crate::time::parse(&status.created_at)
        .map_err(|why| ApiError::invalid("deployment_status.created_at", why))?;
    let payload = |key: &str| {
        d.deployment
            .payload
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let service = payload("service")
        .or_else(|| d.repository.as_ref().map(|r| r.name.clone()))
        .ok_or_else(|| {
            ApiError::invalid(
                "repository",
                "is missing, and `deployment.payload.service` does not name the service",
            )
        })?;
    let rollback = d.deployment.task.to_ascii_lowercase().contains("rollback")
        || payload("kind").is_some_and(|k| k == "rollback");
    let revision = payload("version")
        .or_else(|| payload("revision"))
        .unwrap_or_else(|| match d.deployment.git_ref.as_str() {
            "" => d.deployment.sha.chars().take(12).collect(),
            r => r.to_string(),
        });
    let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    Ok(Ok(Change {
        id: format!("github-{}", status.id),
        kind: if rollback {
            ChangeKind::Rollback
        } else {
            ChangeKind::Deploy
        },
        service,
        environment: nonempty(status.environment)
            .or(nonempty(d.deployment.environment))
            .unwrap_or_default(),
        actor: status
            .creator
            .or(d.sender)
            .map(|u| u.login)
            .unwrap_or_default(),
        at,
        revision,
        link: nonempty(status.log_url)
            .or(nonempty(status.target_url))
            .or(nonempty(status.environment_url))
            .unwrap_or_default(),
        summary: nonempty(status.description)
            .or(nonempty(d.deployment.description))
            .unwrap_or_default(),
        source: "github".into(),
        freeze: String::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(secret: &str, body: &[u8]) -> HeaderMap {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        let mut headers = HeaderMap::new();
        let value = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        headers.insert(SIGNATURE, value.parse().unwrap());
        headers
    }

    #[test]
    fn each_way_a_signature_fails_is_named() {
        let body = br#"{"zen": "hi"}"#;
        assert!(verify("s", &signed("s", body), body).is_ok());
        assert!(matches!(
            verify("s", &signed("other", body), body),
            Err(Unauthenticated::WebhookMismatch { .. })
        ));
        assert!(matches!(
            verify("s", &HeaderMap::new(), body),
            Err(Unauthenticated::WebhookUnsigned { .. })
        ));
        let mut bad = HeaderMap::new();
        bad.insert(SIGNATURE, "sha1=00".parse().unwrap());
        assert!(matches!(
            verify("s", &bad, body),
            Err(Unauthenticated::WebhookMalformed { .. })
        ));
    }
}
