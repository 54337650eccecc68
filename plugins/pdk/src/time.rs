//! Time and text helpers every plugin ends up needing.

use crate::types::Timestamp;

/// Milliseconds in one minute of incident time.
pub const MINUTE_MS: Timestamp = 60_000;

/// Whole minutes between two timestamps (negative when `later` is earlier).
pub fn minutes_between(earlier: Timestamp, later: Timestamp) -> i64 {
    (later - earlier) / MINUTE_MS
}

/// `HH:MM` in UTC, the minute resolution timelines use.
pub fn hh_mm(at: Timestamp) -> String {
    let minutes_of_day = at.div_euclid(MINUTE_MS).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60)
}

/// `text` cut to at most `max` characters, with `…` marking a cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minutes_in_utc() {
        assert_eq!(hh_mm(0), "00:00");
        assert_eq!(hh_mm(13 * 3_600_000 + 42 * MINUTE_MS + 59_000), "13:42");
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 10), "héllo");
        assert_eq!(truncate_chars("héllo wörld", 5), "héll…");
        assert_eq!(truncate_chars("héllo wörld", 5).chars().count(), 5);
    }
}
