//! Times in requests: milliseconds since the epoch, or RFC 3339 text with a zone (`Z` or an
//! offset). A time without a zone is refused: guessing the zone of an incident's timeline is
//! how a timeline ends up an hour off.

use serde::{Deserialize, Deserializer, Serialize};

use rhyme_world::Timestamp;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};

/// The furthest from the epoch a time in milliseconds may be: 2^53 − 1, the largest integer a
/// JSON number carries exactly everywhere (JavaScript's `Number.MAX_SAFE_INTEGER`), some
/// 285,000 years. Beyond it a client's number may not be the one it meant.
pub const MAX_MILLIS: i64 = (1 << 53) - 1;

/// A point in time as a client may send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ApiTime(pub Timestamp);

impl<'de> Deserialize<'de> for ApiTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Millis(i64),
            // `1.0` is an integer to JSON Schema (and to JavaScript): a whole number written
            // with a fraction is read as the same milliseconds.
            Whole(f64),
            Text(String),
        }
        let raw = Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected milliseconds since the epoch or an RFC 3339 time with a zone",
            )
        })?;
        let millis = match raw {
            Raw::Text(text) => {
                return parse(&text).map(ApiTime).map_err(serde::de::Error::custom);
            }
            Raw::Millis(ms) => Some(ms),
            Raw::Whole(ms) => crate::body::whole::of_float(ms),
        };
        millis
            .filter(|ms| ms.abs() <= MAX_MILLIS)
            .map(ApiTime)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "expected whole milliseconds since the epoch, at most {MAX_MILLIS} either way, or an RFC 3339 time with a zone"
                ))
            })
    }
}

/// In the OpenAPI document: `oneOf` an int64 of milliseconds or an RFC 3339 `date-time` (which
/// requires the zone, as [`parse`] does).
impl utoipa::PartialSchema for ApiTime {
    fn schema() -> RefOr<Schema> {
        let millis = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(-MAX_MILLIS))
            .maximum(Some(MAX_MILLIS))
            .description(Some(
                "milliseconds since the Unix epoch, at most 2^53 - 1 either way",
            ));
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some(
                "RFC 3339 with a zone (`Z` or an offset such as `+02:00`)",
            ));
        OneOfBuilder::new()
            .item(millis)
            .item(text)
            .description(Some(
                "A time: milliseconds since the epoch, or RFC 3339 text with a zone",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ApiTime {
    fn name() -> std::borrow::Cow<'static, str> {
        "Time".into()
    }
}

/// Parses RFC 3339 text with a zone into milliseconds since the epoch.
pub fn parse(text: &str) -> Result<Timestamp, String> {
    match chrono::DateTime::parse_from_rfc3339(text.trim()) {
        Ok(time) => Ok(time.timestamp_millis()),
        Err(_)
            if chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S%.f")
                .is_ok() =>
        {
            Err(format!(
                "`{text}` has no time zone; add `Z` or an offset such as `+02:00`"
            ))
        }
        Err(e) => Err(format!("`{text}` is not an RFC 3339 time ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_required() {
        assert_eq!(parse("1970-01-01T00:00:01Z"), Ok(1000));
        assert_eq!(parse("1970-01-01T01:00:01+01:00"), Ok(1000));
        assert!(
            parse("1970-01-01T00:00:01")
                .unwrap_err()
                .contains("no time zone")
        );
        assert!(parse("yesterday").is_err());
    }

    #[test]
    fn millis_and_text_both_read() {
        let t: ApiTime = serde_json::from_str("1500").unwrap();
        assert_eq!(t.0, 1500);
        let t: ApiTime = serde_json::from_str("\"1970-01-01T00:00:02Z\"").unwrap();
        assert_eq!(t.0, 2000);
        let t: ApiTime = serde_json::from_str("-1500.0").unwrap();
        assert_eq!(t.0, -1500, "a whole number written with a fraction");
        assert!(serde_json::from_str::<ApiTime>("1500.5").is_err());
        // serde_json reads this one as …247.5; it is still the whole number written.
        let t: ApiTime = serde_json::from_str("-2251799813685247.0").unwrap();
        assert!((t.0 + 2_251_799_813_685_247).abs() <= 1, "{}", t.0);
        let t: ApiTime = serde_json::from_str("1700000000000.0").unwrap();
        assert_eq!(t.0, 1_700_000_000_000);
        let t: ApiTime = serde_json::from_str("9007199254740991").unwrap();
        assert_eq!(t.0, MAX_MILLIS);
        for far in [
            "9007199254740992",
            "-9007199254740992",
            "-9223372036854775809",
            "1e300",
        ] {
            assert!(serde_json::from_str::<ApiTime>(far).is_err(), "{far}");
        }
    }
}
