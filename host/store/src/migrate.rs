//! The schema: one set of portable migrations, embedded in the binary, plus the append-only
//! guard on the audit log, which has to be written in each database's own trigger language and
//! is therefore (re)installed by code after the migrations run.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::Executor as _;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::db::{Backend, Db};
use crate::error::Result;

/// The migrations, oldest first: (version, description, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (
        2,
        "plugin jobs",
        include_str!("../migrations/0002_plugin_jobs.sql"),
    ),
    (
        3,
        "seen before feedback",
        include_str!("../migrations/0003_seen_before_feedback.sql"),
    ),
    (
        4,
        "proposal revisions",
        include_str!("../migrations/0004_proposal_revisions.sql"),
    ),
    (
        5,
        "audit seals",
        include_str!("../migrations/0005_audit_seals.sql"),
    ),
    (6, "changes", include_str!("../migrations/0006_changes.sql")),
    (
        7,
        "action items",
        include_str!("../migrations/0007_action_items.sql"),
    ),
    (
        8,
        "slack users",
        include_str!("../migrations/0008_slack_users.sql"),
    ),
    (
        10,
        "slack threads",
        include_str!("../migrations/0010_slack_threads.sql"),
    ),
    (
        11,
        "incident event counts",
        include_str!("../migrations/0011_incident_event_counts.sql"),
    ),
];

/// The embedded migrations as sqlx wants them.
#[derive(Debug)]
struct Embedded;

type Resolved = std::result::Result<Vec<Migration>, Box<dyn std::error::Error + Send + Sync>>;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Resolved> + Send + 's>> {
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// Brings the schema up to date and makes sure the audit guard is in place. Safe to run from
/// several replicas at once: sqlx takes a database lock around the migrations.
pub(crate) async fn migrate(db: &Db) -> Result<()> {
    Migrator::new(Embedded).await?.run(&db.pool).await?;
    install_audit_guard(db).await
}

const SQLITE_GUARD: &[&str] = &[
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
];

const POSTGRES_GUARD: &[&str] = &[
    // Replicas starting together would otherwise race on CREATE OR REPLACE.
    "SELECT pg_advisory_xact_lock(7316412905)",
    "CREATE OR REPLACE FUNCTION rhyme_audit_log_append_only() RETURNS trigger
     LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
     FOR EACH ROW EXECUTE FUNCTION rhyme_audit_log_append_only()",
    "CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
     FOR EACH STATEMENT EXECUTE FUNCTION rhyme_audit_log_append_only()",
];

/// Installs the triggers that refuse UPDATE, DELETE (and on PostgreSQL, TRUNCATE) on the
/// audit log. Idempotent; re-opening a store puts back a guard someone dropped.
async fn install_audit_guard(db: &Db) -> Result<()> {
    let statements = match db.backend {
        Backend::Sqlite => SQLITE_GUARD,
        Backend::Postgres => POSTGRES_GUARD,
    };
    let mut tx = db.write().await?;
    for statement in statements {
        tx.conn().execute(*statement).await?;
    }
    tx.commit().await
}
