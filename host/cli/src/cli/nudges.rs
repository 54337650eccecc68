//! `rhyme nudges ...`: the incident commander's side of nudges from a terminal. Lists what fired
//! for an incident and what was answered; acknowledges, mutes or unmutes a pattern. Everything
//! goes through a running server ([`super::remote`]), which checks the role (ic) and writes the
//! audit log.

use clap::Subcommand;
use reqwest::Method;
use serde_json::{Value, json};

use super::Context;
use super::remote::{Remote, ServerArgs};

#[derive(Debug, Subcommand)]
pub(super) enum NudgesCommand {
    /// The nudges fired for an incident, each with the IC's answer (new, acknowledged, muted).
    List {
        /// The incident's id.
        #[arg(long)]
        incident: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Mark a pattern's nudge as seen: it stops repeating on this incident (needs an ic token).
    Ack {
        #[arg(long)]
        incident: String,
        /// The pattern, e.g. `update-black-hole` (as `nudges list` shows it).
        pattern: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Silence a pattern on this incident, for good or until a time (needs an ic token).
    Mute {
        #[arg(long)]
        incident: String,
        pattern: String,
        /// When the mute ends: a duration from now (`30m`, `2h`), RFC 3339 or epoch milliseconds.
        #[arg(long)]
        until: Option<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Show a pattern's nudges again: clears its acknowledgement or mute (needs an ic token).
    Unmute {
        #[arg(long)]
        incident: String,
        pattern: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

pub(super) fn run(ctx: &Context, command: NudgesCommand) -> anyhow::Result<()> {
    super::store::runtime()?.block_on(async {
        match command {
            NudgesCommand::List { incident, server } => {
                list(ctx, &Remote::new(&server)?, &incident).await
            }
            NudgesCommand::Ack {
                incident,
                pattern,
                server,
            } => triage(ctx, &server, &incident, &pattern, "acknowledge", None).await,
            NudgesCommand::Mute {
                incident,
                pattern,
                until,
                server,
            } => {
                let body = json!({"until": until.as_deref().map(parse_until).transpose()?});
                triage(ctx, &server, &incident, &pattern, "mute", Some(body)).await
            }
            NudgesCommand::Unmute {
                incident,
                pattern,
                server,
            } => triage(ctx, &server, &incident, &pattern, "unmute", None).await,
        }
    })
}

async fn triage(
    ctx: &Context,
    server: &ServerArgs,
    incident: &str,
    pattern: &str,
    verb: &str,
    body: Option<Value>,
) -> anyhow::Result<()> {
    let segments = ["v1", "incidents", incident, "nudges", pattern, verb];
    let answer = Remote::new(server)?
        .call(Method::POST, &segments, body.as_ref())
        .await?;
    if ctx.json {
        println!("{answer}");
        return Ok(());
    }
    let by = answer["by"].as_str().unwrap_or("?");
    match verb {
        "unmute" => println!(
            "{pattern} on {incident} shows again (it was {} by {by})",
            answer["triage"].as_str().unwrap_or("?")
        ),
        "mute" => println!(
            "muted {pattern} on {incident}{} (by {by})",
            until_text(&answer["until"])
        ),
        _ => println!(
            "acknowledged {pattern} on {incident} (by {by}); it will not repeat on this incident"
        ),
    }
    Ok(())
}

async fn list(ctx: &Context, remote: &Remote, incident: &str) -> anyhow::Result<()> {
    let findings = remote
        .call(
            Method::GET,
            &["v1", "incidents", incident, "findings"],
            None,
        )
        .await?;
    let triage = remote
        .call(Method::GET, &["v1", "incidents", incident, "nudges"], None)
        .await?;
    let triage = triage.as_array().cloned().unwrap_or_default();
    let answer_for = |pattern: &str| triage.iter().find(|t| t["pattern"] == pattern);
    let nudges: Vec<Value> = findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "nudge")
        .map(|f| {
            let answer = answer_for(f["subject"].as_str().unwrap_or_default());
            json!({
                "id": f["id"], "pattern": f["subject"], "at": f["at"], "title": f["title"], "message": f["detail"],
                "evidence": f["evidence"], "plugin": f["plugin"]["name"],
                "state": answer.map_or(json!("new"), |a| a["triage"].clone()),
                "by": answer.map(|a| a["by"].clone()), "until": answer.map(|a| a["until"].clone()),
            })
        })
        .collect();
    if ctx.json {
        println!(
            "{}",
            json!({"incident": incident, "nudges": nudges, "triage": triage})
        );
        return Ok(());
    }
    print_list(incident, &nudges, &triage);
    Ok(())
}

fn print_list(incident: &str, nudges: &[Value], triage: &[Value]) {
    println!("{} for incident {incident}", plural(nudges.len(), "nudge"));
    for n in nudges {
        let state = match n["state"].as_str() {
            Some("new") | None => "NEW".to_string(),
            Some(state) => format!(
                "{}{} by {}",
                state.to_uppercase(),
                until_text(&n["until"]),
                n["by"].as_str().unwrap_or("?")
            ),
        };
        println!(
            "  {}  {:<26}  {state}",
            time_text(&n["at"]),
            n["pattern"].as_str().unwrap_or("?")
        );
        println!("      {}", n["message"].as_str().unwrap_or(""));
        let evidence: Vec<String> = n["evidence"]
            .as_array()
            .into_iter()
            .flatten()
            .map(evidence_text)
            .collect();
        if !evidence.is_empty() {
            println!("      evidence: {}", evidence.join(", "));
        }
    }
    let quiet: Vec<String> = triage
        .iter()
        .filter(|t| !nudges.iter().any(|n| n["pattern"] == t["pattern"]))
        .map(|t| {
            format!(
                "{} ({}{} by {})",
                t["pattern"].as_str().unwrap_or("?"),
                t["triage"].as_str().unwrap_or("?"),
                until_text(&t["until"]),
                t["by"].as_str().unwrap_or("?")
            )
        })
        .collect();
    if !quiet.is_empty() {
        println!("answered before any nudge fired: {}", quiet.join(", "));
    }
}

/// Evidence is `{"event": ID}` and the like; show `event ID`.
fn evidence_text(evidence: &Value) -> String {
    match evidence.as_object().and_then(|o| o.iter().next()) {
        Some((kind, Value::String(id))) => format!("{kind} {id}"),
        _ => evidence.to_string(),
    }
}

fn until_text(until: &Value) -> String {
    if until.is_null() {
        String::new()
    } else {
        format!(" until {}", time_text(until))
    }
}

fn time_text(ms: &Value) -> String {
    ms.as_i64().map_or_else(
        || "(no time)".to_string(),
        |t| format!("{} UTC", super::show::utc(t)),
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `--until`: `30m`, `2h`, `45s` from now; else passed on as epoch milliseconds or RFC 3339 for
/// the server to check.
fn parse_until(text: &str) -> anyhow::Result<Value> {
    let text = text.trim();
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(json!(ms));
    }
    let unit = |c: char| match c {
        's' => Some(1_000),
        'm' => Some(60_000),
        'h' => Some(3_600_000),
        'd' => Some(86_400_000),
        _ => None,
    };
    if let Some(last) = text.chars().last()
        && let Some(ms_per) = unit(last)
        && let Ok(n) = text[..text.len() - 1].parse::<i64>()
    {
        anyhow::ensure!(n > 0, "--until {text}: a duration must be positive");
        return Ok(json!(chrono::Utc::now().timestamp_millis() + n * ms_per));
    }
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return Ok(json!(text));
    }
    anyhow::bail!(
        "--until `{text}`: give a duration (30m, 2h), an RFC 3339 time with a zone, or epoch milliseconds"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_takes_durations_times_and_milliseconds() {
        let now = chrono::Utc::now().timestamp_millis();
        let in_half_an_hour = parse_until("30m").unwrap().as_i64().unwrap();
        assert!((in_half_an_hour - now - 1_800_000).abs() < 60_000);
        assert_eq!(
            parse_until("1700000000000").unwrap(),
            json!(1_700_000_000_000_i64)
        );
        assert_eq!(
            parse_until("2026-11-23T10:00:00Z").unwrap(),
            json!("2026-11-23T10:00:00Z")
        );
        let wrong = parse_until("tomorrow").unwrap_err().to_string();
        assert!(
            wrong.contains("tomorrow") && wrong.contains("30m"),
            "{wrong}"
        );
        assert!(parse_until("0m").is_err());
    }

    #[test]
    fn evidence_reads_as_kind_and_id() {
        assert_eq!(evidence_text(&json!({"event": "e12"})), "event e12");
    }
}
