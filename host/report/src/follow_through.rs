//! Whether promises are kept: every action item in the store as it stands at the window's end
//! (promises do not expire with the week they were made in), its completion rate, the age of
//! the open ones, and how many are overdue. Counts only: owners are never listed or counted,
//! since the report must not rank people.

use rhyme_store::{ActionItem, ActionStatus};
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// The age buckets of open items, in days: `[0, 7)`, `[7, 30)`, `[30, 90)`, `90+`.
pub const AGE_BUCKETS: [(&str, i64); 4] = [
    ("under 7 days", 7),
    ("7 to 29 days", 30),
    ("30 to 89 days", 90),
    ("90 days or more", i64::MAX),
];

/// Follow-through on action items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowThrough {
    /// Every item.
    pub total: usize,
    /// Items per status, in lifecycle order (`planned`, `in-progress`, `done`, `verified`,
    /// `dropped`).
    pub by_status: Vec<(String, usize)>,
    /// Done or verified, over all items but the dropped ones; `None` when there are none.
    pub completion_rate: Option<f64>,
    /// Verified, over all items but the dropped ones; `None` when there are none.
    pub verified_rate: Option<f64>,
    /// Open (planned or in progress) items by age since they were recorded, in
    /// [`AGE_BUCKETS`] order.
    pub open_by_age: Vec<(String, usize)>,
    /// The median age of open items in days; `None` when none is open.
    pub open_median_age_days: Option<f64>,
    /// Open items whose dated deadline has passed.
    pub overdue: usize,
    /// Open items with no dated deadline, which therefore can never show as overdue.
    pub open_without_deadline: usize,
}

/// Follow-through on `items` as of `now`.
pub fn follow_through(items: &[ActionItem], now: i64) -> FollowThrough {
    let count = |s: ActionStatus| items.iter().filter(|i| i.status == s).count();
    let by_status = ActionStatus::ALL
        .iter()
        .map(|&s| (s.as_str().to_string(), count(s)))
        .collect();
    let kept = items.len() - count(ActionStatus::Dropped);
    let rate = |n: usize| (kept > 0).then(|| n as f64 / kept as f64);
    let open: Vec<&ActionItem> = items.iter().filter(|i| i.status.is_open()).collect();
    let mut ages: Vec<i64> = open
        .iter()
        .map(|i| now.saturating_sub(i.created_at).max(0))
        .collect();
    ages.sort_unstable();
    let mut open_by_age = Vec::new();
    let mut lower = 0;
    for (label, upper_days) in AGE_BUCKETS {
        let upper = upper_days.saturating_mul(DAY_MS);
        let n = ages.iter().filter(|&&a| a >= lower && a < upper).count();
        open_by_age.push((label.to_string(), n));
        lower = upper;
    }
    let open_median_age_days = crate::stats::summarise(&ages)
        .median_ms
        .map(|ms| (ms as f64 / DAY_MS as f64 * 10.0).round() / 10.0);
    FollowThrough {
        total: items.len(),
        by_status,
        completion_rate: rate(count(ActionStatus::Done) + count(ActionStatus::Verified)),
        verified_rate: rate(count(ActionStatus::Verified)),
        open_by_age,
        open_median_age_days,
        overdue: items.iter().filter(|i| i.overdue_at(now)).count(),
        open_without_deadline: open.iter().filter(|i| i.written.due_at.is_none()).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_store::NewActionItem;

    fn item(status: ActionStatus, age_days: i64, due_in_days: Option<i64>) -> ActionItem {
        let now = 1_000 * DAY_MS;
        ActionItem {
            id: format!("{status}-{age_days}"),
            postmortem: "pm".into(),
            source: "proposal".into(),
            incident: None,
            service: None,
            written: NewActionItem {
                line: 1,
                text: "t".into(),
                owner: Some("ana".into()),
                due_at: due_in_days.map(|d| now + d * DAY_MS),
                ..NewActionItem::default()
            },
            status,
            status_reason: None,
            status_by: None,
            status_at: now,
            created_at: now - age_days * DAY_MS,
        }
    }

    #[test]
    fn completion_leaves_dropped_items_out_and_open_items_are_aged() {
        let items = [
            item(ActionStatus::Planned, 2, Some(-1)), // overdue
            item(ActionStatus::InProgress, 40, None), // no dated deadline
            item(ActionStatus::Done, 10, Some(-5)),   // done: never overdue
            item(ActionStatus::Verified, 100, None),
            item(ActionStatus::Dropped, 3, None),
        ];
        let f = follow_through(&items, 1_000 * DAY_MS);
        assert_eq!(f.total, 5);
        assert_eq!(f.completion_rate, Some(0.5));
        assert_eq!(f.verified_rate, Some(0.25));
        assert_eq!(f.overdue, 1);
        assert_eq!(f.open_without_deadline, 1);
        let ages: Vec<usize> = f.open_by_age.iter().map(|(_, n)| *n).collect();
        assert_eq!(ages, [1, 0, 1, 0]);
        assert_eq!(f.open_median_age_days, Some(21.0));
        // The owner is read by nothing here: the figures have no field for a person.
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("ana"), "{json}");
    }

    #[test]
    fn no_items_is_no_rate_rather_than_zero() {
        let f = follow_through(&[], 0);
        assert_eq!((f.completion_rate, f.overdue), (None, 0));
    }
}
