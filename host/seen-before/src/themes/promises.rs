//! The action items promised after each incident of a recurring group, and where each stands:
//! the [`ThemeNotes`] the store's items make ("the renewal alert promised after the first two
//! is still planned").
//!
//! A member's items are those kept under its id (read from the write-up when `rhyme corpus
//! import` brought it in) or under the incident it names (front matter `incident:`; kept when
//! that incident's postmortem draft was approved). An item is shown once, under the first
//! member it belongs to.

use std::collections::HashSet;

use rhyme_store::{ActionFilter, ActionItem, ActionStatus, Store, Timestamp};

use super::{Member, ThemeNotes};

/// Items listed per group; the rest are counted.
const MAX_LISTED: usize = 6;

/// Characters of an item's text shown.
const ITEM_CHARS: usize = 120;

/// The store's action items at one moment, ready to be matched to postmortems.
#[derive(Debug, Clone, Default)]
pub struct Promises {
    items: Vec<ActionItem>,
    now: Timestamp,
}

impl Promises {
    /// `items` as they stood at `now` (epoch milliseconds; what "overdue" is measured against).
    pub fn new(items: Vec<ActionItem>, now: Timestamp) -> Promises {
        Promises { items, now }
    }

    /// Every item the store keeps, as of the store's clock.
    pub async fn load(store: &Store) -> rhyme_store::Result<Promises> {
        let items = store.action_items(&ActionFilter::default()).await?;
        Ok(Promises::new(items, store.now()))
    }

    /// The items promised after `member`'s incident, in the order they were written.
    pub fn of(&self, member: &Member) -> Vec<&ActionItem> {
        let mut found: Vec<&ActionItem> = self
            .items
            .iter()
            .filter(|item| {
                item.postmortem == member.id
                    || (member.incident.is_some() && item.incident == member.incident)
            })
            .collect();
        found.sort_by_key(|a| (a.created_at, a.written.line));
        found
    }

    /// The promises made last time: the latest of `members` (oldest first) with items, and
    /// its items.
    pub fn last_time<'a>(
        &'a self,
        members: &'a [Member],
    ) -> Option<(&'a Member, Vec<&'a ActionItem>)> {
        members
            .iter()
            .rev()
            .map(|m| (m, self.of(m)))
            .find(|(_, items)| !items.is_empty())
    }

    /// One item as a line: its text (cut) and where it stands, e.g.
    /// `"Alert 30 days before a certificate expires (OPS-31)": still planned, overdue since 2024-01-31`.
    pub fn item_line(&self, item: &ActionItem) -> String {
        format!(
            "\"{}\": {}",
            cut(&item.written.text, ITEM_CHARS),
            self.standing(item)
        )
    }

    /// Where an item stands, in words: `still planned`, `in progress`, `done, not yet
    /// verified`, `verified`, `dropped (why)`; an open one past its deadline says since when.
    pub fn standing(&self, item: &ActionItem) -> String {
        let mut words = match item.status {
            ActionStatus::Planned => "still planned".to_string(),
            ActionStatus::InProgress => "in progress".to_string(),
            ActionStatus::Done => "done, not yet verified".to_string(),
            ActionStatus::Verified => "verified".to_string(),
            ActionStatus::Dropped => match item.status_reason.as_deref() {
                Some(why) if !why.trim().is_empty() => format!("dropped ({})", cut(why, 80)),
                _ => "dropped".to_string(),
            },
        };
        if item.overdue_at(self.now)
            && let Some(day) = item.written.due_at.and_then(day)
        {
            words.push_str(&format!(", overdue since {day}"));
        }
        words
    }

    /// How many of `items` are open, overdue, done, verified and dropped, in words:
    /// `2 still open (1 overdue), 1 verified`.
    pub fn tally(&self, items: &[&ActionItem]) -> String {
        let count = |s: ActionStatus| items.iter().filter(|i| i.status == s).count();
        let open = items.iter().filter(|i| i.status.is_open()).count();
        let overdue = items.iter().filter(|i| i.overdue_at(self.now)).count();
        let mut parts = Vec::new();
        if open > 0 {
            let late = if overdue > 0 {
                format!(" ({overdue} overdue)")
            } else {
                String::new()
            };
            parts.push(format!("{open} still open{late}"));
        }
        for status in [
            ActionStatus::Done,
            ActionStatus::Verified,
            ActionStatus::Dropped,
        ] {
            let n = count(status);
            if n > 0 {
                parts.push(format!("{n} {}", status.as_str()));
            }
        }
        parts.join(", ")
    }
}

impl ThemeNotes for Promises {
    /// A count of the group's promises and where they stand, then each promise after the
    /// member it was made after (oldest first); nothing when no member has any.
    fn notes(&self, members: &[Member]) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut per_member: Vec<(&Member, Vec<&ActionItem>)> = Vec::new();
        for member in members {
            let items: Vec<&ActionItem> = self
                .of(member)
                .into_iter()
                .filter(|i| seen.insert(i.id.as_str()))
                .collect();
            if !items.is_empty() {
                per_member.push((member, items));
            }
        }
        if per_member.is_empty() {
            return Vec::new();
        }
        let all: Vec<&ActionItem> = per_member.iter().flat_map(|(_, i)| i).copied().collect();
        let mut notes = vec![format!(
            "{} action item{} promised after {} of these {} incidents: {}",
            all.len(),
            if all.len() == 1 { "" } else { "s" },
            per_member.len(),
            members.len(),
            self.tally(&all)
        )];
        for (member, items) in &per_member {
            let after = member.date.as_deref().unwrap_or(&member.id);
            for item in items {
                if notes.len() > MAX_LISTED {
                    break;
                }
                notes.push(format!("after {after}: {}", self.item_line(item)));
            }
        }
        let listed = notes.len() - 1;
        if listed < all.len() {
            notes.push(format!(
                "… and {} more (rhyme actions list --postmortem ID)",
                all.len() - listed
            ));
        }
        notes
    }
}

/// `YYYY-MM-DD` of an epoch-millisecond instant, UTC.
fn day(at: Timestamp) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(at).map(|d| d.format("%Y-%m-%d").to_string())
}

/// `text` trimmed and cut to at most `max` characters, an ellipsis marking a cut.
pub fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_store::NewActionItem;

    const DAY_MS: i64 = 86_400_000;

    fn member(id: &str, date: &str, incident: Option<&str>) -> Member {
        Member {
            id: id.into(),
            title: format!("title of {id}"),
            date: Some(date.into()),
            company: None,
            incident: incident.map(str::to_string),
        }
    }

    fn item(
        id: &str,
        postmortem: &str,
        incident: Option<&str>,
        text: &str,
        status: ActionStatus,
    ) -> ActionItem {
        ActionItem {
            id: id.into(),
            postmortem: postmortem.into(),
            source: "import".into(),
            incident: incident.map(str::to_string),
            service: None,
            written: NewActionItem {
                line: 1,
                text: text.into(),
                ..NewActionItem::default()
            },
            status,
            status_reason: None,
            status_by: None,
            status_at: 0,
            created_at: 0,
        }
    }

    #[test]
    fn each_promise_under_the_incident_it_followed_with_where_it_stands() {
        let mut alert = item(
            "a1",
            "pm-1",
            None,
            "Alert a month before a certificate expires",
            ActionStatus::Planned,
        );
        // Due 2024-01-31 (its last millisecond), looked at in March 2024.
        alert.written.due_at = Some(19_754 * DAY_MS - 1);
        let mut chain = item(
            "a2",
            "proposal-9",
            Some("inc-2"),
            "Check every certificate of the chain",
            ActionStatus::Verified,
        );
        chain.written.line = 2;
        let promises = Promises::new(
            vec![
                alert,
                chain,
                item("a3", "other", None, "unrelated", ActionStatus::Planned),
            ],
            19_800 * DAY_MS,
        );
        let members = [
            member("pm-1", "2023-07-11", None),
            member("pm-2", "2024-09-30", Some("inc-2")),
            member("pm-3", "2025-01-02", None),
        ];
        assert_eq!(
            promises.notes(&members),
            [
                "2 action items promised after 2 of these 3 incidents: 1 still open (1 overdue), 1 verified",
                "after 2023-07-11: \"Alert a month before a certificate expires\": still planned, overdue since 2024-01-31",
                "after 2024-09-30: \"Check every certificate of the chain\": verified",
            ]
        );
        let (last, items) = promises.last_time(&members).unwrap();
        assert_eq!((last.id.as_str(), items.len()), ("pm-2", 1));
        assert!(Promises::default().notes(&members).is_empty());
    }

    #[test]
    fn a_long_list_is_cut_and_counted() {
        let items: Vec<ActionItem> = (0..9)
            .map(|i| {
                let mut it = item(
                    &format!("a{i}"),
                    "pm-1",
                    None,
                    &format!("item {i}"),
                    ActionStatus::Dropped,
                );
                it.written.line = i;
                it
            })
            .collect();
        let notes = Promises::new(items, 0).notes(&[
            member("pm-1", "2023-07-11", None),
            member("pm-2", "2024-01-01", None),
        ]);
        assert_eq!(notes.len(), 1 + MAX_LISTED + 1, "{notes:?}");
        assert_eq!(notes[1], "after 2023-07-11: \"item 0\": dropped");
        assert_eq!(
            notes.last().unwrap(),
            "… and 3 more (rhyme actions list --postmortem ID)"
        );
    }
}
