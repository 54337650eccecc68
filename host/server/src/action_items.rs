//! The action items of a postmortem's text as the store keeps them, read by the review lint:
//! the same lines and the same five elements a reviewer sees flagged on the review page.

use std::sync::Arc;

use review_lint::action_item::{self, Day, Element};
use rhyme_store::{ActionItemReader, NewActionItem};

/// The items of `text` (a postmortem, Markdown or plain), each with its elements and what it
/// lacks; an item missing elements is kept, flagged.
///
/// ```
/// let items = rhyme_server::action_items::read(
///     "## Action items\n- Ana Souza to add a disk alert at 80% (OPS-7), due 2027-01-15\n- Look into it\n",
/// );
/// assert_eq!(items.len(), 2);
/// assert_eq!(items[0].ticket.as_deref(), Some("OPS-7"));
/// assert_eq!(items[1].missing, ["owner", "verb", "outcome", "ticket", "deadline"]);
/// ```
pub fn read(text: &str) -> Vec<NewActionItem> {
    review_lint::document::action_items(text)
        .into_iter()
        .map(|(line, item)| {
            let read = action_item::read(&item);
            NewActionItem {
                line: line as i64,
                missing: Element::ALL
                    .into_iter()
                    .filter(|e| !read.check.has(*e))
                    .map(|e| e.name().to_string())
                    .collect(),
                text: read.text,
                owner: read.owner,
                verb: read.verb,
                ticket: read.ticket,
                deadline: read.deadline,
                due_at: read.due.map(end_of_day),
            }
        })
        .collect()
}

/// [`read`], as the gate takes it.
pub fn reader() -> ActionItemReader {
    ActionItemReader(Arc::new(read))
}

/// The last millisecond of `day`, UTC.
fn end_of_day(day: Day) -> i64 {
    (days_from_civil(day.year, day.month, day.day) + 1) * 86_400_000 - 1
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_day_ends_at_its_last_millisecond_utc() {
        let day = |year, month, day| Day { year, month, day };
        assert_eq!(end_of_day(day(1970, 1, 1)), 86_399_999);
        // 2027-01-15T23:59:59.999Z
        assert_eq!(end_of_day(day(2027, 1, 15)), 1_800_057_599_999);
        assert_eq!(end_of_day(day(2024, 2, 29)) + 1, 1_709_251_200_000);
    }
}
