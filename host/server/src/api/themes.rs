//! Recurring mechanisms over HTTP: the host's postmortems (the data folder's corpus, as
//! `rhyme corpus import` stored it) grouped by what broke and why, as `rhyme themes` prints
//! them, each group with the action items promised after its incidents and where they stand.
//! Grouping needs the embedding model, which seen-before's set-up loads.

use axum::Json;
use axum::extract::State;
use rhyme_seen_before::themes::promises::Promises;
use rhyme_seen_before::themes::{DEFAULT_THRESHOLD, Theme};
use rhyme_store::Permission;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::problem::ApiError;
use crate::state::AppState;

/// The recurring groups, largest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemesOut {
    /// Postmortems the host holds.
    pub postmortems: usize,
    /// Postmortems in a group of two or more.
    pub grouped: usize,
    /// The cosine distance under which incidents were grouped.
    pub threshold: f32,
    /// The groups of two or more, largest first, members oldest first; each group's notes
    /// list the action items promised after its incidents and their status.
    pub themes: Vec<Theme>,
}

/// The recurring mechanisms among the host's postmortems.
#[utoipa::path(get, path = "/v1/themes",
    responses((status = 200, body = ThemesOut),
               (status = 503, description = "seen-before (the model and the corpus) is not set up on this host, or the postmortems could not be grouped")),
    security(("bearer" = ["responder", "ic", "reviewer", "admin"])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ThemesOut>, ApiError> {
    caller.require(Permission::Read)?;
    let service = state
        .seen_before()
        .map_err(|why| ApiError::Unavailable(why.to_string()))?
        .clone();
    // Each group's notes: the action items promised after its incidents, as they stand now.
    let promises = Promises::load(state.store()).await?;
    let grouped = tokio::task::spawn_blocking(move || service.themes(&promises))
        .await
        .map_err(|e| {
            tracing::error!("themes thread: {e}");
            ApiError::Internal
        })?;
    let (postmortems, themes) = grouped.map_err(|e| {
        // The model's or the file's own words are for the log.
        tracing::error!("themes: {e}");
        ApiError::Unavailable("the postmortems could not be grouped".to_string())
    })?;
    Ok(Json(ThemesOut {
        postmortems,
        grouped: themes.iter().map(|t| t.members.len()).sum(),
        threshold: DEFAULT_THRESHOLD,
        themes,
    }))
}
