//! The `/v1` handlers, one file per resource.

pub mod actions;
pub mod alertmanager;
pub mod audit;
pub mod changes;
pub mod drafts;
pub mod github;
mod hub_signature;
pub mod incidents;
pub mod ingest;
pub mod lint;
pub mod me;
pub mod nudges;
pub mod ops;
pub mod plots;
pub mod proposals;
pub mod report;
pub mod seen_before;
pub mod slack;
pub mod slack_actions;
pub mod slack_commands;
mod slack_form;
pub mod slack_users;
pub mod themes;
pub mod trackers;

/// Random edits of real payloads, for the property tests of the readers of senders' bodies.
#[cfg(test)]
pub(crate) mod mutate;

/// `text` cut to at most `max` bytes at a character boundary, with "…" where it was cut.
///
/// A sender cannot shorten what it already sent, and refusing it would lose all of it (a whole
/// alert group, a Slack message that Slack then retries in vain); so an over-long summary,
/// label, description or message is cut, not refused, and the cut shows.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    const MARK: &str = "…";
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub(MARK.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MARK}", &text[..end])
}
