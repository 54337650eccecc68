//! Test fixtures: every test body runs against a fresh SQLite store in a temporary folder, and
//! again against a fresh PostgreSQL database when `RHYME_TEST_DATABASE_URL` points at a server
//! (`tests/scripts/postgres.sh` starts one and prints the URL).

#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use rhyme_store::{Backend, ManualClock, Store};
use sqlx::{AnyConnection, Connection as _, Executor as _};

/// 2023-11-14T22:13:20Z, a fixed incident-time origin.
pub(crate) const T0: i64 = 1_700_000_000_000;

pub(crate) struct Fixture {
    pub store: Store,
    pub clock: ManualClock,
    pub url: String,
    dir: tempfile::TempDir,
}

/// Having a `Drop` makes a test body's `async move` block take the whole fixture rather than
/// only the fields it names, so the temporary folder lives as long as the body runs.
impl Drop for Fixture {
    fn drop(&mut self) {}
}

impl Fixture {
    pub(crate) fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// A second, independent store over the same database: another host replica.
    pub(crate) async fn replica(&self) -> Store {
        let url = (self.backend() == Backend::Postgres).then_some(self.url.as_str());
        Store::open_with_clock(self.dir.path(), url, Arc::new(self.clock.clone()))
            .await
            .unwrap()
    }

    /// A connection that bypasses the store, as someone tampering with the database would.
    pub(crate) async fn raw(&self) -> AnyConnection {
        sqlx::any::install_default_drivers();
        AnyConnection::connect(&self.url).await.unwrap()
    }

    /// Removes the triggers that keep the audit log append-only.
    pub(crate) async fn drop_audit_guard(&self, conn: &mut AnyConnection) {
        let statements: &[&str] = match self.backend() {
            Backend::Sqlite => &[
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
            ],
            Backend::Postgres => &["DROP TRIGGER audit_log_no_change ON audit_log"],
        };
        for statement in statements {
            conn.execute(*statement).await.unwrap();
        }
    }

    pub(crate) fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// Runs `body` on SQLite, then on PostgreSQL when configured.
pub(crate) async fn each_backend<F, Fut>(body: F)
where
    F: Fn(Fixture) -> Fut,
    Fut: Future<Output = ()>,
{
    body(sqlite().await).await;
    match std::env::var("RHYME_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let (fixture, admin_url, name) = postgres(&url).await;
            body(fixture).await;
            drop_database(&admin_url, &name).await;
        }
        _ => eprintln!("note: RHYME_TEST_DATABASE_URL is not set; skipping the PostgreSQL run"),
    }
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(T0);
    let store = Store::open_with_clock(dir.path(), None, Arc::new(clock.clone()))
        .await
        .unwrap();
    let url = format!(
        "sqlite://{}",
        dir.path().join(rhyme_store::SQLITE_FILE).display()
    );
    Fixture {
        store,
        clock,
        url,
        dir,
    }
}

/// A fresh database on the server, so tests running side by side never see each other.
async fn postgres(admin_url: &str) -> (Fixture, String, String) {
    sqlx::any::install_default_drivers();
    let name = format!("rhyme_test_{}", random_suffix());
    let mut admin = AnyConnection::connect(admin_url).await.unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await.unwrap();
    let url = with_database(admin_url, &name);
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(T0);
    let store = Store::open_with_clock(dir.path(), Some(&url), Arc::new(clock.clone()))
        .await
        .unwrap();
    (
        Fixture {
            store,
            clock,
            url,
            dir,
        },
        admin_url.to_string(),
        name,
    )
}

async fn drop_database(admin_url: &str, name: &str) {
    let mut admin = AnyConnection::connect(admin_url).await.unwrap();
    let _ = admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await;
}

/// `postgres://u:p@h:port/db?x` with `db` replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_end..]
        .find('/')
        .map_or(base.len(), |i| authority_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn random_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

pub(crate) fn principal(name: &str, role: rhyme_store::Role) -> rhyme_store::Principal {
    rhyme_store::Principal::new(name, role)
}

pub(crate) fn incident(id: &str) -> rhyme_store::Incident {
    rhyme_store::Incident {
        id: id.into(),
        title: format!("checkout errors ({id})"),
        severity: "SEV2".into(),
        service: "checkout".into(),
        started: T0,
        ended: None,
    }
}

pub(crate) fn event(id: &str, at: i64, text: &str) -> rhyme_store::TimelineEvent {
    rhyme_store::TimelineEvent {
        id: id.into(),
        at,
        actor: "dana".into(),
        role: "ic".into(),
        kind: "message".into(),
        text: text.into(),
        change: None,
    }
}
