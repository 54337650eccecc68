//! `rhyme changes import FILE`: changes (deploys, rollbacks, config, feature flags,
//! infrastructure, freezes) from a JSON lines file, one change a line in the shape `POST
//! /v1/changes` takes. The whole file is read and checked first; any bad line stops the import
//! with nothing stored, naming the file, the line and the field. Ids already stored are
//! counted and skipped, so importing a file twice stores nothing twice.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use rhyme_server::api::changes::NewChange;
use rhyme_store::Change;

use super::{Context, store};

/// What to do with changes.
#[derive(Debug, Subcommand)]
pub(crate) enum ChangesCommand {
    /// Store the changes of a JSON lines file (one change a line, as `POST /v1/changes` takes).
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The JSON lines file; blank lines are skipped.
    file: PathBuf,
}

/// The most bad lines listed before the rest are only counted.
const SHOWN_ERRORS: usize = 20;

pub(super) fn run(ctx: &Context, command: ChangesCommand) -> anyhow::Result<()> {
    let ChangesCommand::Import(args) = command;
    let changes = read(&args.file)?;
    let (stored, before) = store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let mut stored = 0usize;
        for (line, change) in &changes {
            let new = db
                .add_change(change)
                .await
                .with_context(|| format!("{}:{line}", args.file.display()))?;
            stored += usize::from(new);
        }
        db.close().await;
        anyhow::Ok((stored, changes.len() - stored))
    })?;
    if ctx.json {
        println!(
            "{}",
            serde_json::json!({"stored": stored, "already_stored": before})
        );
    } else {
        println!(
            "{}: {stored} changes stored, {before} already stored",
            args.file.display()
        );
    }
    Ok(())
}

/// Every change of `path` with its line number, or every bad line's error.
fn read(path: &Path) -> anyhow::Result<Vec<(usize, Change)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), i + 1);
        match parse(line) {
            Ok(change) => changes.push((i + 1, change)),
            Err(why) => errors.push(format!("{at}: {why}")),
        }
    }
    if errors.is_empty() {
        return Ok(changes);
    }
    let mut message = errors[..errors.len().min(SHOWN_ERRORS)].join("\n");
    if errors.len() > SHOWN_ERRORS {
        message.push_str(&format!("\n... and {} more", errors.len() - SHOWN_ERRORS));
    }
    bail!(
        "{} bad line(s); nothing was imported:\n{message}",
        errors.len()
    )
}

/// One line as a change; an error names the field at fault.
fn parse(line: &str) -> Result<Change, String> {
    let input: NewChange = rhyme_server::body::parse(line.as_bytes()).map_err(|e| e.to_string())?;
    let change = input.into_change("import");
    change.check().map_err(|e| e.to_string())?;
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_line_is_named_by_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("changes.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"id": "c1", "kind": "deploy", "service": "cart", "at": "2026-12-06T10:40:00Z"}"#,
                "\n\n",
                r#"{"id": "c2", "kind": "deploy", "service": "cart", "at": "yesterday"}"#,
                "\n",
                r#"{"id": "c3", "kind": "deploy", "at": 1}"#,
                "\n"
            ),
        )
        .unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(error.contains("changes.jsonl:3: `at`"), "{error}");
        assert!(
            error.contains("changes.jsonl:4: invalid `service`"),
            "{error}"
        );
        assert!(!error.contains(":1:"), "{error}");
    }
}
