//! Delivery of approved actions: the sinks that carry them out or pass them on, and the loop
//! that hands each outbox row (kept by `rhyme-store`) to its sink exactly once.
//!
//! | module | job |
//! |---|---|
//! | [`sink`] | what a sink is, and the sinks a host has, by name |
//! | [`webhook`] | JSON POST with an `Idempotency-Key` |
//! | [`slack`] | a Slack incoming webhook: the action as a readable message |
//! | [`slack_delivery`] | the Slack app's own queued messages, posted through the Web API |
//! | [`slack_respond`] | answers to clicks and commands through Slack's `response_url` |
//! | [`slack_api`] | Slack's Web API as the app's bot: posts, ephemeral posts, updates |
//! | [`markdown`] | one Markdown file per action, for a docs folder or a wiki checkout |
//! | [`file`] | one JSON line per action, appended to a file |
//! | [`delivery`] | claim due rows, deliver, record; woken by approvals, and on a timer for retries |
//! | [`backoff`] | when to try a failed delivery again |

#![warn(missing_docs)]

pub mod backoff;
pub mod delivery;
pub mod file;
pub mod markdown;
pub mod sink;
pub mod slack;
pub mod slack_api;
pub mod slack_delivery;
pub mod slack_respond;
pub mod webhook;

pub use backoff::Backoff;
pub use delivery::{
    DeliveryPolicy, DeliveryReport, deliver_due, deliver_due_with, keep_delivering,
};
pub use file::FileSink;
pub use markdown::MarkdownSink;
pub use sink::{Delivery, Sink, SinkConfigError, SinkError, SinkFuture, Sinks};
pub use slack::SlackSink;
pub use slack_api::{BotToken, SlackApi, SlackApiError};
pub use slack_delivery::{SlackReport, deliver_slack_due};
pub use slack_respond::{RespondError, Responder};
pub use webhook::WebhookSink;
