//! How much the store accepts: the length of each text field, and how much may pile up under
//! one incident (points in a merged series, events in a timeline). Without them one client can
//! store a 1 MB title, or grow a series post by post until every plugin that reads it runs out
//! of memory. The field lengths are fixed; the two totals are [`Limits`], which the operator
//! may raise or lower (`rhyme.toml`'s `[server]`).
//!
//! A refusal says which field, the limit and the actual size, and nothing is written: a post
//! that would take a stored series or timeline past its total is refused whole, so what is
//! stored already is never lost or cut.

use crate::error::{Error, Result};

/// Longest id or short name (incident and event ids, series names, severity, service, actor,
/// role, kind, unit): these end up in URLs, log lines and plots.
pub const MAX_NAME: usize = 200;

/// Longest incident title: a title is a line, not a document.
pub const MAX_TITLE: usize = 1024;

/// Longest timeline event text: room for a long chat message (Slack's limit is 40,000
/// characters) or a pasted stack trace, not for a log file.
pub const MAX_EVENT_TEXT: usize = 64 * 1024;

/// Default of [`Limits::points_per_series`]: 69 days of one-minute points, or 17 of 15-second
/// ones. graph-signature, the plots and the series' JSON stay small at this size; a million
/// points took the plugin past its memory limit and made a 7.7 MB plot.
pub const DEFAULT_MAX_POINTS_PER_SERIES: usize = 100_000;

/// Default of [`Limits::events_per_incident`]: far more than a long incident's chat and
/// alerts, few enough that plugins reading the whole timeline stay within their limits.
pub const DEFAULT_MAX_EVENTS_PER_INCIDENT: usize = 100_000;

/// The totals one incident may accumulate, over every post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Points one series may hold after merging a post with what is stored.
    pub points_per_series: usize,
    /// Timeline events one incident may hold, over all batches.
    pub events_per_incident: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            points_per_series: DEFAULT_MAX_POINTS_PER_SERIES,
            events_per_incident: DEFAULT_MAX_EVENTS_PER_INCIDENT,
        }
    }
}

/// Refuses `text` as `field` when it is longer than `max` characters (Unicode scalar values),
/// saying both sizes. Characters rather than bytes: what JSON Schema's `maxLength` and every
/// client's string length count, so the OpenAPI document can state the limit exactly; a
/// character is at most 4 bytes, so the bound on memory stays.
pub(crate) fn check_len(field: &str, text: &str, max: usize) -> Result<()> {
    // No character is shorter than a byte: a text of at most `max` bytes needs no count.
    if text.len() <= max {
        return Ok(());
    }
    let length = length(text);
    if length > max {
        return Err(Error::invalid(field, too_long(length, max)));
    }
    Ok(())
}

/// The length the limits count: characters (Unicode scalar values), as JSON Schema's
/// `maxLength` counts them.
pub fn length(text: &str) -> usize {
    text.chars().count()
}

/// "is 1048576 characters long; at most 1024": the words of every length refusal.
pub fn too_long(actual: usize, max: usize) -> String {
    format!("is {actual} characters long; at most {max}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_field_the_limit_and_the_size() {
        let error = check_len("title", &"x".repeat(1025), MAX_TITLE).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid `title`: is 1025 characters long; at most 1024"
        );
        assert!(check_len("title", &"x".repeat(1024), MAX_TITLE).is_ok());
    }

    #[test]
    fn lengths_are_counted_in_characters_as_json_schema_counts_them() {
        // 1,024 characters of 3 bytes each: within the title's limit.
        assert!(check_len("title", &"€".repeat(1024), MAX_TITLE).is_ok());
        let error = check_len("title", &"€".repeat(1025), MAX_TITLE).unwrap_err();
        assert!(error.to_string().contains("1025 characters"), "{error}");
    }
}
