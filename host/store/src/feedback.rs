//! Responders' verdicts on "seen before?" matches: helpful, or not relevant to the question
//! they asked. Each write is one row and one audit entry, in the same transaction; nothing is
//! ever updated in place, so a change of mind is a newer row and the history stays readable.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::audit::append_and_commit;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::model::check_id;
use crate::roles::Actor;
use crate::store::Store;

/// Longest question kept, in bytes; a question is a sentence or an incident told as one.
pub(crate) const MAX_QUERY_LEN: usize = 4096;

/// What a responder said about a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedbackVerdict {
    /// The matched postmortem helped with the question.
    Helpful,
    /// The matched postmortem had nothing to do with the question.
    NotRelevant,
}

impl FeedbackVerdict {
    /// The verdict's name in the database and the API (`helpful`, `not-relevant`).
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackVerdict::Helpful => "helpful",
            FeedbackVerdict::NotRelevant => "not-relevant",
        }
    }

    /// The verdict named `text` (as written by [`FeedbackVerdict::as_str`]), or `None` if unknown.
    pub fn parse(text: &str) -> Option<FeedbackVerdict> {
        [FeedbackVerdict::Helpful, FeedbackVerdict::NotRelevant]
            .into_iter()
            .find(|v| v.as_str() == text)
    }
}

/// A verdict to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedback {
    /// The question as it was asked (for an incident, the incident told as a question).
    pub query: String,
    /// The incident the question came from, if any.
    pub incident: Option<String>,
    /// The postmortem id of the match.
    pub match_id: String,
    /// Whether the match helped.
    pub verdict: FeedbackVerdict,
    /// The question's embedding (empty when none was made).
    pub query_vector: Vec<f32>,
    /// The model that made `query_vector`.
    pub model: String,
}

/// A stored verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// The verdict's own id, made by the store.
    pub id: String,
    /// The question as it was asked (for an incident, the incident told as a question).
    pub query: String,
    /// The incident the question came from, if any.
    pub incident: Option<String>,
    /// The postmortem id of the match (`match` in JSON).
    #[serde(rename = "match")]
    pub match_id: String,
    /// Whether the match helped.
    pub verdict: FeedbackVerdict,
    /// The person (token name, or the operator's name at the CLI).
    pub by: String,
    /// When the verdict was given, in milliseconds since the Unix epoch.
    pub at: Timestamp,
    /// The question's embedding (empty when none was made), for matching later questions to
    /// this verdict; left out of JSON.
    #[serde(skip)]
    pub query_vector: Vec<f32>,
    /// The model that made `query_vector`; left out of JSON.
    #[serde(skip)]
    pub model: String,
}

impl Store {
    /// Stores a verdict given by `by` and writes it to the audit log.
    pub async fn add_seen_before_feedback(&self, by: &Actor, new: NewFeedback) -> Result<Feedback> {
        check(&new)?;
        let feedback = Feedback {
            id: new_id(),
            query: new.query,
            incident: new.incident,
            match_id: new.match_id,
            verdict: new.verdict,
            by: by.name.clone(),
            at: self.now(),
            query_vector: new.query_vector,
            model: new.model,
        };
        let vector = serde_json::to_string(&feedback.query_vector).expect("floats serialise");
        let mut tx = self.db().write().await?;
        sqlx::query(
            "INSERT INTO seen_before_feedback (id, query, incident_id, match_id, verdict, by_name,
             by_role, at, query_vector, model) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&feedback.id)
        .bind(&feedback.query)
        .bind(&feedback.incident)
        .bind(&feedback.match_id)
        .bind(feedback.verdict.as_str())
        .bind(&by.name)
        .bind(&by.role)
        .bind(feedback.at)
        .bind(vector)
        .bind(&feedback.model)
        .execute(tx.conn())
        .await?;
        let detail = serde_json::json!({
            "id": feedback.id, "query": feedback.query, "incident": feedback.incident,
            "match": feedback.match_id, "verdict": feedback.verdict.as_str(),
        });
        append_and_commit(
            tx,
            feedback.at,
            by,
            "seen-before.feedback",
            &feedback.match_id,
            &detail,
        )
        .await?;
        Ok(feedback)
    }

    /// Every verdict, oldest first.
    pub async fn seen_before_feedback(&self) -> Result<Vec<Feedback>> {
        let rows = sqlx::query(
            "SELECT id, query, incident_id, match_id, verdict, by_name, at, query_vector, model
             FROM seen_before_feedback ORDER BY at, id",
        )
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

fn check(new: &NewFeedback) -> Result<()> {
    if new.query.trim().is_empty() {
        return Err(Error::invalid("query", "must not be empty"));
    }
    crate::limits::check_len("query", &new.query, MAX_QUERY_LEN)?;
    check_id("match", &new.match_id)?;
    if let Some(incident) = &new.incident {
        check_id("incident", incident)?;
    }
    if new.query_vector.iter().any(|x| !x.is_finite()) {
        return Err(Error::invalid(
            "query_vector",
            "holds a value that is not a finite number",
        ));
    }
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Feedback> {
    let verdict: String = row.try_get("verdict")?;
    let vector: String = row.try_get("query_vector")?;
    Ok(Feedback {
        id: row.try_get("id")?,
        query: row.try_get("query")?,
        incident: row.try_get("incident_id")?,
        match_id: row.try_get("match_id")?,
        verdict: FeedbackVerdict::parse(&verdict).ok_or_else(|| {
            Error::corrupt(
                "seen_before_feedback",
                format!("unknown verdict `{verdict}`"),
            )
        })?,
        by: row.try_get("by_name")?,
        at: row.try_get("at")?,
        query_vector: serde_json::from_str(&vector)
            .map_err(|e| Error::corrupt("seen_before_feedback", e))?,
        model: row.try_get("model")?,
    })
}
