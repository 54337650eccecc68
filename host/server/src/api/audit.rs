//! The audit log over HTTP, for admins: its entries and a verification of its chain.

use axum::Json;
use axum::extract::State;
use rhyme_store::{AuditEntry, AuditReport, Permission};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::problem::ApiError;
use crate::query::Params;
use crate::state::AppState;

/// A page of the log, in the query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Entries after this sequence number (default 0).
    #[param(value_type = i64, required = false)]
    pub after: Option<i64>,
    /// At most this many (default 100; more than 1000 reads as 1000).
    #[param(value_type = i64, required = false, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
}

/// List audit log entries, oldest first (admin only).
#[utoipa::path(get, path = "/v1/audit", params(Page), responses((status = 200, body = [Object]), (status = 422, description = "a query parameter is not a number of its range; `field` names it")),
    security(("bearer" = ["admin"])))]
pub async fn entries(
    State(state): State<AppState>,
    caller: Caller,
    page: Result<Params<Page>, ApiError>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    // The role first: a caller who may not read the log hears 403 whatever the query says.
    caller.require(Permission::ManageTokens)?;
    let Params(page) = page?;
    let limit = page.limit.unwrap_or(100).min(1000);
    Ok(Json(
        state
            .store()
            .audit()
            .entries(page.after.unwrap_or(0), limit)
            .await?,
    ))
}

/// Check the audit log's hash chain and report the first problem found, if any (admin only).
#[utoipa::path(get, path = "/v1/audit/verify", responses((status = 200, body = Object)), security(("bearer" = ["admin"])))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<AuditReport>, ApiError> {
    caller.require(Permission::ManageTokens)?;
    // Against the seals made with the server's audit key and its anchor file: the report
    // also says what they prove and what nothing does.
    let anchors = state.audit_anchors();
    Ok(Json(state.store().audit().verify_with(anchors).await?))
}
