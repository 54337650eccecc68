//! What the Slack app keeps: who each Slack user is in Rhyme, and the messages it posts on
//! its own, queued for delivery.

pub mod channels;
pub mod outbox;
pub mod users;

pub use channels::SlackChannel;
pub use outbox::{SlackClaim, SlackMessage, SlackOutcome, SlackPosted};
pub use users::SlackUser;
