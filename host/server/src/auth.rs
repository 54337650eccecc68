//! Who is calling: the bearer token in `Authorization`, looked up (hashed) in the store.
//! No token or an unknown or revoked one is 401, saying which; a role that lacks the
//! permission is 403.
//!
//! A handler that needs a permission takes [`Allowed`] (`Allowed<may::Ingest>`) rather than
//! [`Caller`]: it is checked with the headers, before the body is read, so a caller without
//! the role is told 403 whatever the body holds, not 422 about a body they may not send.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use rhyme_store::{Actor, Permission, Principal, TokenCheck};

use super::problem::{ApiError, Unauthenticated};
use super::state::AppState;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// The caller, if their role holds `permission`; 403 naming the role that does.
    pub fn require(self, permission: Permission) -> Result<Principal, ApiError> {
        self.0.require(permission).map_err(|e| match e {
            rhyme_store::Error::Forbidden { why } => ApiError::WrongRole(why),
            other => ApiError::from(other),
        })?;
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
        let secret = bearer(parts).map_err(ApiError::Unauthenticated)?;
        match state.store().check_token(secret).await? {
            TokenCheck::Active(principal) => Ok(Caller(principal)),
            TokenCheck::Revoked { .. } => {
                Err(ApiError::Unauthenticated(Unauthenticated::RevokedToken))
            }
            TokenCheck::Unknown => Err(ApiError::Unauthenticated(Unauthenticated::UnknownToken)),
        }
    }
}

/// The secret of `Authorization: Bearer SECRET`, or why there is none.
fn bearer(parts: &Parts) -> Result<&str, Unauthenticated> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or(Unauthenticated::NoToken)?
        .to_str()
        .map_err(|_| Unauthenticated::NotBearer)?;
    let value = value.trim();
    let (scheme, secret) = value.split_once(' ').unwrap_or((value, ""));
    let secret = secret.trim();
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Unauthenticated::NotBearer);
    }
    if secret.is_empty() {
        return Err(Unauthenticated::NoToken);
    }
    Ok(secret)
}

/// A permission named as a type, so that a handler states it in its signature.
pub trait Need: Send + Sync + 'static {
    /// The permission the caller's role must hold.
    const PERMISSION: Permission;
}

/// The permissions handlers ask for, as types (`Allowed<may::Ingest>`).
pub mod may {
    use super::{Need, Permission};

    /// Send incidents, events or series in.
    #[derive(Debug)]
    pub struct Ingest;
    impl Need for Ingest {
        const PERMISSION: Permission = Permission::Ingest;
    }

    /// Acknowledge or mute nudges.
    #[derive(Debug)]
    pub struct TriageNudges;
    impl Need for TriageNudges {
        const PERMISSION: Permission = Permission::TriageNudges;
    }

    /// Move action items along (planned, in progress, done); closing them is checked by the
    /// store, which knows the status asked for.
    #[derive(Debug)]
    pub struct TrackActions;
    impl Need for TrackActions {
        const PERMISSION: Permission = Permission::TrackActions;
    }

    /// Create and revoke tokens, map Slack users to them, read the audit log.
    #[derive(Debug)]
    pub struct ManageTokens;
    impl Need for ManageTokens {
        const PERMISSION: Permission = Permission::ManageTokens;
    }

    /// Approve, edit or reject proposals.
    #[derive(Debug)]
    pub struct Decide;
    impl Need for Decide {
        const PERMISSION: Permission = Permission::Decide;
    }
}

/// A caller whose role holds the permission `P`; a caller without it is refused with 403
/// before any body is read.
#[derive(Debug)]
pub struct Allowed<P> {
    who: Principal,
    need: PhantomData<P>,
}

impl<P> Allowed<P> {
    /// Who is calling.
    pub fn principal(self) -> Principal {
        self.who
    }

    /// The caller as recorded on what they do: their token's name and role.
    pub fn actor(&self) -> Actor {
        Actor::from(&self.who)
    }
}

impl<P: Need> FromRequestParts<AppState> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        Ok(Allowed {
            who: caller.require(P::PERMISSION)?,
            need: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn parts(authorization: Option<&str>) -> Parts {
        let mut request = Request::builder();
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_header_is_read_and_each_way_it_can_be_wrong_is_named() {
        assert_eq!(bearer(&parts(Some("Bearer rhyme_x"))), Ok("rhyme_x"));
        assert_eq!(bearer(&parts(Some("bearer  rhyme_x "))), Ok("rhyme_x"));
        assert_eq!(bearer(&parts(None)), Err(Unauthenticated::NoToken));
        assert_eq!(
            bearer(&parts(Some("Bearer "))),
            Err(Unauthenticated::NoToken)
        );
        assert_eq!(
            bearer(&parts(Some("Basic YW5hOnB3"))),
            Err(Unauthenticated::NotBearer)
        );
        assert_eq!(
            bearer(&parts(Some("rhyme_x"))),
            Err(Unauthenticated::NotBearer)
        );
    }
}
