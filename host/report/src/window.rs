//! The window a report covers: `--since 7d` (up to now, or up to `--to`), or `--from` and
//! `--to` as RFC 3339 times with a zone. Incidents count in the window they started in.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The longest window a report may cover: a year, past which per-week tables stop being
/// readable and the store reads get long.
pub const MAX_DAYS: i64 = 366;

const DAY_MS: i64 = 86_400_000;

/// The half-open span `[from, to)` a report covers, in epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The first millisecond in the window.
    pub from: i64,
    /// The first millisecond after it.
    pub to: i64,
}

impl Window {
    /// The window named by `since` (a duration back from `to`), or by `from`; `to` defaults to
    /// `now`, and with neither `since` nor `from` the window is the last seven days. Each
    /// error names the field at fault with the given `prefix` (`--` on the command line).
    pub fn parse(
        prefix: &str,
        since: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        now: i64,
    ) -> Result<Window, Error> {
        let field = |name: &str| format!("{prefix}{name}");
        let to = match to {
            Some(text) => parse_time(&field("to"), text)?,
            None => now,
        };
        let from = match (since, from) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    field("since"),
                    format!(
                        "give either {} or {}, not both",
                        field("since"),
                        field("from")
                    ),
                ));
            }
            (Some(text), None) => to.saturating_sub(parse_duration(&field("since"), text)?),
            (None, Some(text)) => parse_time(&field("from"), text)?,
            (None, None) => to - 7 * DAY_MS,
        };
        if from >= to {
            return Err(Error::invalid(
                field("from"),
                format!("must be before {}", field("to")),
            ));
        }
        if to - from > MAX_DAYS * DAY_MS {
            return Err(Error::invalid(
                field("since"),
                format!("a report covers at most {MAX_DAYS} days"),
            ));
        }
        Ok(Window { from, to })
    }

    /// The window's length in milliseconds.
    pub fn len_ms(&self) -> i64 {
        self.to - self.from
    }

    /// The window of the same length just before this one.
    pub fn previous(&self) -> Window {
        Window {
            from: self.from - self.len_ms(),
            to: self.from,
        }
    }
}

/// A duration such as `7d`, `12h`, `2w` or `90m`, in milliseconds.
pub fn parse_duration(field: &str, text: &str) -> Result<i64, Error> {
    let bad = || {
        Error::invalid(
            field,
            "expected a duration like 7d or 12h (units m, h, d, w)",
        )
    };
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => DAY_MS,
        "w" => 7 * DAY_MS,
        _ => return Err(bad()),
    };
    match number.checked_mul(unit_ms) {
        Some(ms) if ms > 0 && ms <= MAX_DAYS * DAY_MS => Ok(ms),
        Some(0) => Err(Error::invalid(field, "must be longer than zero")),
        _ => Err(Error::invalid(
            field,
            format!("a report covers at most {MAX_DAYS} days"),
        )),
    }
}

/// An RFC 3339 time with a zone, in milliseconds; a time without a zone is refused, as
/// everywhere in Rhyme, since guessing the zone shifts the window by hours.
pub fn parse_time(field: &str, text: &str) -> Result<i64, Error> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            Error::invalid(
                field,
                format!("`{text}` is not an RFC 3339 time with a zone, like 2026-12-01T00:00:00Z"),
            )
        })
}

/// A time as RFC 3339 in UTC, to the second.
pub(crate) fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn since_counts_back_from_now() {
        let w = Window::parse("--", Some("7d"), None, None, NOW).unwrap();
        assert_eq!((w.from, w.to), (NOW - 7 * DAY_MS, NOW));
        assert_eq!(w.previous().to, w.from);
        assert_eq!(w.previous().len_ms(), w.len_ms());
    }

    #[test]
    fn from_and_to_are_rfc3339_with_a_zone() {
        let w = Window::parse(
            "--",
            None,
            Some("2026-12-01T00:00:00Z"),
            Some("2026-12-02T00:00:00+00:00"),
            NOW,
        )
        .unwrap();
        assert_eq!(w.len_ms(), DAY_MS);
        let err = Window::parse("--", None, Some("2026-12-01T00:00:00"), None, NOW).unwrap_err();
        assert!(err.to_string().starts_with("--from: "), "{err}");
    }

    #[test]
    fn errors_name_the_field() {
        for bad in ["7", "d", "7x", "", "-3d", "1.5d"] {
            let err = Window::parse("--", Some(bad), None, None, NOW).unwrap_err();
            assert_eq!(
                err.to_string(),
                "--since: expected a duration like 7d or 12h (units m, h, d, w)",
                "{bad}"
            );
        }
        let err = Window::parse("", Some("7d"), Some("2026-12-01T00:00:00Z"), None, NOW);
        assert!(err.unwrap_err().to_string().starts_with("since: "));
        assert!(Window::parse("", Some("400d"), None, None, NOW).is_err());
        assert!(Window::parse("", Some("0d"), None, None, NOW).is_err());
    }
}
