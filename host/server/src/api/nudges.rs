//! The incident commander's answers to nudges: acknowledge (seen), mute (not now) or unmute
//! (show it again). A pattern must be one of the catalog's, or one a plugin has already nudged
//! about on this incident, so a typo is refused with the list rather than silently stored.

use axum::Json;
use axum::extract::{Path, State};
use rhyme_store::{FindingKind, NudgeTriage, Permission};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Allowed, Caller, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::time::ApiTime;

/// The incident commander's answers to an incident's nudges, by pattern.
#[utoipa::path(get, path = "/v1/incidents/{id}/nudges", params(("id" = String, Path)),
    responses((status = 200, body = [Object]), (status = 404, description = "no such incident")), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<NudgeTriage>>, ApiError> {
    caller.require(Permission::Read)?;
    state.store().incident(&id).await?;
    Ok(Json(state.store().nudge_triage(&id).await?))
}

/// One triage endpoint, `POST /v1/incidents/{id}/nudges/{pattern}/<verb>`: the incident
/// commander records what they did with a nudge. Every verb checks the same role and the same
/// known patterns and answers the same statuses, so the OpenAPI annotation and that check are
/// written once here; each use names its path, its body (if any) and the store call that
/// records the triage, given the state, the caller's name, the incident id and the pattern.
macro_rules! triage_handler {
    (
        $(#[doc = $doc:tt])*
        $name:ident, $path:tt, $(body: $body:ident: $input:ident,)?
        |$state:ident, $who:ident, $id:ident, $pattern:ident| $record:expr
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(post, path = $path, params(("id" = String, Path), ("pattern" = String, Path)),
            $(request_body = $input,)?
            responses((status = 200, body = Object), (status = 404, description = "no such incident"),
                (status = 422, description = "`pattern` is not a nudge pattern of the enabled plugins or of this incident's findings (the known ones are listed), or `until` is not in the future")),
            security(("bearer" = ["ic"])))]
        pub async fn $name(
            State($state): State<AppState>,
            caller: Allowed<may::TriageNudges>,
            Path(($id, $pattern)): Path<(String, String)>,
            $(Body($body): Body<$input>,)?
        ) -> Result<Json<NudgeTriage>, ApiError> {
            let $who = caller.principal();
            known_pattern(&$state, &$id, &$pattern).await?;
            Ok(Json($record))
        }
    };
}

triage_handler! {
    /// Mark a nudge as seen (incident commander only).
    acknowledge, "/v1/incidents/{id}/nudges/{pattern}/acknowledge",
    |state, who, id, pattern| state.store().acknowledge_nudge(&who, &id, &pattern).await?
}

/// Silence a nudge, until a time if given.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteIn {
    /// When the mute ends, in the future: milliseconds since the epoch, or RFC 3339 with a
    /// zone; absent (or null) for no end.
    pub until: Option<ApiTime>,
}

triage_handler! {
    /// Silence a nudge, until a time if given (incident commander only).
    mute, "/v1/incidents/{id}/nudges/{pattern}/mute", body: input: MuteIn,
    |state, who, id, pattern| state
        .store()
        .mute_nudge(&who, &id, &pattern, input.until.map(|t| t.0))
        .await?
}

triage_handler! {
    /// Show a muted nudge again (incident commander only).
    unmute, "/v1/incidents/{id}/nudges/{pattern}/unmute",
    |state, who, id, pattern| state.store().unmute_nudge(&who, &id, &pattern).await?
}

/// `NotFound` for an unknown incident; `Invalid` naming the known patterns for an unknown one:
/// those the enabled plugins declare in their manifests, and those already raised.
pub(crate) async fn known_pattern(
    state: &AppState,
    incident: &str,
    pattern: &str,
) -> Result<(), ApiError> {
    let findings = state.store().findings(incident).await?;
    let mut known: Vec<&str> = state
        .plugins()
        .iter()
        .flat_map(|p| p.manifest().nudge_patterns.iter().map(String::as_str))
        .collect();
    for f in findings
        .iter()
        .filter(|f| f.finding.kind == FindingKind::Nudge)
    {
        if !known.contains(&f.finding.subject.as_str()) {
            known.push(&f.finding.subject);
        }
    }
    if known.contains(&pattern) {
        return Ok(());
    }
    Err(ApiError::invalid(
        "pattern",
        format!(
            "`{pattern}` is not a nudge pattern; known patterns: {}",
            known.join(", ")
        ),
    ))
}
