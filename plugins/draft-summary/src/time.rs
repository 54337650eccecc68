//! UTC clock text for drafts: `HH:MM`, or `YYYY-MM-DD HH:MM` when an incident spans days.

/// `HH:MM` in UTC.
pub(crate) fn hh_mm(at: i64) -> String {
    let minute_of_day = at.div_euclid(60).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
}

/// `YYYY-MM-DD` in UTC.
pub(crate) fn date(at: i64) -> String {
    let (y, m, d) = rhyme_core::calendar::civil_from_days(at.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `HH:MM`, with the date in front when `with_date`.
pub(crate) fn stamp(at: i64, with_date: bool) -> String {
    if with_date {
        format!("{} {}", date(at), hh_mm(at))
    } else {
        hh_mm(at)
    }
}

/// Whether times between `first` and `last` need a date to be unambiguous.
pub(crate) fn spans_days(first: i64, last: i64) -> bool {
    first.div_euclid(86_400) != last.div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_minutes_and_dates() {
        assert_eq!(hh_mm(0), "00:00");
        // 2017-02-01T00:30:59Z
        let t = 1_485_909_059;
        assert_eq!(hh_mm(t), "00:30");
        assert_eq!(date(t), "2017-02-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert!(spans_days(t - 3_600, t));
        assert!(!spans_days(t - 60, t));
    }
}
