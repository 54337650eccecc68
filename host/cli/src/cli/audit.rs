//! `rhyme audit`: check the audit log, seal it, make its key.
//!
//! - `verify` walks the hash chain and compares it with the seals made under the operator's
//!   key and with the anchor file; it prints "intact" or "broken at entry N" with why, then
//!   what was proven and what was not. Exit code 1 when broken.
//! - `anchor` seals the newest entry now (the server also does so every few seconds).
//! - `keygen` writes a new key file, readable by its owner only. The key is never printed.
//!
//! The key file is `[audit] key-file` of `rhyme.toml` (or `RHYME_AUDIT_KEY_FILE`), else
//! `<data>/audit.key` when it exists; the anchor file is `[audit] anchor-file` (or
//! `RHYME_AUDIT_ANCHOR_FILE`), else `<data>/audit-anchor.jsonl`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use rhyme_store::AuditReport;
use rhyme_store::audit::{Anchors, AuditKey};

use super::{Context, store};

/// The key file's name in the data folder when `rhyme.toml` names none.
const DEFAULT_KEY_FILE: &str = "audit.key";
/// The anchor file's name in the data folder when `rhyme.toml` names none.
const DEFAULT_ANCHOR_FILE: &str = "audit-anchor.jsonl";

#[derive(Debug, Subcommand)]
pub(super) enum AuditCommand {
    /// Check the whole chain against the key's seals and the anchor file.
    Verify {
        /// The audit key's file, instead of the configured one.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// The anchor file, instead of the configured one.
        #[arg(long)]
        anchor_file: Option<PathBuf>,
    },
    /// Seal the newest entry now: stored with the key's MAC, and appended to the anchor file.
    Anchor,
    /// Write a new audit key file (mode 0600; an existing one is never replaced).
    Keygen,
}

pub(super) fn run(ctx: &Context, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify {
            key_file,
            anchor_file,
        } => verify(ctx, anchors(ctx, key_file, anchor_file)?),
        AuditCommand::Anchor => anchor(ctx, anchors(ctx, None, None)?),
        AuditCommand::Keygen => keygen(ctx),
    }
}

/// The key and anchor file this data folder is configured with; `key_file` and `anchor_file`
/// (from flags) take precedence. A key file that is named but missing is an error; the default
/// one is simply optional.
pub(super) fn anchors(
    ctx: &Context,
    key_file: Option<PathBuf>,
    anchor_file: Option<PathBuf>,
) -> anyhow::Result<Anchors> {
    let configured = key_file.or_else(|| {
        let path = ctx.config.audit.key_file.as_deref()?;
        Some(in_data(ctx, path))
    });
    let key = match configured {
        Some(path) => {
            if !path.exists() {
                bail!(
                    "no audit key at {}: make one with `rhyme audit keygen`",
                    path.display()
                );
            }
            Some(AuditKey::read_file(&path)?)
        }
        None => {
            let path = ctx.data.join(DEFAULT_KEY_FILE);
            path.exists()
                .then(|| AuditKey::read_file(&path))
                .transpose()?
        }
    };
    let file = anchor_file.unwrap_or_else(|| match &ctx.config.audit.anchor_file {
        Some(path) => in_data(ctx, path),
        None => ctx.data.join(DEFAULT_ANCHOR_FILE),
    });
    Ok(Anchors {
        key: key.map(Arc::new),
        file: Some(file),
    })
}

/// A path from `rhyme.toml`, which lives in the data folder: relative ones are relative to it.
fn in_data(ctx: &Context, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        ctx.data.join(path)
    }
}

/// One line for `rhyme serve`'s start: what the log will be sealed with.
pub(super) fn describe_sealing(anchors: &Anchors) -> String {
    let file = anchors
        .file
        .as_deref()
        .map_or("no anchor file".to_string(), |f| f.display().to_string());
    match &anchors.key {
        Some(key) => format!("audit: sealing with key {} to {file}", key.id()),
        None => format!(
            "audit: sealing to {file} without a key (`rhyme audit keygen` makes one; without it an edit with every later hash recomputed is caught only by the anchor file)"
        ),
    }
}

fn verify(ctx: &Context, anchors: Anchors) -> anyhow::Result<()> {
    let report = store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let report = db.audit().verify_with(&anchors).await;
        db.close().await;
        anyhow::Ok(report?)
    })?;
    if ctx.json {
        println!("{}", serde_json::to_string(&report)?);
    } else if report.is_intact() {
        print!("{}", describe(&report));
    }
    match report.problem {
        None => Ok(()),
        Some(problem) => bail!(
            "audit log broken at entry {} ({}): {}",
            problem.seq,
            problem.kind,
            problem.why
        ),
    }
}

/// An intact report for a person: the verdict, then what is proven and what is not.
fn describe(report: &AuditReport) -> String {
    let mut out = format!(
        "audit log intact: {} entries, head at {}\n",
        report.entries, report.head_seq
    );
    for line in &report.proven {
        out.push_str(&format!("  proven:     {line}\n"));
    }
    for line in &report.unproven {
        out.push_str(&format!("  not proven: {line}\n"));
    }
    out
}

fn anchor(ctx: &Context, anchors: Anchors) -> anyhow::Result<()> {
    let seal = store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let seal = db.audit().seal(&anchors).await;
        db.close().await;
        anyhow::Ok(seal.context("sealing the audit log")?)
    })?;
    let Some(seal) = seal else {
        println!("the audit log is empty: nothing to seal");
        return Ok(());
    };
    if ctx.json {
        println!("{}", serde_json::to_string(&seal)?);
        return Ok(());
    }
    let file = anchors.file.as_deref().map(Path::display);
    match (&seal.key, file) {
        (Some(key), Some(file)) => println!(
            "sealed entry {} with key {key}: stored, and appended to {file}",
            seal.seq
        ),
        (None, Some(file)) => println!(
            "sealed entry {} without a key: appended to {file} (`rhyme audit keygen` makes a key)",
            seal.seq
        ),
        (Some(key), None) => println!("sealed entry {} with key {key}: stored", seal.seq),
        (None, None) => println!(
            "entry {} is the newest; no key or anchor file to seal it with",
            seal.seq
        ),
    }
    Ok(())
}

fn keygen(ctx: &Context) -> anyhow::Result<()> {
    let path = match &ctx.config.audit.key_file {
        Some(path) => in_data(ctx, path),
        None => {
            std::fs::create_dir_all(&ctx.data)
                .with_context(|| format!("creating {}", ctx.data.display()))?;
            ctx.data.join(DEFAULT_KEY_FILE)
        }
    };
    let key = AuditKey::create_file(&path)?;
    println!(
        "wrote a new audit key to {} (id {}, readable by you only)",
        path.display(),
        key.id()
    );
    println!("keep a copy where whoever can write the database cannot: seals are checked with it");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intact_report_says_the_verdict_first_then_what_is_and_is_not_proven() {
        let report = AuditReport {
            entries: 20,
            head_seq: 20,
            problem: None,
            key_id: Some("k".into()),
            sealed_through: Some(20),
            anchored_through: None,
            proven: vec!["entries 1..20: sealed with the audit key k".into()],
            unproven: vec!["no anchor file: entries cut from the end would not show".into()],
        };
        let text = describe(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "audit log intact: 20 entries, head at 20");
        assert!(lines[1].starts_with("  proven:") && lines[1].ends_with("audit key k"));
        assert!(lines[2].starts_with("  not proven: no anchor file"));
    }

    fn context(data: &Path, audit: crate::config::AuditSection) -> Context {
        Context {
            data: data.to_path_buf(),
            json: false,
            config: crate::config::RhymeConfig {
                audit,
                ..Default::default()
            },
        }
    }

    #[test]
    fn the_key_is_configured_or_found_in_the_data_folder_and_a_named_one_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let plain = context(dir.path(), Default::default());
        let none = anchors(&plain, None, None).unwrap();
        assert!(none.key.is_none());
        assert_eq!(none.file.unwrap(), dir.path().join(DEFAULT_ANCHOR_FILE));
        keygen(&plain).unwrap();
        assert!(keygen(&plain).is_err(), "an existing key is never replaced");
        let found = anchors(&plain, None, None).unwrap().key.unwrap();
        let named = context(
            dir.path(),
            crate::config::AuditSection {
                key_file: Some("keys/audit.key".into()),
                anchor_file: Some("/elsewhere/anchor.jsonl".into()),
            },
        );
        let missing = anchors(&named, None, None).unwrap_err().to_string();
        assert!(missing.contains("rhyme audit keygen"), "{missing}");
        std::fs::create_dir(dir.path().join("keys")).unwrap();
        keygen(&named).unwrap();
        let resolved = anchors(&named, None, None).unwrap();
        assert_ne!(resolved.key.unwrap().id(), found.id());
        assert_eq!(resolved.file.unwrap(), Path::new("/elsewhere/anchor.jsonl"));
    }

    #[test]
    fn the_audit_section_of_rhyme_toml_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "[audit]\nkey-file = \"secrets/audit.key\"\nanchor-file = \"anchor.jsonl\"\n";
        std::fs::write(dir.path().join(crate::config::FILE_NAME), toml).unwrap();
        let config = crate::config::RhymeConfig::load(dir.path()).unwrap();
        let ctx = context(dir.path(), config.audit);
        let missing = anchors(&ctx, None, None).unwrap_err().to_string();
        let expected = dir.path().join("secrets/audit.key");
        assert!(
            missing.contains(&expected.display().to_string()),
            "{missing}"
        );
        let flags = anchors(&ctx, None, Some("here.jsonl".into()));
        assert!(
            flags.is_err(),
            "a flag for the anchor file leaves the named key required"
        );
        std::fs::write(
            dir.path().join(crate::config::FILE_NAME),
            "[audit]\nkey-fiel = \"k\"\n",
        )
        .unwrap();
        let typo = crate::config::RhymeConfig::load(dir.path())
            .unwrap_err()
            .to_string();
        assert!(typo.contains("key-fiel"), "{typo}");
    }
}
