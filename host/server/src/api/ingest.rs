//! Events and series in. Each write first takes a place in the plugin queue (429 when there is
//! none, with nothing stored), then stores, then queues the plugin run for what was new.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rhyme_store::{EventBatch, MAX_BATCH, MetricSeries, Point, TimelineEvent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Allowed, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::time::ApiTime;
use rhyme_pipeline::queue::Job;
use rhyme_pipeline::store_incidents::convert;

/// One timeline event; the client picks its id, so a retried batch stores nothing twice. The
/// id, actor, role and kind are at most 200 characters each.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    /// The event's id, unique within the incident; an id already stored is skipped. Not
    /// blank, no control characters.
    #[schema(max_length = 200)]
    pub id: String,
    /// When it happened: milliseconds since the epoch, or RFC 3339 with a zone.
    pub at: ApiTime,
    /// Who wrote or caused it: a person, a bot, an alerting system.
    #[schema(max_length = 200)]
    pub actor: String,
    /// The actor's incident role when known (`ic`, `ops`, `comms`, `scribe`, ...); empty otherwise.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub role: String,
    /// What sort of event it is: `message`, `alert`, `status-update`, `role-change`, `deploy`,
    /// ...; not blank.
    #[schema(max_length = 200)]
    pub kind: String,
    /// The event's text, at most 65,536 characters.
    #[schema(max_length = 65536)]
    pub text: String,
}

/// A batch of events for one incident.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventsIn {
    /// The events, 1 to 10 000 per batch; an incident holds at most 100 000 by default.
    #[schema(min_items = 1, max_items = 10000)]
    pub events: Vec<NewEvent>,
}

/// What a batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventsAck {
    /// Ids stored now; plugins run on these.
    pub stored: Vec<String>,
    /// Ids stored before (a retry), acknowledged and skipped.
    pub duplicates: Vec<String>,
}

/// Add a batch of timeline events to an incident; plugins run on the new ones.
#[utoipa::path(post, path = "/v1/incidents/{id}/events", params(("id" = String, Path)), request_body = EventsIn,
    responses((status = 202, body = EventsAck), (status = 404, description = "no such incident"),
               (status = 413, description = "the body is over 8 MiB, or the incident would hold more events than the server allows; nothing was stored"),
               (status = 422), (status = 429)),
    security(("bearer" = ["responder", "ic"])))]
pub async fn events(
    State(state): State<AppState>,
    caller: Allowed<may::Ingest>,
    Path(id): Path<String>,
    Body(batch): Body<EventsIn>,
) -> Result<(StatusCode, Json<EventsAck>), ApiError> {
    let who = caller.principal();
    if batch.events.is_empty() {
        return Err(ApiError::invalid("events", "is empty"));
    }
    if batch.events.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "events",
            format!(
                "has {} events; at most {MAX_BATCH} per batch",
                batch.events.len()
            ),
        ));
    }
    let events: Vec<TimelineEvent> = batch
        .events
        .into_iter()
        .map(|e| TimelineEvent {
            id: e.id,
            at: e.at.0,
            actor: e.actor,
            role: e.role,
            kind: e.kind,
            text: e.text,
            change: None,
        })
        .collect();
    let place = state.queue().reserve(Some(&id), events.len())?;
    let lease = state.queue().lease();
    let (EventBatch { stored, duplicates }, job) = state
        .store()
        .add_events_with_job(&id, &events, lease, Some(&who.name))
        .await?;
    place.send_stored_events(job, id, events, &stored, who.name);
    Ok((StatusCode::ACCEPTED, Json(EventsAck { stored, duplicates })))
}

/// One sample; `value` null for a gap.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPoint {
    /// When the sample was taken: milliseconds since the epoch, or RFC 3339 with a zone.
    pub at: ApiTime,
    /// The sample's value; null for a gap.
    pub value: Option<f64>,
}

/// Samples of a metric for an incident, merged with what is stored under the same name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesIn {
    /// The metric's name; the samples merge with those stored under it for this incident.
    /// Not blank, no control characters, at most 200 characters.
    #[schema(max_length = 200)]
    pub name: String,
    /// The unit of the values (`ms`, `%`, `req/s`, ...); empty when unknown; at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub unit: String,
    /// The samples; at least one. The merged series holds at most 100 000 points by default.
    #[schema(min_items = 1)]
    pub points: Vec<NewPoint>,
}

/// The series as now stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesAck {
    /// The series' name.
    pub name: String,
    /// Points stored under the name after the merge.
    pub points: usize,
}

/// Add samples of a metric to an incident; plugins run on the merged series.
#[utoipa::path(post, path = "/v1/incidents/{id}/series", params(("id" = String, Path)), request_body = SeriesIn,
    responses((status = 202, body = SeriesAck), (status = 404, description = "no such incident"),
               (status = 413, description = "the body is over 8 MiB, or the merged series would hold more points than the server allows; nothing was stored"),
               (status = 422), (status = 429)),
    security(("bearer" = ["responder", "ic"])))]
pub async fn series(
    State(state): State<AppState>,
    caller: Allowed<may::Ingest>,
    Path(id): Path<String>,
    Body(input): Body<SeriesIn>,
) -> Result<(StatusCode, Json<SeriesAck>), ApiError> {
    let who = caller.principal();
    if input.points.is_empty() {
        return Err(ApiError::invalid("points", "is empty"));
    }
    let series = MetricSeries {
        name: input.name,
        unit: input.unit,
        points: input
            .points
            .iter()
            .map(|p| Point {
                at: p.at.0,
                value: p.value.unwrap_or(f64::NAN),
            })
            .collect(),
    };
    let place = state.queue().reserve(Some(&id), 1)?;
    let lease = state.queue().lease();
    let (stored, job) = state
        .store()
        .put_series_with_job(&id, &series, lease, Some(&who.name))
        .await?;
    let ack = SeriesAck {
        name: stored.name.clone(),
        points: stored.points.len(),
    };
    place.send(Job::Series {
        job: Some(job.id),
        incident: id,
        series: convert::series_to_wit(stored),
        by: who.name,
    });
    Ok((StatusCode::ACCEPTED, Json(ack)))
}
