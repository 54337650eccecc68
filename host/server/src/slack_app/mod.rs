//! The Slack app beyond the Events API: the bot that posts (nudges to the IC, drafts
//! announced), the answers to clicks and slash commands, and the messages those are built
//! from. The HTTP handlers are in `api::slack_actions`, `api::slack_commands` and
//! `api::slack_users`; this module holds what they and the background loop share.
//!
//! | module | job |
//! |---|---|
//! | [`blocks`] | the messages in Block Kit, the buttons' ids and values, a text rendering |
//! | [`nudges`] | which nudges go to whom: one ephemeral message per pattern and episode |
//! | [`drafts`] | pending status-update drafts announced in their channel, with *Approve* |

pub mod blocks;
pub mod drafts;
pub mod nudges;

use std::sync::Arc;
use std::time::Duration;

use rhyme_sinks::slack_api::DEFAULT_API_BASE;
use rhyme_sinks::{
    BotToken, DeliveryPolicy, Responder, SinkConfigError, SlackApi, deliver_slack_due,
};
use rhyme_store::{Gate, Turns};
use tokio::sync::Notify;

/// What the Slack app needs: the bot (when a token is configured), the responder for
/// `response_url`s, and where people open Rhyme, for links.
#[derive(Debug, Clone)]
pub struct SlackApp {
    api: Option<SlackApi>,
    responder: Responder,
    link_base: Option<String>,
}

impl Default for SlackApp {
    fn default() -> Self {
        SlackApp::new(DEFAULT_API_BASE, None, None).expect("Slack's own API base is a valid URL")
    }
}

impl SlackApp {
    /// The app calling Slack's Web API at `api_base` with `token` (none: nothing is posted,
    /// clicks and commands are still answered), linking to Rhyme at `link_base`.
    pub fn new(
        api_base: &str,
        token: Option<BotToken>,
        link_base: Option<String>,
    ) -> Result<Self, SinkConfigError> {
        let api = token.map(|t| SlackApi::new(api_base, t)).transpose()?;
        Ok(SlackApp {
            api,
            responder: Responder::new(api_base)?,
            link_base: link_base.map(|b| b.trim_end_matches('/').to_string()),
        })
    }

    /// The bot, when a token is configured.
    pub fn api(&self) -> Option<&SlackApi> {
        self.api.as_ref()
    }

    /// Answers through `response_url`.
    pub fn responder(&self) -> &Responder {
        &self.responder
    }

    /// Where people open Rhyme, without a trailing slash.
    pub fn link_base(&self) -> Option<&str> {
        self.link_base.as_deref()
    }
}

/// Queues new nudges and drafts for bound channels and posts what is due, every `every` and
/// when `wake` is notified; does nothing without a bot token.
pub async fn keep_posting(gate: Gate, app: Arc<SlackApp>, every: Duration, wake: Arc<Notify>) {
    let store = gate.store();
    let Some(api) = app.api() else { return };
    let policy = DeliveryPolicy::default();
    let mut turns = Turns::new(every, wake);
    loop {
        turns.next().await;
        if let Err(error) = nudges::announce(store, &app).await {
            tracing::error!(%error, "queueing Slack nudges");
        }
        if let Err(error) = drafts::announce(&gate, &app).await {
            tracing::error!(%error, "queueing Slack draft announcements");
        }
        if let Err(error) = deliver_slack_due(store, api, &policy).await {
            tracing::error!(%error, "posting Slack messages");
        }
    }
}

/// Queues `payload` for the incident's channel under `key`: 1 when newly queued, 0 when a
/// message with that key was queued before, so each announcement counts once across passes.
async fn queue_once(
    store: &rhyme_store::Store,
    key: &str,
    incident: &str,
    payload: &serde_json::Value,
) -> rhyme_store::Result<usize> {
    Ok(usize::from(
        store
            .queue_slack_message(key, incident, payload)
            .await?
            .is_some(),
    ))
}
