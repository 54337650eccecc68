//! Plain-words pieces for magnitudes: durations, numbers and percentages.

/// A duration in seconds as a short phrase: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
pub(crate) fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..=89 => format!("{s} s"),
        90..=5399 => format!("{} min", (s + 30) / 60),
        5400..=172_799 => {
            let minutes = (s + 30) / 60;
            let (h, m) = (minutes / 60, minutes % 60);
            if m == 0 || h >= 10 {
                format!("{h} h")
            } else {
                format!("{h} h {m} min")
            }
        }
        _ => {
            let hours = (s + 1800) / 3600;
            let (d, h) = (hours / 24, hours % 24);
            if h == 0 {
                format!("{d} d")
            } else {
                format!("{d} d {h} h")
            }
        }
    }
}

/// A value with about three significant digits, without noise like `12.000000001`.
pub(crate) fn number(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e6).contains(&a) {
        format!("{x:.2e}")
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A relative change as a whole percentage, e.g. `92%`.
pub(crate) fn percent(fraction: f64) -> String {
    format!("{:.0}%", (fraction * 100.0).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45.0), "45 s");
        assert_eq!(duration(120.0), "2 min");
        assert_eq!(duration(12_000.0), "3 h 20 min");
        assert_eq!(duration(7200.0), "2 h");
        assert_eq!(duration(3.0 * 86_400.0 + 4.0 * 3600.0), "3 d 4 h");
    }

    #[test]
    fn numbers_keep_about_three_digits() {
        assert_eq!(number(99.7123), "99.7");
        assert_eq!(number(0.1634), "0.163");
        assert_eq!(number(12_345.0), "12345");
        assert_eq!(number(2.5e8), "2.50e8");
        assert_eq!(percent(-0.917), "92%");
    }
}
