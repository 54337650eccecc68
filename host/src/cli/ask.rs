//! `rhyme ask "..."`: the past incidents most like what the responder sees, through the
//! seen-before plugin in the sandbox, in lines a tired person can read.

use clap::Args;
use serde_json::json;

use rhyme::runtime::CallContext;
use rhyme::runtime::bindings::types::{FindingKind, Query};
use rhyme::seen_before::corpus::Corpus;

use super::corpus::seen_before_backends;
use super::{Context, plugin::sandbox};

#[derive(Debug, Args)]
pub struct AskArgs {
    /// What you see, in your own words ("checkout 502s since the cert rotation, EU only").
    question: String,
    /// How many past incidents to show.
    #[arg(short = 'k', long, default_value_t = 3)]
    k: u32,
    /// The plugin that answers.
    #[arg(long, default_value = "seen-before")]
    plugin: String,
}

pub fn run(ctx: &Context, args: AskArgs) -> anyhow::Result<()> {
    let corpus = Corpus::open(&ctx.data)?;
    anyhow::ensure!(!corpus.docs().is_empty(), "no postmortems yet: import some with `rhyme corpus import FILE.jsonl|DIR`");
    let backends = seen_before_backends(ctx)?;
    let sandbox = sandbox(ctx)?;
    let (plugin, _) = ctx.registry().load(&sandbox, &args.plugin, &backends)?;
    let query = Query { text: args.question.clone(), incident: None, limit: args.k.max(1) };
    let report = plugin.on_query(CallContext::default(), &query)?;
    let matches: Vec<_> = report.value.findings.iter().filter(|f| f.kind == FindingKind::SimilarIncident).collect();
    if ctx.json {
        for f in &matches {
            let doc = corpus.get(&f.subject);
            println!("{}", json!({
                "id": f.subject, "title": f.title, "detail": f.detail, "confidence": f.confidence,
                "company": doc.and_then(|d| d.company.clone()), "date": doc.and_then(|d| d.date.clone()), "url": doc.and_then(|d| d.url.clone()),
            }));
        }
        return Ok(());
    }
    if matches.is_empty() {
        println!("Nothing similar in the {} postmortems imported.", corpus.docs().len());
        return Ok(());
    }
    println!("Seen before? {} of {} postmortems, most similar first:\n", matches.len(), corpus.docs().len());
    for (rank, f) in matches.iter().enumerate() {
        let heading = corpus.get(&f.subject).map_or_else(|| f.title.clone(), heading);
        println!("{}. {heading}  [{}]", rank + 1, f.subject);
        for line in f.detail.lines() {
            println!("   {line}");
        }
        println!();
    }
    Ok(())
}

/// Company, title and date in full (the finding's title is cut at 80 characters).
fn heading(doc: &rhyme::seen_before::corpus::Postmortem) -> String {
    let title = doc.title.clone().unwrap_or_else(|| doc.id.clone());
    let company = doc.company.as_deref().map(|c| format!("{c}: ")).unwrap_or_default();
    let date = doc.date.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
    format!("{company}{title}{date}")
}
