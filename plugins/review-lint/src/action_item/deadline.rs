//! Deadline: a calendar date, or a month or quarter with its year. "Soon", "next sprint" and
//! a quarter without a year cannot be checked against a calendar, so they do not count.

use crate::text::Token;

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Indices of the tokens that form dates in the item (every token of each date), so other
/// checks can tell a date's numbers from a target value.
pub(super) fn date_tokens(tokens: &[Token]) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        if numeric_date(&tokens[i].lower) {
            out.push(i);
        } else if is_month(tokens, i) {
            out.extend(named_date(tokens, i));
        } else if is_half_or_quarter(&tokens[i].lower)
            && tokens.get(i + 1).is_some_and(|t| is_year(&t.lower))
        {
            out.extend([i, i + 1]);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `2026-12-11`, `2026/12/11`, `11/12/2026`, `2026-12`, and the dotted `20.02.2027` (day,
/// month, year: a version number never ends in a four-digit year).
fn numeric_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let has_year = parts.iter().any(|p| is_year(p));
    let month_ok = parts.iter().filter(|p| !is_year(p)).all(|p| p.len() <= 2);
    let dotted_ok = !text.contains('.')
        || (parts.len() == 3
            && parts[2].len() == 4
            && is_year(parts[2])
            && !text.contains(['-', '/']));
    numeric && has_year && month_ok && (2..=3).contains(&parts.len()) && dotted_ok
}

/// The tokens of "4 Dec 2026", "January 15, 2027", "15th of January" or "March 2027"
/// around the month name at `i`; empty when the month has no day or year next to it.
fn named_date(tokens: &[Token], i: usize) -> Vec<usize> {
    let word = |j: usize| tokens.get(j).map_or("", |t| t.lower.as_str());
    let day_before = i.checked_sub(1).filter(|&j| is_day(word(j))).or_else(|| {
        (word(i.wrapping_sub(1)) == "of")
            .then(|| i.checked_sub(2))
            .flatten()
            .filter(|&j| is_day(word(j)))
    });
    let day_after = Some(i + 1).filter(|&j| is_day(word(j)));
    let year_at = |j: usize| Some(j).filter(|&j| is_year(word(j)));
    let after_day = day_after.map_or(i + 1, |d| if word(d + 1) == "," { d + 2 } else { d + 1 });
    let year = year_at(after_day);
    if day_before.is_none() && day_after.is_none() && year.is_none() {
        return Vec::new();
    }
    let first = day_before.unwrap_or(i);
    let last = year.or(day_after).unwrap_or(i);
    (first..=last).collect()
}

fn is_month(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    // "may" and "march" are also verbs; written as dates they are capitalised.
    let ambiguous = matches!(t.lower.as_str(), "may" | "march" | "mar");
    names_a_month(&t.lower) && (!ambiguous || t.text.starts_with(char::is_uppercase))
}

/// Whether a lower-case word is a month's name or its short form ("jan.", "sept").
pub(super) fn names_a_month(word: &str) -> bool {
    MONTHS.contains(&word.trim_end_matches('.'))
}

fn is_day(text: &str) -> bool {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix_ok = matches!(&text[digits.len()..], "" | "st" | "nd" | "rd" | "th");
    suffix_ok && digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)) && digits.len() <= 2
}

fn is_year(text: &str) -> bool {
    text.len() == 4
        && text
            .parse::<u32>()
            .is_ok_and(|y| (1990..=2100).contains(&y))
}

/// `Q1`, `H2`: a quarter or half, dated only when a year follows.
fn is_half_or_quarter(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('q' | 'h'))
        && chars
            .as_str()
            .parse::<u32>()
            .is_ok_and(|n| (1..=4).contains(&n))
}

#[cfg(test)]
mod tests {
    use crate::text::tokenize;

    fn dated(text: &str) -> bool {
        !super::date_tokens(&tokenize(text)).is_empty()
    }

    #[test]
    fn calendar_dates_count() {
        for text in [
            "by 2026-12-11",
            "due 4 Dec 2026",
            "by January 15, 2027",
            "end of Q1 2027",
            "in March 2027",
            "by the 3rd of May",
        ] {
            assert!(dated(text), "{text}");
        }
    }

    #[test]
    fn relative_and_yearless_timing_does_not() {
        for text in [
            "soon",
            "ASAP",
            "next sprint",
            "in Q1",
            "end of next quarter",
            "we may 2x the pool",
            "in the January audit",
            "v2.5 in 2027",
        ] {
            assert!(!dated(text), "{text}");
        }
    }
}
