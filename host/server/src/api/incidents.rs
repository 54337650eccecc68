//! Incidents and what was recorded for them: create, read, list, timeline, findings.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rhyme_store::{Incident, IncidentFilter, Permission, Put, StoredFinding, TimelineEvent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Allowed, Caller, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::time::ApiTime;
use rhyme_pipeline::queue::Job;
use rhyme_pipeline::seen_before_job::Reason;

/// A new incident.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    /// The incident's id, chosen by the client and unique within the host: not blank, no
    /// control characters, at most 200 characters.
    #[schema(max_length = 200)]
    pub id: String,
    /// A short human-readable title, not blank, at most 1,024 characters.
    #[schema(max_length = 1024)]
    pub title: String,
    /// As the team writes it: `SEV1`, `sev2`, `P1`, ...; at most 200 characters.
    #[schema(max_length = 200)]
    pub severity: String,
    /// The service mainly affected; empty when unknown; at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub service: String,
    /// When it started: milliseconds since the epoch, or RFC 3339 with a zone.
    pub started: ApiTime,
    /// When it ended, in the same formats as `started` and not before it; absent (or null)
    /// while it is open.
    #[serde(default)]
    pub ended: Option<ApiTime>,
}

/// An incident as stored, and what the write did.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentWritten {
    /// The incident as stored.
    #[schema(value_type = Object)]
    pub incident: Incident,
    /// `created`, `updated` or `unchanged` (the same incident sent again).
    #[schema(value_type = String)]
    pub put: Put,
}

/// Create an incident; sending the same incident again changes nothing.
#[utoipa::path(post, path = "/v1/incidents", request_body = NewIncident,
    responses((status = 201, body = IncidentWritten), (status = 200, description = "already stored, unchanged", body = IncidentWritten),
               (status = 409, description = "a different incident has this id"),
               (status = 422, description = "a field is missing, malformed or too long, or `ended` is before `started`"),
               (status = 429, description = "with seen-before on, the plugin queue is full; nothing was stored")),
    security(("bearer" = ["responder", "ic"])))]
pub async fn create(
    State(state): State<AppState>,
    _caller: Allowed<may::Ingest>,
    Body(new): Body<NewIncident>,
) -> Result<(StatusCode, Json<IncidentWritten>), ApiError> {
    let incident = Incident {
        id: new.id,
        title: new.title,
        severity: new.severity,
        service: new.service,
        started: new.started.0,
        ended: new.ended.map(|t| t.0),
    };
    // With seen-before on, a new incident gets its finding off the request path: the place
    // in the queue is held before the write, as for events.
    let place = if state.seen_before().is_ok() {
        Some(state.queue().reserve(Some(&incident.id), 1)?)
    } else {
        None
    };
    let put = match place {
        Some(place) => {
            let lease = state.queue().lease();
            let (put, job) = state
                .store()
                .insert_incident_with_job(&incident, Reason::Opened.work(), lease)
                .await?;
            if let Some(job) = job {
                place.send(Job::SeenBefore {
                    job: job.id,
                    incident: incident.id.clone(),
                    reason: Reason::Opened,
                });
            }
            put
        }
        None => state.store().insert_incident(&incident).await?,
    };
    let status = if put == Put::Created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(IncidentWritten { incident, put })))
}

/// List incidents, most recently started first.
#[utoipa::path(get, path = "/v1/incidents", responses((status = 200, body = [Object])), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Incident>>, ApiError> {
    caller.require(Permission::Read)?;
    Ok(Json(
        state.store().incidents(IncidentFilter::default()).await?,
    ))
}

/// One incident by id.
#[utoipa::path(get, path = "/v1/incidents/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Incident>, ApiError> {
    caller.require(Permission::Read)?;
    Ok(Json(state.store().incident(&id).await?))
}

/// An incident's timeline events, oldest first.
#[utoipa::path(get, path = "/v1/incidents/{id}/timeline", params(("id" = String, Path)),
    responses((status = 200, body = [Object]), (status = 404)), security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<TimelineEvent>>, ApiError> {
    caller.require(Permission::Read)?;
    Ok(Json(state.store().events(&id).await?))
}

/// An incident's findings from plugins, in the order they arrived.
#[utoipa::path(get, path = "/v1/incidents/{id}/findings", params(("id" = String, Path)),
    responses((status = 200, body = [Object]), (status = 404)), security(("bearer" = [])))]
pub async fn findings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<StoredFinding>>, ApiError> {
    caller.require(Permission::Read)?;
    Ok(Json(state.store().findings(&id).await?))
}
