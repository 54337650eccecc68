//! `rhyme actions ...`: the action items promised in approved postmortems, from a terminal.
//! Lists and shows them, and moves one along its lifecycle; everything goes through a running
//! server ([`super::remote`]), which checks the role and writes the audit log.

use clap::Subcommand;
use reqwest::Method;
use serde_json::{Value, json};

use super::Context;
use super::remote::{Remote, ServerArgs};

#[derive(Debug, Subcommand)]
pub(super) enum ActionsCommand {
    /// Action items, oldest first; each filter narrows.
    List {
        /// Only this incident's items.
        #[arg(long)]
        incident: Option<String>,
        /// Only this postmortem's items (the approved proposal's id, or an imported
        /// postmortem's id).
        #[arg(long)]
        postmortem: Option<String>,
        /// Only items in this status: planned, in-progress, done, verified, dropped.
        #[arg(long)]
        status: Option<String>,
        /// Only this service's items.
        #[arg(long)]
        service: Option<String>,
        /// Only open items past their deadline.
        #[arg(long)]
        overdue: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// One action item, with every element and what it lacks.
    Show {
        /// The item's id (as `actions list` shows it).
        id: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Move an item: planned, in-progress, done (responder, ic, reviewer); verified or
    /// dropped (ic, reviewer; dropped needs --reason).
    SetStatus {
        /// The item's id.
        id: String,
        /// The status to move it to.
        status: String,
        /// Why; required to drop an item.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub(super) fn run(ctx: &Context, command: ActionsCommand) -> anyhow::Result<()> {
    super::store::runtime()?.block_on(async {
        match command {
            ActionsCommand::List {
                incident,
                postmortem,
                status,
                service,
                overdue,
                server,
            } => {
                let mut query: Vec<(&str, &str)> = [
                    ("incident", incident.as_deref()),
                    ("postmortem", postmortem.as_deref()),
                    ("status", status.as_deref()),
                    ("service", service.as_deref()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
                if overdue {
                    query.push(("overdue", "true"));
                }
                let items = Remote::new(&server)?
                    .call_with_query(Method::GET, &["v1", "actions"], &query, None)
                    .await?;
                if ctx.json {
                    println!("{items}");
                    return Ok(());
                }
                let items = items.as_array().cloned().unwrap_or_default();
                println!(
                    "{} action item{}",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" }
                );
                for item in &items {
                    println!("{}", summary(item));
                }
                Ok(())
            }
            ActionsCommand::Show { id, server } => {
                let item = Remote::new(&server)?
                    .call(Method::GET, &["v1", "actions", &id], None)
                    .await?;
                if ctx.json {
                    println!("{item}");
                } else {
                    print_item(&item);
                }
                Ok(())
            }
            ActionsCommand::SetStatus {
                id,
                status,
                reason,
                server,
            } => {
                let body = json!({"status": status, "reason": reason});
                let item = Remote::new(&server)?
                    .call(Method::POST, &["v1", "actions", &id, "status"], Some(&body))
                    .await?;
                if ctx.json {
                    println!("{item}");
                } else {
                    println!(
                        "{id} is now {} (by {})",
                        text(&item["status"]),
                        text(&item["status_by"])
                    );
                }
                Ok(())
            }
        }
    })
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("-")
}

/// One line: id, status, overdue, deadline, owner, ticket, and the item's text.
fn summary(item: &Value) -> String {
    let overdue = if item["overdue"] == true {
        " OVERDUE"
    } else {
        ""
    };
    format!(
        "  {}  {:<11}{overdue}  due {}  owner {}  ticket {}\n      {}{}",
        text(&item["id"]),
        text(&item["status"]),
        text(&item["deadline"]),
        text(&item["owner"]),
        text(&item["ticket"]),
        text(&item["text"]),
        lacks(item),
    )
}

fn lacks(item: &Value) -> String {
    let missing: Vec<&str> = item["missing"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if missing.is_empty() {
        String::new()
    } else {
        format!("\n      lacks: {}", missing.join(", "))
    }
}

fn print_item(item: &Value) {
    println!("{}", text(&item["text"]));
    for (label, key) in [
        ("id", "id"),
        ("status", "status"),
        ("owner", "owner"),
        ("verb", "verb"),
        ("ticket", "ticket"),
        ("deadline", "deadline"),
        ("incident", "incident"),
        ("postmortem", "postmortem"),
        ("last moved by", "status_by"),
        ("reason", "status_reason"),
    ] {
        println!("  {label:<14} {}", text(&item[key]));
    }
    if item["overdue"] == true {
        println!("  OVERDUE: still open past its deadline");
    }
    let missing = lacks(item);
    if !missing.is_empty() {
        println!("  {}", missing.trim_start());
    }
}
