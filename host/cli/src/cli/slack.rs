//! `rhyme slack ...`: who each Slack user is in Rhyme, for the Slack app's buttons and
//! commands. The operator maps a Slack user id to the name of an active token, as `rhyme
//! token` manages tokens: on the data folder, audited as the operator.

use clap::Subcommand;
use serde_json::json;

use super::{Context, store};

#[derive(Debug, Subcommand)]
pub(super) enum SlackCommand {
    /// Map a Slack user to the holder of a token: their clicks act with its name and role.
    MapUser {
        /// Slack's user id (U0123ABC: a member's profile, ⋮, Copy member ID).
        slack_user_id: String,
        /// The name of an active token (`rhyme token list`).
        token_name: String,
    },
    /// Remove a Slack user's mapping.
    UnmapUser { slack_user_id: String },
    /// List mapped Slack users.
    Users,
}

pub(super) fn run(ctx: &Context, command: SlackCommand) -> anyhow::Result<()> {
    store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let result = async {
            match command {
                SlackCommand::MapUser {
                    slack_user_id,
                    token_name,
                } => {
                    let user = db
                        .map_slack_user(&store::operator(), &slack_user_id, &token_name)
                        .await?;
                    if ctx.json {
                        println!("{}", serde_json::to_string(&user)?);
                    } else {
                        println!("{} acts as {}", user.slack_user_id, user.token_name);
                    }
                }
                SlackCommand::UnmapUser { slack_user_id } => {
                    let user = db
                        .unmap_slack_user(&store::operator(), &slack_user_id)
                        .await?;
                    if ctx.json {
                        println!("{}", json!({"unmapped": user.slack_user_id}));
                    } else {
                        println!(
                            "{} is no longer mapped (was {})",
                            user.slack_user_id, user.token_name
                        );
                    }
                }
                SlackCommand::Users => {
                    let users = db.slack_users().await?;
                    if ctx.json {
                        println!("{}", serde_json::to_string(&users)?);
                    } else {
                        println!(
                            "{:<14} {:<24} {:<20}",
                            "SLACK USER", "TOKEN NAME", "MAPPED BY"
                        );
                        for u in users {
                            println!(
                                "{:<14} {:<24} {:<20}",
                                u.slack_user_id, u.token_name, u.mapped_by
                            );
                        }
                    }
                }
            }
            anyhow::Ok(())
        }
        .await;
        db.close().await;
        result
    })
}
