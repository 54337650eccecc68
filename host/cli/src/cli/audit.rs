//! `rhyme audit verify`: walks the audit log's hash chain and reports the first entry that
//! was altered, inserted or removed. Exit code 1 when the chain is broken.

use anyhow::bail;
use clap::Subcommand;

use super::{Context, store};

#[derive(Debug, Subcommand)]
pub(super) enum AuditCommand {
    /// Check the whole chain.
    Verify,
}

pub(super) fn run(ctx: &Context, command: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify = command;
    let report = store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let report = db.audit().verify().await;
        db.close().await;
        anyhow::Ok(report?)
    })?;
    if ctx.json {
        println!("{}", serde_json::to_string(&report)?);
    } else if report.is_intact() {
        println!(
            "audit log intact: {} entries, head at {}",
            report.entries, report.head_seq
        );
    }
    match report.problem {
        None => Ok(()),
        Some(problem) => bail!(
            "audit log broken at entry {}: {:?}: {}",
            problem.seq,
            problem.kind,
            problem.why
        ),
    }
}
