//! Days since the Unix epoch to a calendar date, with no date library: the store and the
//! evaluation code both print times this way, and chrono's range checks would make a total
//! function partial.

/// Days since 1970-01-01 to a proleptic Gregorian `(year, month, day)`, for any `days`
/// (Howard Hinnant's `civil_from_days`).
///
/// ```
/// assert_eq!(rhyme_core::calendar::civil_from_days(0), (1970, 1, 1));
/// assert_eq!(rhyme_core::calendar::civil_from_days(19_783), (2024, 3, 1));
/// assert_eq!(rhyme_core::calendar::civil_from_days(-1), (1969, 12, 31));
/// ```
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both fit: day is 1..=31 and month 1..=12 for every input.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}
