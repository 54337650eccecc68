//! GitHub's `deployment_status` deliveries, once `/v1/ingest/github` (see [`crate::api::github`])
//! has checked their signature.
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

use rhyme_store::{Change, ChangeKind};
use serde::Deserialize;

use super::{ChangeAck, store};
use crate::body::parse;
use crate::problem::ApiError;
use crate::state::AppState;

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

/// The change a signed `deployment_status` delivery reports, stored; a status other than
/// `success` is acknowledged and ignored with the reason.
pub(crate) async fn deployment_status(
    state: &AppState,
    body: &[u8],
) -> Result<ChangeAck, ApiError> {
    let delivery: Delivery = parse(body)?;
    match change(delivery)? {
        Ok(change) => store(state, change).await,
        Err(why) => Ok(ChangeAck::ignored(why)),
    }
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
