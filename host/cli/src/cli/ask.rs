//! `rhyme ask "..."` (or `--incident ID`): the past incidents most like what the responder
//! sees, through the seen-before plugin in the sandbox, reordered by the team's feedback on
//! close questions, in lines a tired person can read. Each match shows its id, the id to give
//! feedback on (`rhyme seen-before feedback mark`).

use std::sync::Arc;

use clap::Args;

use rhyme_seen_before::question;
use rhyme_seen_before::service::SeenBefore;

use super::corpus::seen_before_backends;
use super::{Context, plugin::sandbox, store};

#[derive(Debug, Args)]
pub(super) struct AskArgs {
    /// What you see, in your own words ("checkout 502s since the cert rotation, EU only").
    #[arg(required_unless_present = "incident", conflicts_with = "incident")]
    question: Option<String>,
    /// Ask about a stored incident instead: its title, signatures, alerts and latest timeline.
    #[arg(long)]
    incident: Option<String>,
    /// How many past incidents to show (1 to 20).
    #[arg(short = 'k', long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    k: u32,
    /// The plugin that answers.
    #[arg(long, default_value = "seen-before")]
    plugin: String,
}

/// The seen-before service of the command line: the plugin with the model and the data
/// folder's index.
pub(super) fn service(ctx: &Context, plugin: &str) -> anyhow::Result<Arc<SeenBefore>> {
    let backends = seen_before_backends(ctx)?;
    let embedder = backends
        .embedder
        .clone()
        .expect("seen-before backends carry the model");
    let vectors = backends
        .vectors
        .clone()
        .expect("seen-before backends carry the index");
    let (plugin, _) = super::store::wait(ctx.registry().load(&sandbox(ctx)?, plugin, &backends))?;
    let service = Arc::new(SeenBefore::new(plugin, embedder, vectors, ctx.data.clone()));
    // Read here once; the service keeps it until the file changes.
    anyhow::ensure!(
        !service.corpus()?.docs().is_empty(),
        "no postmortems yet: import some with `rhyme corpus import FILE.jsonl|DIR`"
    );
    Ok(service)
}

/// The question's text: as typed, or the incident told as a question.
pub(super) async fn question_text(
    db: &rhyme_store::Store,
    text: Option<&str>,
    incident: Option<&str>,
) -> anyhow::Result<String> {
    match (text, incident) {
        (_, Some(id)) => Ok(question::for_incident(db, id)
            .await
            .map_err(|e| anyhow::anyhow!("--incident {id}: {e}"))?),
        (Some(text), None) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        _ => anyhow::bail!("the question is empty: say what you see, or give --incident ID"),
    }
}

pub(super) fn run(ctx: &Context, args: AskArgs) -> anyhow::Result<()> {
    let service = service(ctx, &args.plugin)?;
    let (text, feedback, now) = store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let text = question_text(&db, args.question.as_deref(), args.incident.as_deref()).await?;
        let feedback = db.seen_before_feedback().await?;
        let now = db.now();
        db.close().await;
        anyhow::Ok((text, feedback, now))
    })?;
    let answer = super::store::wait(service.answer(&text, args.k, &feedback, now))?;
    if ctx.json {
        for m in &answer.matches {
            println!("{}", serde_json::to_string(m)?);
        }
        return Ok(());
    }
    let total = service.corpus()?.docs().len();
    if answer.matches.is_empty() {
        println!("Nothing similar in the {total} postmortems imported.");
        return Ok(());
    }
    if args.incident.is_some() {
        println!("Asked: {text}\n");
    }
    println!(
        "Seen before? {} of {total} postmortems, most similar first:\n",
        answer.matches.len()
    );
    for (rank, m) in answer.matches.iter().enumerate() {
        let mut lines = m.lines();
        lines[0] = format!("{}. {}", rank + 1, lines[0]);
        println!("{}\n", lines.join("\n"));
    }
    println!(
        "Was one of them helpful, or off the mark? rhyme seen-before feedback mark --query \"...\" --match ID --helpful|--not-relevant"
    );
    Ok(())
}
