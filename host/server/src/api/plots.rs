//! A stored series as an SVG plot, the window of the latest signature finding on it shaded.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use rhyme_store::{Evidence, FindingKind, Permission};

use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use rhyme_pipeline::store_incidents::convert;
use rhyme_render::{self as render, Mark};

/// A stored series as an SVG plot, the window of the newest signature finding on it shaded.
#[utoipa::path(get, path = "/v1/series/{incident}/{file}", params(("incident" = String, Path), ("file" = String, Path, description = "the series name followed by `.svg`")),
    responses((status = 200, content_type = "image/svg+xml", body = String),
        (status = 404, description = "no such incident or series, or `file` does not end in `.svg`"),
        (status = 422, description = "the series cannot be plotted")), security(("bearer" = [])))]
pub async fn svg(
    State(state): State<AppState>,
    caller: Caller,
    Path((incident, file)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Permission::Read)?;
    let name = file
        .strip_suffix(".svg")
        .ok_or_else(|| ApiError::NotFound {
            what: "plot".into(),
            id: file.clone(),
        })?;
    let series = state
        .store()
        .series_named(&incident, name)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "series".into(),
            id: name.to_string(),
        })?;
    let marks = signature_marks(&state, &incident, name).await?;
    let svg = render::svg(&convert::series_to_wit(series), &marks)
        .map_err(|e| ApiError::invalid("series", e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg))
}

/// The window of the newest signature finding that cites this series.
async fn signature_marks(
    state: &AppState,
    incident: &str,
    series: &str,
) -> Result<Vec<Mark>, ApiError> {
    let findings = state.store().findings(incident).await?;
    let newest = findings
        .iter()
        .rev()
        .filter(|f| f.finding.kind == FindingKind::Signature)
        .find_map(|f| {
            f.finding.evidence.iter().find_map(|e| match e {
                Evidence::Window(w) if w.series == series => Some(Mark {
                    start: w.start,
                    end: w.end,
                    label: f.finding.subject.clone(),
                }),
                _ => None,
            })
        });
    Ok(newest.into_iter().collect())
}
