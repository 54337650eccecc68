//! "Seen before?" over HTTP: ask with a text or an incident, and mark a match helpful or not
//! relevant. Both run the seen-before plugin in the sandbox (through
//! [`rhyme_seen_before::service`]); feedback is stored with the caller's token name and
//! written to the audit log.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rhyme_store::limits::{length, too_long};
use rhyme_store::{Feedback, FeedbackVerdict, NewFeedback, Permission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Allowed, Caller, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use rhyme_pipeline::worker::{audit_calls, plugin_ref};
use rhyme_seen_before::question;
use rhyme_seen_before::service::{MAX_K, SeenBefore, SeenMatch};

/// Longest question text accepted, in characters.
const MAX_TEXT: usize = 4096;

/// A question: what the responder sees, in their words, or an open incident.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskIn {
    /// What you see ("checkout 502s since the cert rotation, EU only"): not blank, at most
    /// 4,096 characters.
    #[schema(max_length = 4096)]
    pub text: Option<String>,
    /// Or the id of an incident that exists: its title, alerts, signatures and latest
    /// timeline are the question.
    pub incident: Option<String>,
    /// How many matches, 1 to 20 (default 5).
    #[schema(minimum = 1, maximum = 20)]
    #[serde(default, deserialize_with = "crate::body::whole::option_i64")]
    pub k: Option<i64>,
}

/// The answer: the question as ranked, and the matches, most similar first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AskOut {
    /// The question's text (for an incident, the incident told as a question); give it back
    /// with feedback.
    pub question: String,
    /// The incident asked about, when the question was one.
    pub incident: Option<String>,
    /// The similar past incidents, most similar first.
    pub matches: Vec<SeenMatch>,
    /// Time spent answering, in milliseconds.
    pub took_ms: f64,
}

/// Ask which past incidents look like a text or an open incident.
#[utoipa::path(post, path = "/v1/seen-before", request_body = AskIn,
    responses((status = 200, body = AskOut),
               (status = 422, description = "a field is wrong, both or neither of `text` and `incident` are given, or `incident` names no incident; `field` names it"),
               (status = 503, description = "seen-before is not set up on this host, or its index is unavailable")),
    security(("bearer" = ["responder", "ic", "reviewer", "admin"])))]
pub async fn ask(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<AskIn>,
) -> Result<Json<AskOut>, ApiError> {
    caller.require(Permission::Read)?;
    let k = check_k(input.k)?;
    Ok(Json(answer(&state, input.text, input.incident, k).await?))
}

/// The matches for a text or an incident (checked as `ask` checks them), the plugin's calls
/// audited; shared by `ask` and the Slack command.
pub(crate) async fn answer(
    state: &AppState,
    text: Option<String>,
    incident: Option<String>,
    k: u32,
) -> Result<AskOut, ApiError> {
    let started = Instant::now();
    let (question, incident) = question_of(state, text, incident).await?;
    let service = service(state)?;
    let feedback = state.store().seen_before_feedback().await?;
    let now = state.store().now();
    let answer = service.answer(&question, k, &feedback, now).await;
    // The full error, with the index's address and the plugin's words, is for the log;
    // any token may read the answer.
    let answer = answer.map_err(|e| {
        tracing::error!("seen-before: {e}");
        ApiError::Unavailable(e.public())
    })?;
    let detail = serde_json::json!({"incident": incident, "trigger": "query"});
    if let Err(e) = audit_calls(
        state.store(),
        &plugin_ref(service.plugin()),
        &answer.capability_calls,
        detail,
    )
    .await
    {
        tracing::error!("audit: {e}");
    }
    Ok(AskOut {
        question,
        incident,
        matches: answer.matches,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// A verdict on one match of a question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackIn {
    /// The question as answered (`question` of the answer): not blank, at most 4,096 characters.
    #[schema(max_length = 4096)]
    pub text: Option<String>,
    /// Or the incident it was about, which exists (its question is told again from what is
    /// stored now).
    pub incident: Option<String>,
    /// The match's id: a postmortem of the corpus.
    #[serde(rename = "match")]
    pub match_id: String,
    /// `helpful` or `not-relevant`.
    #[schema(value_type = String, pattern = "^(helpful|not-relevant)$")]
    pub verdict: String,
}

/// Mark one match of a seen-before answer as helpful or not relevant.
#[utoipa::path(post, path = "/v1/seen-before/feedback", request_body = FeedbackIn,
    responses((status = 201, body = Object),
               (status = 422, description = "a field is wrong, both or neither of `text` and `incident` are given, `incident` names no incident, or `match` no postmortem of the corpus"),
               (status = 503, description = "seen-before is not set up on this host, or its index is unavailable")),
    security(("bearer" = ["responder", "ic"])))]
pub async fn feedback(
    State(state): State<AppState>,
    caller: Allowed<may::Ingest>,
    Body(input): Body<FeedbackIn>,
) -> Result<(StatusCode, Json<Feedback>), ApiError> {
    let verdict = FeedbackVerdict::parse(&input.verdict).ok_or_else(|| {
        ApiError::invalid(
            "verdict",
            format!(
                "`{}` is neither `helpful` nor `not-relevant`",
                input.verdict
            ),
        )
    })?;
    let (question, incident) = question_of(&state, input.text, input.incident).await?;
    let service = service(&state)?.clone();
    let match_id = input.match_id.trim().to_string();
    let (checking, id, text) = (service.clone(), match_id.clone(), question.clone());
    let (known, vector) =
        tokio::task::spawn_blocking(move || (checking.knows(&id), checking.embed(&text)))
            .await
            .map_err(|_| ApiError::Internal)?;
    if !known.map_err(|e| ApiError::Unavailable(format!("reading the corpus: {e}")))? {
        return Err(ApiError::invalid(
            "match",
            format!("no postmortem `{match_id}` in the corpus"),
        ));
    }
    let vector =
        vector.map_err(|e| ApiError::Unavailable(format!("embedding the question: {e}")))?;
    let new = NewFeedback {
        query: question,
        incident,
        match_id,
        verdict,
        query_vector: vector,
        model: service.model(),
    };
    let stored = state
        .store()
        .add_seen_before_feedback(&caller.actor(), new)
        .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

fn service(state: &AppState) -> Result<&Arc<SeenBefore>, ApiError> {
    state
        .seen_before()
        .map_err(|why| ApiError::Unavailable(why.to_string()))
}

fn check_k(k: Option<i64>) -> Result<u32, ApiError> {
    match k {
        None => Ok(5),
        Some(k) if (1..=i64::from(MAX_K)).contains(&k) => Ok(k as u32),
        Some(k) => Err(ApiError::invalid(
            "k",
            format!("{k} is outside 1..={MAX_K}"),
        )),
    }
}

/// The question's text and incident, from exactly one of `text` and `incident`.
async fn question_of(
    state: &AppState,
    text: Option<String>,
    incident: Option<String>,
) -> Result<(String, Option<String>), ApiError> {
    match (text, incident) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "incident",
            "give `text` or `incident`, not both",
        )),
        (None, None) => Err(ApiError::invalid(
            "text",
            "is missing: give the question as `text`, or an `incident` id",
        )),
        (Some(text), None) => {
            if text.trim().is_empty() {
                return Err(ApiError::invalid("text", "is empty"));
            }
            if length(&text) > MAX_TEXT {
                return Err(ApiError::invalid("text", too_long(length(&text), MAX_TEXT)));
            }
            Ok((text.trim().to_string(), None))
        }
        (None, Some(id)) => match question::for_incident(state.store(), &id).await {
            Ok(text) => Ok((text, Some(id))),
            Err(rhyme_store::Error::NotFound { .. }) => {
                Err(ApiError::invalid("incident", format!("no incident `{id}`")))
            }
            Err(e) => Err(e.into()),
        },
    }
}
