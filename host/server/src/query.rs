//! Query strings, parsed so that a bad one is a problem document naming the parameter at
//! fault (`limit`), like a bad body field, rather than axum's `text/plain` rejection.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// The query string read as `T`; absent reads as empty.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse(parts.uri.query().unwrap_or("")).map(Params)
    }
}

/// Parses a query string (without the `?`), naming the parameter at fault on error.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let why = error.into_inner().to_string();
        // A parameter's own error carries its name as the path; one about the whole string
        // (a missing parameter) names it in the message.
        let field = if path == "." {
            "query".to_string()
        } else {
            path
        };
        ApiError::invalid(field, why)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        after: Option<i64>,
        limit: Option<u32>,
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        match parse::<Page>("after=3&limit=many").unwrap_err() {
            ApiError::Invalid { field, why } => {
                assert_eq!(field, "limit");
                assert!(why.contains("invalid digit"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn absent_parameters_read_as_none() {
        let page = parse::<Page>("").unwrap();
        assert!(page.after.is_none() && page.limit.is_none());
    }
}
