//! Request bodies: JSON only, parsed so that an error names the field at fault
//! (`events[3].at`) rather than a byte offset. An empty body reads as `{}`, so actions
//! without parameters (approve) need none.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// The most bytes a request body may have.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// A JSON body of type `T`.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        let has_body = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_none_or(|v| v != "0");
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge { limit: MAX_BODY }
                } else {
                    ApiError::Malformed("the request body could not be read".into())
                }
            })?;
        if bytes.is_empty() {
            return parse(b"{}").map(Body);
        }
        if !is_json && has_body {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse(&bytes).map(Body)
    }
}

/// Parses `bytes`, naming the field at fault on error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." {
                    "body".to_string()
                } else {
                    path
                };
                ApiError::invalid(field, without_position(&inner))
            }
            _ => ApiError::Malformed(format!("the body is not valid JSON: {inner}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::Malformed(format!("the body is not valid JSON: {e}")))?;
    Ok(value)
}

/// Whole numbers in bodies. To JSON Schema (and to JavaScript) `2.0` is the same integer as `2`,
/// so an integer field takes either spelling; a fraction, or a number past what a float spells
/// exactly (2^53), is refused. Use with `#[serde(default, deserialize_with = "...")]`.
pub mod whole {
    use serde::{Deserialize, Deserializer, de::Error};

    /// The largest whole number read from a float: past it floats skip integers.
    const EXACT: f64 = 9_007_199_254_740_992.0;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
    }

    /// The whole number a JSON float spells, if it spells one within ±2^53. serde_json reads
    /// a float to within one unit in the last place, so `-2251799813685247.0` may arrive as
    /// `…247.5`: a value that close to a whole number is that number (at this size a fraction
    /// cannot be told from the reading's error anyway; for everyday sizes the tolerance is far
    /// below any fraction a client writes).
    pub fn of_float(f: f64) -> Option<i64> {
        let whole = f.round();
        let tolerance = f.abs() * f64::EPSILON;
        (f.is_finite() && whole.abs() <= EXACT && (f - whole).abs() <= tolerance)
            .then_some(whole as i64)
    }

    /// An optional `i64`, `2` or `2.0`.
    pub fn option_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<Raw>::deserialize(d).map_err(|_| D::Error::custom(EXPECTED))? {
            None => Ok(None),
            Some(Raw::Int(n)) => Ok(Some(n)),
            Some(Raw::Float(f)) => of_float(f)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("{f} is not a whole number"))),
        }
    }

    /// An optional count, `0` to `i64::MAX`, `2` or `2.0`.
    pub fn option_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        match option_i64(d)? {
            Some(n) if n < 0 => Err(D::Error::custom(format!("{n} is below 0"))),
            n => Ok(n.map(|n| n as u64)),
        }
    }

    const EXPECTED: &str = "expected a whole number (at most 2^63 - 1)";
}

/// serde_json's message without its " at line 1 column 42": the field path says where.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Batch {
        events: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        at: i64,
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let error =
            parse::<Batch>(br#"{"events": [{"id": "a", "at": 1}, {"id": "b", "at": "soon"}]}"#)
                .unwrap_err();
        match error {
            ApiError::Invalid { field, why } => {
                assert_eq!(field, "events[1].at");
                assert!(why.contains("invalid type"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_field_names_its_parent() {
        let error = parse::<Batch>(br#"{"events": [{"id": "a"}]}"#).unwrap_err();
        assert!(
            matches!(&error, ApiError::Invalid { field, why } if field == "events[0]" && why.contains("`at`")),
            "{error:?}"
        );
    }

    #[test]
    fn broken_json_is_malformed() {
        assert!(matches!(
            parse::<Batch>(br#"{"events": ["#),
            Err(ApiError::Malformed(_))
        ));
    }
}
