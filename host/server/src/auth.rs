//! Who is calling: the bearer token in `Authorization`, looked up (hashed) in the store.
//! No token or an unknown or revoked one is 401; a role that lacks the permission is 403.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use rhyme_store::{Actor, Permission, Principal};

use super::problem::ApiError;
use super::state::AppState;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// The caller, if their role holds `permission`.
    pub fn require(self, permission: Permission) -> Result<Principal, ApiError> {
        self.0.require(permission).map_err(ApiError::from)?;
        Ok(self.0)
    }

    /// The caller as recorded on what they do: their token's name and role.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.0)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError::Unauthenticated)?;
        match state.store().verify_token(secret).await? {
            Some(principal) => Ok(Caller(principal)),
            None => Err(ApiError::Unauthenticated),
        }
    }
}
