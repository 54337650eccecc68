//! A stored series as an SVG plot, the window of the latest signature finding on it shaded and
//! the changes on the incident's timeline (deploys, rollbacks, config, flags) drawn as lines;
//! and all of an incident's series on one axis, each scaled to its own range, with the onsets
//! the first-mover finding names marked.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use rhyme_store::{ChangeKind, Evidence, FindingKind, Permission, StoredFinding};

use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use rhyme_pipeline::store_incidents::convert;
use rhyme_render::{self as render, Mark, Moment, Onset};

/// The subject of the first-mover plugin's finding, whose windows start at the onsets.
const FIRST_MOVER: &str = "first-mover";

/// A stored series as an SVG plot, the window of the newest signature finding on it shaded and
/// the incident's changes marked.
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
    let findings = state.store().findings(&incident).await?;
    let marks = signature_marks(&findings, name);
    let changes = change_moments(&state, &incident, &findings).await?;
    let svg = render::svg(&convert::series_to_wit(series), &marks, &changes)
        .map_err(|e| ApiError::invalid("series", e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg))
}

/// All of an incident's series on one time axis, each scaled to its own range, the onsets of
/// the newest first-mover finding marked and its title as the caption.
#[utoipa::path(get, path = "/v1/incidents/{id}/plots/movers.svg", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String),
        (status = 404, description = "no such incident, or it has fewer than two series with two finite points each")),
    security(("bearer" = [])))]
pub async fn movers_svg(
    State(state): State<AppState>,
    caller: Caller,
    Path(incident): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(Permission::Read)?;
    let series: Vec<_> = (state.store().series(&incident).await?)
        .into_iter()
        .map(convert::series_to_wit)
        .filter(render::drawable)
        .collect();
    // Too few series to line up is a fact about the incident, not about the request.
    if series.len() < 2 {
        return Err(ApiError::NotFound {
            what: "plot of several series".into(),
            id: incident,
        });
    }
    let findings = state.store().findings(&incident).await?;
    let (title, onsets) = first_mover_onsets(&findings);
    let svg = render::aligned_svg(&series, &onsets, &title).map_err(|e| {
        tracing::error!("drawing the aligned plot of {incident}: {e}");
        ApiError::Internal
    })?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg))
}

/// The newest first-mover finding's title and the onsets its windows start at; a caption
/// saying there is none yet and no onsets when it has not spoken.
fn first_mover_onsets(findings: &[StoredFinding]) -> (String, Vec<Onset>) {
    let Some(newest) = findings
        .iter()
        .rev()
        .find(|f| f.finding.subject == FIRST_MOVER)
    else {
        return ("no series has moved first yet".into(), Vec::new());
    };
    let onsets = newest
        .finding
        .evidence
        .iter()
        .filter_map(|e| match e {
            Evidence::Window(w) => Some(Onset {
                series: w.series.clone(),
                at: w.start,
            }),
            _ => None,
        })
        .collect();
    (newest.finding.title.clone(), onsets)
}

/// The window of the newest signature finding that cites this series.
fn signature_marks(findings: &[StoredFinding], series: &str) -> Vec<Mark> {
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
    newest.into_iter().collect()
}

/// The changes on the incident's timeline that bear on it: those of its service (every change,
/// when it names none) and any a finding names as a suspect (another service's deploy may be
/// the trigger). Freezes are left out: they change nothing themselves. Each is labelled with
/// the first words of its sentence.
async fn change_moments(
    state: &AppState,
    incident: &str,
    findings: &[StoredFinding],
) -> Result<Vec<Moment>, ApiError> {
    let service = state.store().incident(incident).await?.service;
    let suspects: Vec<String> = findings
        .iter()
        .filter_map(|f| {
            let id = f.finding.subject.strip_prefix("change-suspect:")?;
            Some(format!("{}{id}", rhyme_store::changes::EVENT_PREFIX))
        })
        .collect();
    let events = state.store().events(incident).await?;
    Ok(events
        .into_iter()
        .filter(|e| ChangeKind::parse(&e.kind).is_some_and(|k| !k.is_freeze()))
        .filter(|e| {
            service.is_empty()
                || e.text.lines().any(|l| l == format!("service: {service}"))
                || suspects.contains(&e.id)
        })
        .map(|e| Moment {
            at: e.at,
            label: short(e.text.lines().next().unwrap_or(&e.kind)),
        })
        .collect())
}

/// At most 40 characters, cut at a word.
fn short(text: &str) -> String {
    const MOST: usize = 40;
    if text.chars().count() <= MOST {
        return text.to_string();
    }
    let cut: String = text.chars().take(MOST).collect();
    let word = cut.rfind(' ').map_or(cut.as_str(), |at| &cut[..at]);
    format!("{word}…")
}
