//! The deadline's date: the tokens [`super::deadline::date_tokens`] found, read as the last
//! calendar day they cover (`March 2027` is due by 31 March, `Q1 2027` by 31 March), so that
//! an item can be called overdue. A date without a year, or one whose day and month could be
//! read either way (`03/04/2027`), has no due day: it stays a deadline as written.

use serde::{Deserialize, Serialize};

use crate::text::Token;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Day {
    /// The year, such as 2027.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
}

/// The first date in the item: its words as written, and the last day it covers when known.
pub(super) fn first_date(tokens: &[Token], dates: &[usize]) -> Option<(String, Option<Day>)> {
    let first = *dates.first()?;
    let mut last = first;
    while dates.contains(&(last + 1)) {
        last += 1;
    }
    let span = &tokens[first..=last];
    let text = span
        .iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",");
    Some((text, read(span)))
}

fn read(span: &[Token]) -> Option<Day> {
    let words: Vec<&str> = span
        .iter()
        .filter(|t| t.is_word)
        .map(|t| t.lower.as_str())
        .collect();
    if let [single] = words.as_slice() {
        return numeric(single);
    }
    if let [period, year] = words.as_slice()
        && let Some(n) = period[1..].parse::<u32>().ok()
    {
        let year = year.parse().ok()?;
        let months_per = if period.starts_with('q') { 3 } else { 6 };
        return end_of_month(year, n * months_per);
    }
    named(&words)
}

/// `2027-03-12`, `2027/03/12`, `12/03/2027` (day first only when unambiguous), `2027-03`.
fn numeric(text: &str) -> Option<Day> {
    let parts: Vec<u32> = text
        .split(['-', '/'])
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match parts.as_slice() {
        [y, m] if *y > 31 => end_of_month(*y as i32, *m),
        [y, m, d] if *y > 31 => day(*y as i32, *m, *d),
        [a, b, y] if *y > 31 && a != b && *a <= 12 && *b <= 12 => None,
        [a, b, y] if *y > 31 && *a > 12 => day(*y as i32, *b, *a),
        [a, b, y] if *y > 31 => day(*y as i32, *a, *b),
        _ => None,
    }
}

/// "4 Dec 2026", "January 15, 2027", "15th of January 2027", "March 2027".
fn named(words: &[&str]) -> Option<Day> {
    let month = words.iter().find_map(|w| month_number(w))?;
    let year = words
        .iter()
        .find(|w| w.len() == 4 && w.parse::<u32>().is_ok())?
        .parse()
        .ok()?;
    let day_of_month = words.iter().find_map(|w| {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        (digits.len() <= 2)
            .then(|| digits.parse::<u32>().ok())
            .flatten()
    });
    match day_of_month {
        Some(d) => day(year, month, d),
        None => end_of_month(year, month),
    }
}

fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let word = word.trim_end_matches('.');
    (word.len() >= 3)
        .then(|| NAMES.iter().position(|n| word.starts_with(n)))
        .flatten()
        .map(|i| i as u32 + 1)
}

fn day(year: i32, month: u32, day: u32) -> Option<Day> {
    (day >= 1 && day <= days_in(year, month)?).then_some(Day { year, month, day })
}

fn end_of_month(year: i32, month: u32) -> Option<Day> {
    Some(Day {
        year,
        month,
        day: days_in(year, month)?,
    })
}

fn days_in(year: i32, month: u32) -> Option<u32> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn due(text: &str) -> Option<(String, Option<Day>)> {
        let tokens = tokenize(text);
        first_date(&tokens, &super::super::deadline::date_tokens(&tokens))
    }

    fn d(year: i32, month: u32, day: u32) -> Option<Day> {
        Some(Day { year, month, day })
    }

    #[test]
    fn dates_are_read_as_the_last_day_they_cover() {
        for (text, words, day) in [
            ("by 2027-03-12.", "2027-03-12", d(2027, 3, 12)),
            ("due 4 Dec 2026", "4 Dec 2026", d(2026, 12, 4)),
            ("by January 15, 2027", "January 15, 2027", d(2027, 1, 15)),
            ("end of Q1 2027", "Q1 2027", d(2027, 3, 31)),
            ("in February 2028", "February 2028", d(2028, 2, 29)),
            ("by 25/12/2026", "25/12/2026", d(2026, 12, 25)),
        ] {
            assert_eq!(due(text), Some((words.to_string(), day)), "{text}");
        }
    }

    #[test]
    fn ambiguous_or_yearless_dates_have_no_due_day() {
        assert_eq!(due("by 03/04/2027").unwrap().1, None);
        assert_eq!(due("by the 3rd of May").unwrap().1, None);
        assert_eq!(due("soon"), None);
    }
}
