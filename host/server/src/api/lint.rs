//! The review lint over any text: the same pass every draft gets from the drafting plugin,
//! run again on the words a reviewer is about to approve (edits included).

use axum::Json;
use review_lint::document::LintNote;
use rhyme_store::limits::{length, too_long};
use rhyme_store::{MAX_TEXT, Permission};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::body::Body;
use crate::problem::ApiError;

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
    Ok(Json(review_lint::document::lint(&input.text)))
}
