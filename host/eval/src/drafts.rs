//! Drafted status updates against the ones responders really posted.
//!
//! The timelines hold the status updates people wrote. `rhyme eval drafts` drafts one at the
//! moment each real update was posted, from the events before it only, and this module
//! compares the two, part by part:
//!
//! - **affected**: how much of what the real update says is affected (its condition) the
//!   draft's Condition carries, as the share of the real condition's content words found there;
//! - **since**: where the real update says since when ("since 13:00"), whether the draft names
//!   the same minute (within 10 minutes);
//! - **done**: where the real update says what is being done (`Action:`), the share of its
//!   content words in the draft's Action;
//! - **next update**: where the real update promises one, whether the draft does, and how many
//!   minutes apart the two promises are;
//! - what the real update never needed: Condition lines that share no content word with it,
//!   and hypotheses reported as impact (a Condition line that hedges: "probably", "suspect").
//!
//! Word overlap is a coarse judge: it credits a draft that uses the responders' words and
//! misses a paraphrase. It is a first measurement, not a grade.
//!
//! ```
//! use rhyme_eval::drafts::compare;
//!
//! let real = "Condition: checkout failing for EU cards since 09:10. Action: rolling back. Next update: 09:45 UTC.";
//! let draft = "**Condition**\n- Since 09:12 UTC: checkout failing for EU cards [#1]\n\n**Action**\n- rolling back the release [#4]\n\n**Next update: 09:40 UTC**\n";
//! let c = compare(real, draft);
//! assert_eq!(c.since, Some(true));
//! assert_eq!(c.next_update_minutes_apart, Some(5));
//! assert!(c.affected.unwrap() > 0.9);
//! ```

use std::collections::BTreeSet;

use serde::Serialize;

/// How a draft compares with one real update.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Share of the real condition's content words in the draft's Condition; `None` when the
    /// real update states no condition.
    pub affected: Option<f64>,
    /// Whether the draft names the real update's "since" time; `None` when it states none.
    pub since: Option<bool>,
    /// Share of the real action's content words in the draft's Action; `None` when the real
    /// update has no `Action:` part.
    pub done: Option<f64>,
    /// Minutes between the two next-update promises; `None` when the real update makes none
    /// or the draft makes none (see [`Comparison::draft_promises_update`]).
    pub next_update_minutes_apart: Option<i64>,
    /// Whether the real update promises a next update.
    pub real_promises_update: bool,
    /// Whether the draft promises a next update.
    pub draft_promises_update: bool,
    /// Lines under the draft's Condition.
    pub condition_lines: usize,
    /// Condition lines that share no content word with the real update.
    pub unneeded_condition_lines: usize,
    /// Condition lines that hedge: a hypothesis reported as impact.
    pub hypotheses_as_impact: usize,
}

/// Compares a drafted status update (the drafting plugin's Markdown) with a real one.
pub fn compare(real: &str, draft: &str) -> Comparison {
    let real_parts = RealUpdate::read(real);
    let draft_parts = DraftUpdate::read(draft);
    let real_words = content_words(real);
    let condition_words: BTreeSet<String> = draft_parts
        .condition
        .iter()
        .flat_map(|l| content_words(l))
        .collect();
    let action_words: BTreeSet<String> = draft_parts
        .action
        .iter()
        .flat_map(|l| content_words(l))
        .collect();
    let real_next = real_parts.next_update.and_then(minute_of_day);
    let draft_next = draft_parts.next_update.as_deref().and_then(minute_of_day);
    Comparison {
        affected: share_found(&real_parts.condition, &condition_words),
        since: real_parts
            .since
            .and_then(minute_of_day)
            .map(|since| draft_parts.times().any(|t| minutes_apart(t, since) <= 10)),
        done: real_parts
            .action
            .as_deref()
            .and_then(|a| share_found(a, &action_words)),
        next_update_minutes_apart: real_next.zip(draft_next).map(|(a, b)| minutes_apart(a, b)),
        real_promises_update: real_next.is_some(),
        draft_promises_update: draft_next.is_some(),
        condition_lines: draft_parts.condition.len(),
        unneeded_condition_lines: draft_parts
            .condition
            .iter()
            .filter(|l| content_words(l).is_disjoint(&real_words))
            .count(),
        hypotheses_as_impact: draft_parts.condition.iter().filter(|l| hedges(l)).count(),
    }
}

/// The parts of a real update: `Condition: … Action: … Next update: …` where labelled, else
/// the whole text as the condition.
struct RealUpdate<'a> {
    condition: String,
    action: Option<String>,
    since: Option<&'a str>,
    next_update: Option<&'a str>,
}

impl<'a> RealUpdate<'a> {
    fn read(text: &'a str) -> Self {
        // ASCII lower case keeps byte offsets, so positions found in `lower` cut `text`.
        let lower = text.to_ascii_lowercase();
        let label = |name: &str| lower.find(name).map(|at| at + name.len());
        let next_at = ["next update", "next"].iter().find_map(|l| lower.rfind(l));
        let until_label = |from: usize| {
            ["action:", "need:", "next update", "next "]
                .iter()
                .filter_map(|l| lower[from..].find(l).map(|p| from + p))
                .min()
                .unwrap_or(lower.len())
        };
        let condition = match label("condition:") {
            Some(from) => text[from..until_label(from)].to_string(),
            None => text[..next_at.unwrap_or(text.len())].to_string(),
        };
        let action = label("action:").map(|from| text[from..until_label(from)].to_string());
        RealUpdate {
            condition,
            action,
            since: label("since").map(|from| &text[from..]),
            next_update: next_at.map(|at| &text[at..]),
        }
    }
}

/// The sections of a drafted status update.
struct DraftUpdate {
    condition: Vec<String>,
    action: Vec<String>,
    next_update: Option<String>,
}

impl DraftUpdate {
    fn read(body: &str) -> Self {
        let mut draft = DraftUpdate {
            condition: Vec::new(),
            action: Vec::new(),
            next_update: None,
        };
        let mut section = "";
        for line in body.lines().map(str::trim) {
            if let Some(heading) = line.strip_prefix("**").and_then(|l| l.strip_suffix("**")) {
                if let Some(time) = heading.strip_prefix("Next update:") {
                    draft.next_update = Some(time.trim().to_string());
                }
                section = heading;
                continue;
            }
            let Some(statement) = line.strip_prefix("- ") else {
                continue;
            };
            let statement = without_citations(statement);
            match section {
                "Condition" => draft.condition.push(statement),
                "Action" => draft.action.push(statement),
                _ => {}
            }
        }
        draft
    }

    /// Every clock time the Condition names ("Since 09:12 UTC: …").
    fn times(&self) -> impl Iterator<Item = u32> + '_ {
        self.condition.iter().flat_map(|l| clock_times(l))
    }
}

fn without_citations(line: &str) -> String {
    line.split(" [#").next().unwrap_or(line).to_string()
}

/// Words that carry content: lower case, two letters or more, not a function word, with a
/// plural or verb ending taken off so "payments" meets "payment".
fn content_words(text: &str) -> BTreeSet<String> {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "was",
        "were", "be", "been", "by", "at", "as", "it", "its", "this", "that", "we", "our", "us",
        "from", "up", "some", "all", "no", "not", "nothing", "now", "still", "since", "next",
        "update", "utc", "about", "more", "than", "into", "out", "being", "has", "have", "will",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !FUNCTION_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

fn stem(word: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| s.chars().count() >= 3) {
            return stem.to_string();
        }
    }
    word.to_string()
}

/// Share of `text`'s content words found in `words`; `None` when `text` has none.
fn share_found(text: &str, words: &BTreeSet<String>) -> Option<f64> {
    let wanted = content_words(text);
    (!wanted.is_empty()).then(|| wanted.intersection(words).count() as f64 / wanted.len() as f64)
}

fn hedges(line: &str) -> bool {
    const HEDGES: &[&str] = &[
        "probably",
        "likely",
        "maybe",
        "perhaps",
        "might",
        "suspect",
        "suspected",
        "possibly",
        "hypothesis",
        "guess",
        "seems",
        "think",
    ];
    line.split(|c: char| !c.is_alphanumeric())
        .any(|w| HEDGES.contains(&w.to_lowercase().as_str()))
}

/// The first clock time (`09:43`, `~06:25`, `9:05`) in `text`, as minutes after midnight.
fn minute_of_day(text: &str) -> Option<u32> {
    clock_times(text).next()
}

fn clock_times(text: &str) -> impl Iterator<Item = u32> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len()).filter_map(move |i| {
        if bytes[i] != b':' || i == 0 {
            return None;
        }
        let hours_from = if i >= 2 && bytes[i - 2].is_ascii_digit() {
            i - 2
        } else {
            i - 1
        };
        if hours_from > 0 && bytes[hours_from - 1].is_ascii_digit() {
            return None;
        }
        let hours: u32 = text.get(hours_from..i)?.parse().ok()?;
        let minutes: u32 = text.get(i + 1..i + 3)?.parse().ok()?;
        if bytes.get(i + 3).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
    })
}

/// Minutes between two times of day, across midnight if shorter.
fn minutes_apart(a: u32, b: u32) -> i64 {
    let d = (i64::from(a) - i64::from(b)).rem_euclid(1440);
    d.min(1440 - d)
}

/// The comparisons of every update, summed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Real updates compared.
    pub updates: usize,
    /// Updates with a condition, and the mean share of its words the draft carried.
    pub affected: PartScore,
    /// Updates saying since when, and the share where the draft names that time.
    pub since: PartScore,
    /// Updates with an `Action:`, and the mean share of its words the draft carried.
    pub done: PartScore,
    /// Updates promising a next one, and the share where the draft promises one too.
    pub next_update: PartScore,
    /// Median minutes between the real and the drafted next-update promise.
    pub next_update_median_minutes_apart: Option<i64>,
    /// Condition lines drafted, in all.
    pub condition_lines: usize,
    /// Share of Condition lines that share no content word with the real update.
    pub unneeded_condition_share: f64,
    /// Condition lines that report a hypothesis as impact.
    pub hypotheses_as_impact: usize,
}

/// One part of the update: how many real updates have it, and the mean credit the drafts got.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PartScore {
    /// Real updates that state this part.
    pub stated: usize,
    /// Mean credit over those: a word share, or 1/0 for a yes/no part.
    pub carried: f64,
}

/// Sums comparisons.
pub fn summarize(comparisons: &[Comparison]) -> Summary {
    let part = |values: Vec<f64>| PartScore {
        stated: values.len(),
        carried: if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        },
    };
    let yes = |b: bool| if b { 1.0 } else { 0.0 };
    let mut apart: Vec<i64> = comparisons
        .iter()
        .filter_map(|c| c.next_update_minutes_apart)
        .collect();
    apart.sort_unstable();
    let condition_lines = comparisons.iter().map(|c| c.condition_lines).sum();
    let unneeded: usize = comparisons.iter().map(|c| c.unneeded_condition_lines).sum();
    Summary {
        updates: comparisons.len(),
        affected: part(comparisons.iter().filter_map(|c| c.affected).collect()),
        since: part(
            comparisons
                .iter()
                .filter_map(|c| c.since.map(yes))
                .collect(),
        ),
        done: part(comparisons.iter().filter_map(|c| c.done).collect()),
        next_update: part(
            comparisons
                .iter()
                .filter(|c| c.real_promises_update)
                .map(|c| yes(c.draft_promises_update))
                .collect(),
        ),
        next_update_median_minutes_apart: apart.get(apart.len() / 2).copied(),
        condition_lines,
        unneeded_condition_share: if condition_lines == 0 {
            0.0
        } else {
            unneeded as f64 / condition_lines as f64
        },
        hypotheses_as_impact: comparisons.iter().map(|c| c.hypotheses_as_impact).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "**Condition**\n- Since 06:30 UTC: chat delivery latency high [#0]\n- Affected: probably the new index migration [#7]\n\n**Action**\n- restarting brokers [#9]\n\n**Need**\n- Nothing [#9]\n\n**Next update: 07:56 UTC**\n";

    #[test]
    fn a_free_text_update_is_its_own_condition() {
        let c = compare(
            "chat messages delayed for many users since ~06:25. team investigating. next 06:53",
            DRAFT,
        );
        assert_eq!(c.since, Some(true));
        assert_eq!(c.done, None);
        assert_eq!(c.next_update_minutes_apart, Some(63));
        assert!(c.affected.unwrap() > 0.0 && c.affected.unwrap() < 1.0);
    }

    #[test]
    fn a_hedged_condition_line_is_a_hypothesis_reported_as_impact() {
        let c = compare("Condition: chat delayed. Next update: 08:00 UTC.", DRAFT);
        assert_eq!(c.hypotheses_as_impact, 1);
        assert_eq!(c.condition_lines, 2);
        assert_eq!(
            c.unneeded_condition_lines, 1,
            "the migration line shares no word with the update"
        );
    }

    #[test]
    fn an_update_without_times_leaves_those_parts_unstated() {
        let c = compare(
            "Blog post published explaining the configuration error.",
            "",
        );
        assert_eq!(
            (c.since, c.next_update_minutes_apart, c.real_promises_update),
            (None, None, false)
        );
        let s = summarize(&[c]);
        assert_eq!((s.updates, s.since.stated, s.next_update.stated), (1, 0, 0));
    }

    #[test]
    fn clock_times_are_read_in_any_common_form() {
        assert_eq!(minute_of_day("next 06:53"), Some(413));
        assert_eq!(minute_of_day("since ~9:05 UTC"), Some(545));
        assert_eq!(minute_of_day("ratio 1:2000"), None);
        assert_eq!(minutes_apart(1435, 5), 10);
    }
}
