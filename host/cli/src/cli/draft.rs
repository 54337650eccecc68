//! `rhyme draft TIMELINE.json`: what the drafting plugin proposes for an incident (a CAN status
//! update or a postmortem draft), with its review lint, as a reviewer will see it queued.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde_json::json;

use rhyme_eval::drafts::{self, Comparison};
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_runtime::{CallContext, LoadedPlugin};
use rhyme_world::types::{Output, Query};

use super::{Context, plugin::sandbox, show};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum DraftKind {
    /// Condition, Action, Need and the next update time.
    StatusUpdate,
    /// Summary, timeline, impact, contributing factors ... action items.
    Postmortem,
}

impl DraftKind {
    fn query(self) -> &'static str {
        match self {
            DraftKind::StatusUpdate => "status-update",
            DraftKind::Postmortem => "postmortem",
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct DraftArgs {
    /// A timeline file (the format of shared/data/timelines).
    file: PathBuf,
    /// What to draft.
    #[arg(long, value_enum, default_value = "status-update")]
    kind: DraftKind,
    /// Draft as of this time (ISO-8601 or Unix seconds); default: the last event.
    #[arg(long, value_parser = rhyme_world::series::parse_time)]
    at: Option<f64>,
    /// The drafting plugin.
    #[arg(long, default_value = "draft-summary")]
    plugin: String,
}

pub(super) fn run(ctx: &Context, args: DraftArgs) -> anyhow::Result<()> {
    let timeline = rhyme_core::timeline::load_file(&args.file)?;
    let store = Arc::new(MemoryIncidents::new());
    let sandbox = sandbox(ctx)?;
    let chat = rhyme_capabilities::openai_chat::backend(ctx.config.llm()?)?;
    let backends = Backends {
        incidents: Some(store.clone()),
        chat,
        ..Backends::default()
    };
    let (plugin, _) = super::store::wait(ctx.registry().load(&sandbox, &args.plugin, &backends))?;
    let (incident, events) = rhyme_runtime::replay::incident_of(&timeline);
    let now = args.at.map_or_else(
        || events.last().map_or(incident.started, |e| e.at),
        |t| (t * 1000.0) as i64,
    );
    store.insert(incident.clone(), events);
    let output = draft(&plugin, &incident.id, now, args.kind)?;
    show::output(ctx, &args.plugin, &output);
    Ok(())
}

/// Asks the drafting plugin for one draft about an incident already in its store.
pub(super) fn draft(
    plugin: &LoadedPlugin,
    incident: &str,
    now: i64,
    kind: DraftKind,
) -> anyhow::Result<Output> {
    let query = Query {
        text: kind.query().into(),
        incident: Some(incident.to_string()),
        limit: 1,
    };
    Ok(super::store::wait(plugin.on_query(CallContext { now }, &query))?.value)
}

/// What `rhyme eval drafts` checks in one status-update draft.
pub(super) struct CanCheck {
    /// Condition, Action and Need each have at least one line.
    pub all_parts: bool,
    /// A next update time is given.
    pub next_update: bool,
    /// Statement lines, and those citing only events that exist.
    pub statements: usize,
    pub cited_ok: usize,
    /// Blame phrases found by the review lint in the draft.
    pub blame: usize,
}

/// Reads a rendered CAN draft back: its parts, its citations, its blame.
pub(super) fn check_can(body: &str, event_ids: &[String]) -> CanCheck {
    let mut part = "";
    let mut lines_in = std::collections::HashMap::<&str, usize>::new();
    let (mut statements, mut cited_ok) = (0, 0);
    for line in body.lines().map(str::trim) {
        if let Some(heading) = line.strip_prefix("**").and_then(|l| l.strip_suffix("**")) {
            part = ["Condition", "Action", "Need"]
                .into_iter()
                .find(|p| heading == *p)
                .unwrap_or("");
            continue;
        }
        if let Some(statement) = line.strip_prefix("- ") {
            *lines_in.entry(part).or_default() += 1;
            statements += 1;
            let cites: Vec<&str> = statement
                .split("[#")
                .skip(1)
                .filter_map(|c| c.split(']').next())
                .collect();
            if !cites.is_empty() && cites.iter().all(|c| event_ids.iter().any(|id| id == c)) {
                cited_ok += 1;
            }
        }
    }
    CanCheck {
        all_parts: ["Condition", "Action", "Need"]
            .iter()
            .all(|p| lines_in.get(p).copied().unwrap_or(0) > 0),
        next_update: body.contains("**Next update: "),
        statements,
        cited_ok,
        blame: review_lint::blame::scan(body).len(),
    }
}

/// `rhyme eval drafts --timelines DIR`: a status update at the end of every timeline.
pub(super) fn eval(
    ctx: &Context,
    folder: &std::path::Path,
    name: &str,
    folds: Option<usize>,
) -> anyhow::Result<()> {
    let (timelines, store, plugin) = super::eval::replay_setup(ctx, folder, name)?;
    let (mut complete, mut statements, mut cited_ok, mut blame) = (0, 0, 0, 0);
    for timeline in &timelines {
        let (incident, events) = rhyme_runtime::replay::incident_of(timeline);
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        let now = events.last().map_or(incident.started, |e| e.at);
        store.insert(incident.clone(), events);
        let output = draft(&plugin, &incident.id, now, DraftKind::StatusUpdate)?;
        let body = output.proposals.first().map_or("", |p| p.body.as_str());
        let check = check_can(body, &ids);
        let whole = check.all_parts && check.next_update;
        println!(
            "{}",
            json!({ "id": timeline.id, "all_parts": check.all_parts, "next_update": check.next_update, "statements": check.statements, "cited_ok": check.cited_ok, "blame": check.blame })
        );
        complete += usize::from(whole);
        statements += check.statements;
        cited_ok += check.cited_ok;
        blame += check.blame;
    }
    let compared: Vec<Vec<Comparison>> = timelines
        .iter()
        .map(|t| against_real_updates(&plugin, &store, t))
        .collect::<anyhow::Result<_>>()?;
    let all: Vec<Comparison> = compared.iter().flatten().cloned().collect();
    let summary = json!({ "timelines": timelines.len(), "complete_can_drafts": complete, "statements": statements, "statements_citing_existing_events": cited_ok, "blame_phrases": blame, "against_real_updates": drafts::summarize(&all) });
    let validation = folds
        .map(|k| {
            let ids: Vec<&str> = timelines.iter().map(|t| t.id.as_str()).collect();
            let strata: Vec<String> = timelines.iter().map(|t| format!("{:?}", t.kind)).collect();
            super::folds::unfitted(&ids, &strata, k, "the drafting rules", |held| {
                let fold: Vec<Comparison> =
                    held.iter().flat_map(|&i| compared[i].clone()).collect();
                Ok(drafts::summarize(&fold))
            })
        })
        .transpose()?;
    super::folds::print_summary(summary, validation);
    Ok(())
}

/// A draft at the moment of each status update a responder posted, from the events before it
/// only, compared with what they wrote. Prints one line per update.
fn against_real_updates(
    plugin: &LoadedPlugin,
    store: &MemoryIncidents,
    timeline: &rhyme_core::timeline::Timeline,
) -> anyhow::Result<Vec<Comparison>> {
    let (incident, events) = rhyme_runtime::replay::incident_of(timeline);
    let mut comparisons = Vec::new();
    for (k, event) in events.iter().enumerate().skip(1) {
        if event.kind != "status_update" {
            continue;
        }
        let moment = rhyme_world::types::Incident {
            id: format!("{}@{k}", incident.id),
            ..incident.clone()
        };
        store.insert(moment.clone(), events[..k].to_vec());
        let output = draft(plugin, &moment.id, event.at, DraftKind::StatusUpdate)?;
        let body = output.proposals.first().map_or("", |p| p.body.as_str());
        let comparison = drafts::compare(&event.text, body);
        println!(
            "{}",
            json!({ "id": timeline.id, "real_update": event.id, "against_real_update": comparison })
        );
        comparisons.push(comparison);
    }
    Ok(comparisons)
}
