//! How responders' verdicts change a new answer: the ranking rule, and the words shown beside a
//! match ("helpful to alice, 2 days ago").
//!
//! The rule. A verdict was given on a past question; it speaks for a new question only as far
//! as the two questions mean the same thing. Closeness is the cosine of the two questions'
//! embeddings, rescaled so that [`CLOSE_FROM`] counts as nothing and an identical question as
//! one: `w = max(0, (cos - CLOSE_FROM) / (1 - CLOSE_FROM))`. A match's shift is
//! `WEIGHT * clamp(sum(v * w), -1, 1)` with `v` = +1 for helpful, -1 for not relevant, added to
//! the plugin's fused score (standard units: a shift of 1 is one standard deviation of the
//! corpus's scores). So the same question marked once moves a match by [`WEIGHT`], a close
//! paraphrase by a part of it, an unrelated question not at all; many votes cannot push
//! further than one full-weight vote; opposite votes cancel. With no close feedback the
//! plugin's order is kept exactly, which is why `rhyme eval seen-before` is unchanged.
//!
//! Only a person's latest verdict on a (question, match) pair counts: changing one's mind
//! replaces the earlier vote instead of cancelling it.

use std::collections::HashMap;

use rhyme_store::{Feedback, FeedbackVerdict, Timestamp};

/// Cosine between questions below which a past verdict says nothing about the new question.
/// all-MiniLM-L6-v2 puts paraphrases of one incident description around 0.75–0.95 and
/// different incidents of the same system around 0.3–0.6.
pub const CLOSE_FROM: f32 = 0.6;
/// The largest shift feedback gives a match, in the plugin's standard score units. Matches
/// next to each other in an answer are typically 0.2–1 apart, so a full-weight verdict moves a
/// match several places, and the first of a clear ranking cannot be unseated by a distant one.
pub const WEIGHT: f32 = 2.0;

/// How strongly a past question speaks for the new one: 0 (unrelated) to 1 (the same).
pub fn closeness(query: &[f32], past: &[f32]) -> f32 {
    if query.len() != past.len() || query.is_empty() {
        return 0.0;
    }
    let cos: f32 = query.iter().zip(past).map(|(a, b)| a * b).sum();
    ((cos - CLOSE_FROM) / (1.0 - CLOSE_FROM)).clamp(0.0, 1.0)
}

/// The verdicts that count: each person's latest on each (question, match).
pub fn latest(feedback: &[Feedback]) -> Vec<&Feedback> {
    let mut by_key: HashMap<(&str, &str, &str), &Feedback> = HashMap::new();
    for f in feedback {
        let key = (f.by.as_str(), f.query.as_str(), f.match_id.as_str());
        match by_key.get(&key) {
            Some(seen) if (seen.at, &seen.id) >= (f.at, &f.id) => {}
            _ => {
                by_key.insert(key, f);
            }
        }
    }
    let mut kept: Vec<&Feedback> = by_key.into_values().collect();
    kept.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    kept
}

/// A past verdict that speaks for the new question, with how strongly.
#[derive(Debug, Clone)]
pub struct Relevant<'a> {
    /// The past verdict.
    pub feedback: &'a Feedback,
    /// How close its question is to the new one, 0 (unrelated) to 1 (the same); see [`closeness`].
    pub closeness: f32,
}

/// The latest verdicts whose question is close to `query` (`query_vector`); an identical text
/// counts as the same question even without vectors.
pub fn relevant<'a>(
    query: &str,
    query_vector: &[f32],
    feedback: &'a [Feedback],
) -> Vec<Relevant<'a>> {
    latest(feedback)
        .into_iter()
        .map(|f| {
            let closeness = if f.query.trim() == query.trim() {
                1.0
            } else {
                closeness(query_vector, &f.query_vector)
            };
            Relevant {
                feedback: f,
                closeness,
            }
        })
        .filter(|r| r.closeness > 0.0)
        .collect()
}

/// The shift of each match that close feedback names (see the module's rule).
pub fn shifts(relevant: &[Relevant<'_>]) -> HashMap<String, f32> {
    let mut sums: HashMap<String, f32> = HashMap::new();
    for r in relevant {
        let sign = match r.feedback.verdict {
            FeedbackVerdict::Helpful => 1.0,
            FeedbackVerdict::NotRelevant => -1.0,
        };
        *sums.entry(r.feedback.match_id.clone()).or_default() += sign * r.closeness;
    }
    sums.into_iter()
        .map(|(id, sum)| (id, WEIGHT * sum.clamp(-1.0, 1.0)))
        .collect()
}

/// One verdict in words, e.g. "helpful to alice, 2 days ago" or "marked not relevant by bob,
/// 3 hours ago".
pub fn said(feedback: &Feedback, now: Timestamp) -> String {
    let ago = ago(now - feedback.at);
    match feedback.verdict {
        FeedbackVerdict::Helpful => format!("helpful to {}, {ago}", feedback.by),
        FeedbackVerdict::NotRelevant => format!("marked not relevant by {}, {ago}", feedback.by),
    }
}

fn ago(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    let (n, unit) = match minutes {
        0 => return "just now".into(),
        m if m < 60 => (m, "minute"),
        m if m < 48 * 60 => (m / 60, "hour"),
        m => (m / (24 * 60), "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fb(
        id: &str,
        by: &str,
        query: &str,
        m: &str,
        verdict: FeedbackVerdict,
        at: i64,
        v: Vec<f32>,
    ) -> Feedback {
        Feedback {
            id: id.into(),
            query: query.into(),
            incident: None,
            match_id: m.into(),
            verdict,
            by: by.into(),
            at,
            query_vector: v,
            model: "m".into(),
        }
    }

    #[test]
    fn the_same_question_moves_a_match_by_the_full_weight_and_an_unrelated_one_not_at_all() {
        let same = fb(
            "1",
            "bob",
            "q",
            "pm-a",
            FeedbackVerdict::NotRelevant,
            1,
            vec![1.0, 0.0],
        );
        let unrelated = fb(
            "2",
            "ann",
            "other",
            "pm-b",
            FeedbackVerdict::Helpful,
            1,
            vec![0.0, 1.0],
        );
        let all = [same, unrelated];
        let close = relevant("q", &[1.0, 0.0], &all);
        assert_eq!(close.len(), 1);
        let shifts = shifts(&close);
        assert_eq!(shifts["pm-a"], -WEIGHT);
        assert!(!shifts.contains_key("pm-b"));
    }

    #[test]
    fn a_paraphrase_counts_in_part_and_votes_are_bounded() {
        let cos = 0.8_f32;
        let past = vec![cos, (1.0 - cos * cos).sqrt()];
        let votes: Vec<Feedback> = (0..5)
            .map(|i| {
                fb(
                    &i.to_string(),
                    &format!("p{i}"),
                    "past",
                    "pm-a",
                    FeedbackVerdict::Helpful,
                    1,
                    past.clone(),
                )
            })
            .collect();
        let one = shifts(&relevant("new", &[1.0, 0.0], &votes[..1]));
        assert!((one["pm-a"] - WEIGHT * (cos - CLOSE_FROM) / (1.0 - CLOSE_FROM)).abs() < 1e-5);
        let many = shifts(&relevant("new", &[1.0, 0.0], &votes));
        assert_eq!(
            many["pm-a"], WEIGHT,
            "five votes cannot push past one full vote"
        );
    }

    #[test]
    fn a_change_of_mind_replaces_the_earlier_verdict() {
        let all = [
            fb("1", "bob", "q", "pm-a", FeedbackVerdict::Helpful, 1, vec![]),
            fb(
                "2",
                "bob",
                "q",
                "pm-a",
                FeedbackVerdict::NotRelevant,
                2,
                vec![],
            ),
        ];
        let kept = latest(&all);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].verdict, FeedbackVerdict::NotRelevant);
    }

    #[test]
    fn verdicts_read_as_words() {
        let f = fb(
            "1",
            "alice",
            "q",
            "pm-a",
            FeedbackVerdict::Helpful,
            0,
            vec![],
        );
        assert_eq!(said(&f, 2 * 86_400_000 + 5), "helpful to alice, 2 days ago");
        let f = fb(
            "1",
            "bob",
            "q",
            "pm-a",
            FeedbackVerdict::NotRelevant,
            0,
            vec![],
        );
        assert_eq!(
            said(&f, 3 * 3_600_000),
            "marked not relevant by bob, 3 hours ago"
        );
    }
}
