//! The cross-incident report over HTTP: its figures (any role that may read), its plots, and
//! queuing it as a draft through the approval gate, so it reaches a sink (the `draft-report`
//! route) only after a reviewer approves, like any other draft.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rhyme_report::{Report, Window};
use rhyme_store::approval::{NewProposal, Proposal, ProposalKind, StoredProposal};
use rhyme_store::{Permission, PluginRef};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Allowed, Caller, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::query::Params;
use crate::state::AppState;

/// Who a queued report is from: the host's report module, not a plugin, named so the audit
/// log and the review queue say where the text came from.
const SOURCE: &str = "rhyme-report";

/// The window a report covers, in the query string; `since` or `from`, not both.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WindowQuery {
    /// How far back from `to`: a number and a unit (`m`, `h`, `d`, `w`), e.g. `7d`; default `7d`.
    #[param(value_type = String, required = false, pattern = "^[0-9]+[mhdw]$")]
    #[schema(pattern = "^[0-9]+[mhdw]$")]
    pub since: Option<String>,
    /// The window's start, RFC 3339 with a zone.
    #[param(value_type = String, required = false, format = DateTime)]
    #[schema(format = DateTime)]
    pub from: Option<String>,
    /// The window's end (exclusive), RFC 3339 with a zone; default now.
    #[param(value_type = String, required = false, format = DateTime)]
    #[schema(format = DateTime)]
    pub to: Option<String>,
}

async fn report(state: &AppState, query: &WindowQuery) -> Result<Report, ApiError> {
    let window = Window::parse(
        "",
        query.since.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
        state.store().now(),
    )
    .map_err(from_report)?;
    rhyme_report::build(state.store(), window)
        .await
        .map_err(from_report)
}

fn from_report(error: rhyme_report::Error) -> ApiError {
    match error {
        rhyme_report::Error::Invalid { field, why } => ApiError::invalid(field, why),
        rhyme_report::Error::Store(e) => e.into(),
    }
}

/// The report's figures over a window: response times with the incidents that lack the events
/// for each, incidents by severity and service, action items, nudge answers.
#[utoipa::path(get, path = "/v1/report", params(WindowQuery),
    responses((status = 200, body = Object, description = "the report, as `rhyme report --json` prints it"),
        (status = 422, description = "`since`, `from` or `to` is not a duration or a time with a zone, or the window is empty or over 366 days")),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<WindowQuery>,
) -> Result<Json<Report>, ApiError> {
    caller.require(Permission::Read)?;
    Ok(Json(report(&state, &query).await?))
}

/// One of the report's plots: `incidents.svg` (per day or week) or `time-to-resolve.svg`.
#[utoipa::path(get, path = "/v1/report/plots/{file}", params(("file" = String, Path, description = "`incidents.svg` or `time-to-resolve.svg`"), WindowQuery),
    responses((status = 200, content_type = "image/svg+xml", body = String),
        (status = 404, description = "no such plot"),
        (status = 422, description = "a bad window, or nothing to plot (no incident resolved in it)")),
    security(("bearer" = [])))]
pub async fn plot(
    State(state): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Params(query): Params<WindowQuery>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Permission::Read)?;
    let not_found = || ApiError::NotFound {
        what: "report plot".into(),
        id: file.clone(),
    };
    let name = file.strip_suffix(".svg").ok_or_else(not_found)?;
    if !rhyme_report::plots::NAMES.contains(&name) {
        return Err(not_found());
    }
    let report = report(&state, &query).await?;
    let svg = rhyme_report::plots::svg(&report, name)
        .ok_or_else(not_found)?
        .map_err(|e| ApiError::invalid("file", e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg))
}

/// Queue the report over a window as a draft (`draft-report`) in the approval gate; it is
/// published only where `[gate.routes] draft-report` names a sink, once a reviewer other than
/// the requester approves it.
#[utoipa::path(post, path = "/v1/report/drafts", request_body = WindowQuery,
    responses((status = 201, body = Object, description = "the queued proposal"),
        (status = 422, description = "`since`, `from` or `to` is not a duration or a time with a zone, or the window is empty or too long")),
    security(("bearer" = ["responder", "ic"])))]
pub async fn draft(
    State(state): State<AppState>,
    caller: Allowed<may::Ingest>,
    Body(input): Body<WindowQuery>,
) -> Result<(StatusCode, Json<StoredProposal>), ApiError> {
    let who = caller.principal();
    let report = report(&state, &input).await?;
    let title = format!(
        "Incident report, {} to {}",
        &report.window.from[..10],
        &report.window.to[..10]
    );
    let new = NewProposal {
        incident: None,
        plugin: PluginRef {
            name: SOURCE.into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        requested_by: Some(who.name),
        action: None,
        proposal: Proposal {
            kind: ProposalKind::DraftReport,
            title,
            body: rhyme_report::markdown::render(&report),
            rationale: format!(
                "The numbers over {} incidents from the stored timelines, action items and nudge answers; published only after review.",
                report.context.current.incidents
            ),
            evidence: Vec::new(),
        },
    };
    let queued = state.gate().propose(new).await?;
    Ok((StatusCode::CREATED, Json(queued)))
}
