//! `rhyme themes`: the recurring mechanisms among the team's postmortems (the data folder's,
//! as `rhyme corpus import` stored them) or an imported corpus file: each group on one line a
//! tired SRE can read, its incidents oldest first beneath it, then the action items promised
//! after them (from this data folder's store) and where each stands.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use rhyme_seen_before::corpus::{Corpus, read_source};
use rhyme_seen_before::themes::promises::Promises;
use rhyme_seen_before::themes::{self, Theme, ThemeOptions};

use super::Context;
use super::corpus::load_embedder;

#[derive(Debug, Args)]
pub(super) struct ThemesArgs {
    /// Group the postmortems of this file (`.jsonl`, the shared corpus format) or folder of
    /// Markdown postmortems instead of the data folder's.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Cosine distance under which incidents are grouped (0 to 1; larger makes bigger groups).
    #[arg(long, default_value_t = themes::DEFAULT_THRESHOLD)]
    threshold: f32,
}

pub(super) fn run(ctx: &Context, args: ThemesArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.threshold),
        "--threshold {} is not between 0 and 1",
        args.threshold
    );
    let docs = match &args.corpus {
        Some(path) => read_source(path)?,
        None => Corpus::open(&ctx.data)?.docs().to_vec(),
    };
    anyhow::ensure!(
        !docs.is_empty(),
        "no postmortems to group: import some with `rhyme corpus import FILE.jsonl|DIR`, or pass --corpus"
    );
    let options = ThemeOptions {
        threshold: args.threshold,
        ..ThemeOptions::default()
    };
    let promises = load_promises(ctx)?;
    let embedder = load_embedder(ctx)?;
    let found = themes::themes(&docs, embedder.as_ref(), &options, &promises)?;
    if ctx.json {
        let grouped: usize = found.iter().map(|t| t.members.len()).sum();
        println!(
            "{}",
            json!({ "postmortems": docs.len(), "grouped": grouped, "themes": found })
        );
        return Ok(());
    }
    print!("{}", render(&found, docs.len()));
    Ok(())
}

/// The action items this data folder's store keeps, to show under the groups they were
/// promised in.
fn load_promises(ctx: &Context) -> anyhow::Result<Promises> {
    super::store::runtime()?.block_on(async {
        let store = super::store::open(ctx).await?;
        let promises = Promises::load(&store).await;
        store.close().await;
        Ok(promises?)
    })
}

/// The groups as text: a headline per group, then its incidents, then its notes.
pub(super) fn render(found: &[Theme], postmortems: usize) -> String {
    let mut out = String::new();
    for theme in found {
        out.push_str(&headline(theme));
        out.push('\n');
        for m in &theme.members {
            let company = m
                .company
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<10}  {}  {}{company}\n",
                m.date.as_deref().unwrap_or("undated"),
                m.id,
                m.title
            ));
        }
        for note in &theme.notes {
            out.push_str(&format!("  - {note}\n"));
        }
        out.push('\n');
    }
    let grouped: usize = found.iter().map(|t| t.members.len()).sum();
    out.push_str(&match found.len() {
        0 => format!("no recurring mechanism among {postmortems} postmortems\n"),
        n => format!(
            "{n} recurring mechanism{} among {postmortems} postmortems; {} stand alone\n",
            if n == 1 { "" } else { "s" },
            postmortems - grouped
        ),
    });
    out
}

/// "3 incidents, 14 months: certificate expiry (expired, intermediate, chain)".
fn headline(theme: &Theme) -> String {
    let span = theme.span_days.map_or_else(
        || "dates unknown".to_string(),
        |days| format!("over {}", duration(days)),
    );
    let shared = if theme.shared_terms.is_empty() {
        String::new()
    } else {
        format!(" ({})", theme.shared_terms.join(", "))
    };
    format!(
        "{} incidents, {span}: {}{shared}",
        theme.members.len(),
        theme.mechanism.replace('-', " ")
    )
}

/// Days as a person says them: days under two months, months under three years, then years.
fn duration(days: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let months = (days as f64 / 30.44).round() as i64;
    if months < 2 {
        plural(days, "day")
    } else if months < 36 {
        plural(months, "month")
    } else {
        plural((days as f64 / 365.25).round() as i64, "year")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_seen_before::themes::Member;

    fn member(id: &str, date: Option<&str>) -> Member {
        Member {
            id: id.into(),
            title: format!("title of {id}"),
            date: date.map(str::to_string),
            company: None,
            incident: None,
        }
    }

    #[test]
    fn a_group_reads_in_one_line_then_its_incidents() {
        let theme = Theme {
            mechanism: "certificate-expiry".into(),
            shared_terms: vec!["expired".into(), "certificate".into()],
            members: vec![
                member("pm-1", Some("2019-03-02")),
                member("pm-2", Some("2020-05-01")),
                member("pm-3", None),
            ],
            span_days: Some(426),
            notes: vec!["renewal alert promised after pm-1: still planned".into()],
        };
        let text = render(&[theme], 10);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "3 incidents, over 14 months: certificate expiry (expired, certificate)"
        );
        assert_eq!(lines[1], "  2019-03-02  pm-1  title of pm-1");
        assert_eq!(lines[3], "  undated     pm-3  title of pm-3");
        assert_eq!(
            lines[4],
            "  - renewal alert promised after pm-1: still planned"
        );
        assert!(text.ends_with("1 recurring mechanism among 10 postmortems; 7 stand alone\n"));
    }

    #[test]
    fn durations() {
        assert_eq!(duration(1), "1 day");
        assert_eq!(duration(40), "40 days");
        assert_eq!(duration(426), "14 months");
        assert_eq!(duration(3 * 365), "3 years");
    }
}
