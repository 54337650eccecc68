//! Who the token belongs to, so a page can say "signed in as ana (reviewer)". What the role
//! may do is still decided by each route, never by the caller.

use axum::Json;
use rhyme_store::Principal;

use crate::auth::Caller;

/// Who the bearer token belongs to: the token's name and role.
#[utoipa::path(get, path = "/v1/me", responses((status = 200, body = Object), (status = 401)), security(("bearer" = [])))]
pub async fn me(caller: Caller) -> Json<Principal> {
    Json(caller.0)
}
