//! `rhyme seen-before feedback mark|list|export`: a responder's verdict on a match, from the
//! command line, and the team's verdicts as labelled queries (the format of
//! `../shared/data/postmortems/queries.jsonl`) so that its own history becomes an evaluation
//! set for `rhyme eval seen-before --queries`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{ArgGroup, Args, Subcommand};
use rhyme_store::{Actor, Feedback, FeedbackVerdict, NewFeedback};
use serde_json::json;

use rhyme_seen_before::feedback::latest;

use super::ask::{question_text, service};
use super::{Context, store};

#[derive(Debug, Subcommand)]
pub(super) enum SeenBeforeCommand {
    /// Responders' verdicts on matches: give one, list them, export them as labelled queries.
    #[command(subcommand)]
    Feedback(FeedbackCommand),
}

#[derive(Debug, Subcommand)]
pub(super) enum FeedbackCommand {
    /// Mark a match of a question helpful or not relevant.
    Mark(MarkArgs),
    /// Every verdict, oldest first.
    List,
    /// The verdicts as labelled queries (JSONL: id, query, relevant), for `rhyme eval
    /// seen-before --queries`: each question with the matches marked helpful.
    Export {
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("asked").required(true).args(["query", "incident"])))]
#[command(group(ArgGroup::new("verdict").required(true).args(["helpful", "not_relevant"])))]
pub(super) struct MarkArgs {
    /// The question as asked (`rhyme ask "..."`).
    #[arg(long)]
    query: Option<String>,
    /// Or the incident it was about (`rhyme ask --incident ID`).
    #[arg(long)]
    incident: Option<String>,
    /// The match's id, shown in brackets after its title.
    #[arg(long = "match", value_name = "POSTMORTEM_ID")]
    match_id: String,
    /// It helped.
    #[arg(long)]
    helpful: bool,
    /// It was off the mark.
    #[arg(long)]
    not_relevant: bool,
    /// Who says so (default: $USER).
    #[arg(long)]
    by: Option<String>,
    /// The plugin that answers.
    #[arg(long, default_value = "seen-before")]
    plugin: String,
}

pub(super) fn run(ctx: &Context, command: SeenBeforeCommand) -> anyhow::Result<()> {
    match command {
        SeenBeforeCommand::Feedback(FeedbackCommand::Mark(args)) => mark(ctx, args),
        SeenBeforeCommand::Feedback(FeedbackCommand::List) => list(ctx),
        SeenBeforeCommand::Feedback(FeedbackCommand::Export { out }) => export(ctx, out),
    }
}

fn mark(ctx: &Context, args: MarkArgs) -> anyhow::Result<()> {
    let service = service(ctx, &args.plugin)?;
    anyhow::ensure!(
        service.knows(&args.match_id)?,
        "--match {}: no such postmortem in the corpus",
        args.match_id
    );
    let verdict = if args.helpful {
        FeedbackVerdict::Helpful
    } else {
        FeedbackVerdict::NotRelevant
    };
    let by = args.by.map(Actor::operator).unwrap_or_else(store::operator);
    let stored = store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let query = question_text(&db, args.query.as_deref(), args.incident.as_deref()).await?;
        let query_vector = service.embed(&query)?;
        let new = NewFeedback {
            query,
            incident: args.incident,
            match_id: args.match_id,
            verdict,
            query_vector,
            model: service.model(),
        };
        let stored = db.add_seen_before_feedback(&by, new).await?;
        db.close().await;
        anyhow::Ok(stored)
    })?;
    if ctx.json {
        println!("{}", serde_json::to_string(&stored)?);
    } else {
        println!(
            "Noted: {} {} for \"{}\" ({}).",
            stored.match_id,
            verdict_words(stored.verdict),
            stored.query,
            stored.by
        );
    }
    Ok(())
}

fn verdict_words(verdict: FeedbackVerdict) -> &'static str {
    match verdict {
        FeedbackVerdict::Helpful => "was helpful",
        FeedbackVerdict::NotRelevant => "was not relevant",
    }
}

fn all_feedback(ctx: &Context) -> anyhow::Result<Vec<Feedback>> {
    store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let all = db.seen_before_feedback().await?;
        db.close().await;
        anyhow::Ok(all)
    })
}

fn list(ctx: &Context) -> anyhow::Result<()> {
    for f in all_feedback(ctx)? {
        if ctx.json {
            println!("{}", serde_json::to_string(&f)?);
        } else {
            println!(
                "{}  {:<12} {:<24} by {:<12} \"{}\"",
                super::show::utc(f.at),
                f.verdict.as_str(),
                f.match_id,
                f.by,
                f.query
            );
        }
    }
    Ok(())
}

/// Each question with the matches marked helpful (grade 2: a responder said it was the
/// echo they needed). The latest verdict of each person counts; a match someone found
/// helpful and someone else not relevant is left out, as unsure. Questions with no helpful
/// match are left out: they have nothing to score against.
pub(super) fn labelled_queries(feedback: &[Feedback]) -> Vec<serde_json::Value> {
    let mut by_query: BTreeMap<&str, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
    for f in latest(feedback) {
        let votes = by_query
            .entry(f.query.as_str())
            .or_default()
            .entry(f.match_id.as_str())
            .or_default();
        match f.verdict {
            FeedbackVerdict::Helpful => votes.0 += 1,
            FeedbackVerdict::NotRelevant => votes.1 += 1,
        }
    }
    let mut out = Vec::new();
    for (query, votes) in by_query {
        let relevant: BTreeMap<&str, u8> = votes
            .iter()
            .filter(|(_, (yes, no))| *yes > 0 && *no == 0)
            .map(|(id, _)| (*id, 2))
            .collect();
        if relevant.is_empty() {
            continue;
        }
        out.push(json!({ "id": format!("fb-{:03}", out.len() + 1), "query": query, "relevant": relevant, "style": "feedback" }));
    }
    out
}

fn export(ctx: &Context, out: Option<PathBuf>) -> anyhow::Result<()> {
    let lines = labelled_queries(&all_feedback(ctx)?);
    let mut text = String::new();
    for line in &lines {
        text.push_str(&serde_json::to_string(line)?);
        text.push('\n');
    }
    match out {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "{} labelled queries written to {}",
                lines.len(),
                path.display()
            );
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(())
}
