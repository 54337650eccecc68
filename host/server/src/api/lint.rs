//! The review lint over any text: the same pass every draft gets from the drafting plugin,
//! run again on the words a reviewer is about to approve (edits included).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use review_lint::blame::classifier::Classifier;
use review_lint::document::LintNote;
use rhyme_store::limits::{length, too_long};
use rhyme_store::{MAX_TEXT, Permission};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;

/// A text to lint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LintIn {
    /// The Markdown text to lint, at most 262,144 characters.
    #[schema(max_length = 262144)]
    pub text: String,
}

/// Lint a text for blame language and incomplete action items, as a draft's review does.
#[utoipa::path(post, path = "/v1/lint", request_body = LintIn,
    responses((status = 200, body = [Object], description = "blame language and incomplete action items, by line")),
    security(("bearer" = [])))]
pub async fn lint(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<LintIn>,
) -> Result<Json<Vec<LintNote>>, ApiError> {
    caller.require(Permission::Read)?;
    // As long as a proposal's text may be.
    if length(&input.text) > MAX_TEXT {
        return Err(ApiError::invalid(
            "text",
            too_long(length(&input.text), MAX_TEXT),
        ));
    }
    let vectors = sentence_vectors(&state, &input.text).await;
    let vector_of = |sentence: &str| vectors.get(sentence).cloned();
    Ok(Json(review_lint::document::lint_with(
        &input.text,
        &vector_of,
    )))
}

/// The most sentences of one text the blame classifier reads.
const MAX_CLASSIFIED_SENTENCES: usize = 400;

/// The embedding of each sentence the blame pass reads, for the sentence classifier; empty
/// (the rules alone judge) when the host runs without its embedding model, or with another
/// model than the classifier was fitted on.
async fn sentence_vectors(state: &AppState, text: &str) -> HashMap<String, Vec<f32>> {
    let Ok(service) = state.seen_before() else {
        return HashMap::new();
    };
    if service.model() != Classifier::shipped().embedding_model {
        tracing::warn!(
            model = %service.model(),
            fitted_on = %Classifier::shipped().embedding_model,
            "the blame classifier was fitted on another embedding model: the lint uses its rules only"
        );
        return HashMap::new();
    }
    let service = service.clone();
    let mut sentences = review_lint::document::sentences_to_embed(text);
    // A draft has tens of such sentences; a pasted book would hold the request for minutes,
    // so past this many the rules alone judge the rest.
    sentences.truncate(MAX_CLASSIFIED_SENTENCES);
    let embedded = tokio::task::spawn_blocking(move || {
        let vectors = service.embed_all(&sentences);
        vectors.map(|v| sentences.into_iter().zip(v).collect::<HashMap<_, _>>())
    })
    .await;
    let embedded = embedded
        .map_err(|error| error.to_string())
        .and_then(|vectors| vectors.map_err(|error| error.to_string()));
    embedded.unwrap_or_else(|error| {
        tracing::warn!(%error, "embedding for the blame classifier failed: rules only");
        HashMap::new()
    })
}
