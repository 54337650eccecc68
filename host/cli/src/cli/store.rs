//! Opening the incident store from the command line: `<data>/rhyme.db`, or the database that
//! `rhyme.toml` (`[store] database-url`) or `RHYME_DATABASE_URL` names, with `[store]
//! synchronous` on SQLite; and recording what the operator does in its audit log.

use std::sync::Arc;

use anyhow::Context as _;
use rhyme_store::{Actor, Store, SystemClock};

use super::Context;

/// A runtime for one command's store work.
pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The runtime of [`wait`]: one per process, single-threaded, made at the first use.
static STEPS: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();

/// Runs one async step of a command (a plugin loaded or called, an index read or written)
/// to its end on this process's single-threaded runtime for such steps. Not inside
/// [`runtime`]'s `block_on`: there, await the step instead.
pub(super) fn wait_for<F: std::future::Future>(step: F) -> anyhow::Result<F::Output> {
    let runtime = match STEPS.get() {
        Some(runtime) => runtime,
        None => {
            let made = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            STEPS.get_or_init(|| made)
        }
    };
    Ok(runtime.block_on(step))
}

/// [`wait_for`] a step that answers a result, its error as the command's.
pub(super) fn wait<T, E>(step: impl std::future::Future<Output = Result<T, E>>) -> anyhow::Result<T>
where
    anyhow::Error: From<E>,
{
    Ok(wait_for(step)??)
}

/// The store of this data folder, with `rhyme.toml`'s durability and limits on what an
/// incident may hold.
pub(super) async fn open(ctx: &Context) -> anyhow::Result<Store> {
    let store_config = &ctx.config.store;
    let url = store_config.database_url.as_deref();
    let limits = ctx.config.server.store_limits()?;
    let url = url.filter(|u| !u.trim().is_empty());
    let store = Store::open_with(
        &ctx.data,
        url,
        store_config.synchronous,
        Arc::new(SystemClock),
    )
    .await
    .context("opening the incident store")?;
    Ok(store.with_limits(limits))
}

/// The person at the keyboard, as the audit log names them.
pub(super) fn operator() -> Actor {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "operator".into());
    Actor::operator(name)
}

/// Appends an operator action (a plugin install, grant, enable, ...) to the audit log.
pub(super) fn audit(
    ctx: &Context,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let store = open(ctx).await?;
        store
            .audit()
            .append(&operator(), action, subject, &detail)
            .await
            .context("writing the audit log")?;
        store.close().await;
        Ok(())
    })
}
