//! Times in requests: milliseconds since the epoch, or RFC 3339 text with a zone (`Z` or an
//! offset). A time without a zone is refused: guessing the zone of an incident's timeline is
//! how a timeline ends up an hour off.

use serde::{Deserialize, Deserializer, Serialize};

use rhyme_world::Timestamp;

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
            Text(String),
        }
        let raw = Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected milliseconds since the epoch or an RFC 3339 time with a zone",
            )
        })?;
        match raw {
            Raw::Millis(ms) => Ok(ApiTime(ms)),
            Raw::Text(text) => parse(&text).map(ApiTime).map_err(serde::de::Error::custom),
        }
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
    }
}
