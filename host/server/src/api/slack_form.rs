//! What Slack's signed form posts share (interactivity and slash commands): the signing
//! secret checked as for the Events API, the form's fields read, and the person behind the
//! request found among the Slack users an admin mapped.

use axum::http::HeaderMap;
use rhyme_store::Principal;

use super::slack::verify;
use crate::problem::ApiError;
use crate::state::AppState;

/// The form's fields, after the signature over its bytes was checked.
pub(crate) fn signed_form(
    state: &AppState,
    route: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, ApiError> {
    let secret = state
        .slack_secret()
        .ok_or_else(|| ApiError::unconfigured(route, "Slack signing secret"))?;
    verify(secret, headers, body, state.store().now() / 1000)?;
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

/// The value of `name`, or 422 naming it.
pub(crate) fn field<'a>(form: &'a [(String, String)], name: &str) -> Result<&'a str, ApiError> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .ok_or_else(|| {
            ApiError::invalid(
                name,
                "is missing: Slack sends it in every request of this kind",
            )
        })
}

/// Who the Slack user is in Rhyme, or the words to tell them why they cannot act.
pub(crate) async fn who(state: &AppState, slack_user: &str) -> Result<Principal, String> {
    match state.store().slack_principal(slack_user).await {
        Ok(Some(principal)) => Ok(principal),
        Ok(None) => Err(format!(
            "Rhyme does not know who you are in Slack ({slack_user}), so it did nothing. \
             Ask a Rhyme admin to map you to your Rhyme token: `rhyme slack map-user {slack_user} YOUR-TOKEN-NAME`."
        )),
        Err(error) => {
            tracing::error!(%error, "looking up a Slack user");
            Err("Rhyme could not check who you are just now; nothing was done. Try again in a minute.".into())
        }
    }
}
