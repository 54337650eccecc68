//! `rhyme report`: the numbers that matter across incidents over a window, as Markdown
//! (headline numbers first) or, with `--json`, the same figures as JSON. Reads this data
//! folder's store, or with `--remote` a running server's (`GET /v1/report`); `--draft` queues
//! the report in the server's approval gate, so it is published only once a reviewer approves.

use std::path::PathBuf;

use anyhow::Context as _;
use reqwest::Method;
use serde_json::{Value, json};

use super::Context;
use super::remote::{Remote, ServerArgs};

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// How far back: a number and a unit (m, h, d, w), e.g. 7d; default 7d.
    #[arg(long, conflicts_with = "from")]
    since: Option<String>,
    /// The window's start instead of --since: RFC 3339 with a zone (2026-12-01T00:00:00Z).
    #[arg(long)]
    from: Option<String>,
    /// The window's end (exclusive), RFC 3339 with a zone; default now.
    #[arg(long)]
    to: Option<String>,
    /// Ask a running server (`--server`, `--token`) instead of reading the local store.
    #[arg(long)]
    remote: bool,
    /// Queue the report as a draft in the server's approval gate (a reviewer publishes it).
    #[arg(long)]
    draft: bool,
    /// Also write the plots (`incidents.svg`, `time-to-resolve.svg`) into this folder.
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    #[command(flatten)]
    server: ServerArgs,
}

pub(super) fn run(ctx: &Context, args: ReportArgs) -> anyhow::Result<()> {
    super::store::runtime()?.block_on(async {
        if args.draft {
            return queue(ctx, &args).await;
        }
        let report = if args.remote {
            let query = window_query(&args);
            let value = Remote::new(&args.server)?
                .call_with_query(Method::GET, &["v1", "report"], &query, None)
                .await?;
            serde_json::from_value(value).context("reading the server's report")?
        } else {
            let store = super::store::open(ctx).await?;
            let window = rhyme_report::Window::parse(
                "--",
                args.since.as_deref(),
                args.from.as_deref(),
                args.to.as_deref(),
                store.now(),
            )?;
            let report = rhyme_report::build(&store, window).await;
            store.close().await;
            report?
        };
        if let Some(dir) = &args.plots {
            write_plots(&report, dir)?;
        }
        if ctx.json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            print!("{}", rhyme_report::markdown::render(&report));
        }
        Ok(())
    })
}

fn window_query(args: &ReportArgs) -> Vec<(&'static str, &str)> {
    [
        ("since", args.since.as_deref()),
        ("from", args.from.as_deref()),
        ("to", args.to.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect()
}

/// Queues the report through `POST /v1/report/drafts`.
async fn queue(ctx: &Context, args: &ReportArgs) -> anyhow::Result<()> {
    let body: Value = json!({"since": args.since, "from": args.from, "to": args.to});
    let body = Value::Object(
        body.as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    );
    let proposal = Remote::new(&args.server)?
        .call(Method::POST, &["v1", "report", "drafts"], Some(&body))
        .await?;
    if ctx.json {
        println!("{proposal}");
    } else {
        println!(
            "queued {} as proposal {}; a reviewer approves it before it is published",
            proposal["title"].as_str().unwrap_or("the report"),
            proposal["id"].as_str().unwrap_or("-")
        );
    }
    Ok(())
}

fn write_plots(report: &rhyme_report::Report, dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("--plots: creating {}", dir.display()))?;
    for name in rhyme_report::plots::NAMES {
        let Some(plot) = rhyme_report::plots::svg(report, name) else {
            continue;
        };
        match plot {
            Ok(svg) => {
                let path = dir.join(format!("{name}.svg"));
                std::fs::write(&path, svg)
                    .with_context(|| format!("--plots: writing {}", path.display()))?;
            }
            // Nothing resolved in the window: say so and go on with the report.
            Err(e) => eprintln!("note: {e}"),
        }
    }
    Ok(())
}
