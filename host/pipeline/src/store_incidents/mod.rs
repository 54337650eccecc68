//! The durable incident store behind the `incidents` capability.
//!
//! Plugin calls are synchronous and run on blocking threads (`spawn_blocking`), while the
//! store is async. [`StoreIncidents`] bridges the two by handing each read to the tokio
//! runtime it was made on and waiting for the answer on a oneshot channel; waiting that way
//! on one of the runtime's own worker threads would stall it, and tokio panics rather than
//! let that happen silently.

pub mod convert;

use std::future::Future;

use rhyme_store::{Error as StoreError, Store};
use tokio::runtime::Handle;

use rhyme_runtime::capability::backend::{BackendError, IncidentSource, TimelineRead};
use rhyme_world::Timestamp;
use rhyme_world::types::{Finding, Incident, MetricSeries, Postmortem, TimelineEvent};

/// Incidents, timelines, series, findings and postmortems read from a [`Store`].
#[derive(Debug, Clone)]
pub struct StoreIncidents {
    store: Store,
    runtime: Handle,
}

impl StoreIncidents {
    /// Reads `store` through the runtime of `runtime` (usually `Handle::current()`).
    pub fn new(store: Store, runtime: Handle) -> StoreIncidents {
        StoreIncidents { store, runtime }
    }

    /// Runs a store read on the runtime and waits for it; call from a blocking thread.
    fn wait<T: Send + 'static>(
        &self,
        read: impl Future<Output = rhyme_store::Result<T>> + Send + 'static,
    ) -> Result<T, BackendError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.runtime.spawn(async move {
            let _ = tx.send(read.await);
        });
        rx.blocking_recv()
            .map_err(|_| BackendError::Unavailable("the store's runtime is shutting down".into()))?
            .map_err(backend_error)
    }
}

/// A store failure as the contract's host error; database details stay in the host log.
fn backend_error(error: StoreError) -> BackendError {
    match error {
        StoreError::NotFound { .. } | StoreError::Invalid { .. } => {
            BackendError::Invalid(error.to_string())
        }
        other => {
            tracing::warn!("incident store read failed: {other}");
            BackendError::Unavailable("the incident store cannot answer now".into())
        }
    }
}

impl IncidentSource for StoreIncidents {
    fn incident(&self, id: &str) -> Result<Option<Incident>, BackendError> {
        let (store, id) = (self.store.clone(), id.to_string());
        self.wait(async move {
            match store.incident(&id).await {
                Ok(incident) => Ok(Some(convert::incident_to_wit(incident))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    fn timeline(
        &self,
        incident: &str,
        read: &TimelineRead<'_>,
    ) -> Result<Vec<TimelineEvent>, BackendError> {
        let (store, id) = (self.store.clone(), incident.to_string());
        let (since, until) = (read.since.unwrap_or(Timestamp::MIN), read.until);
        let events = self.wait(async move { store.events_between(&id, since, until).await })?;
        Ok(events
            .into_iter()
            .map(convert::event_to_wit)
            .filter(|e| read.keeps(e))
            .collect())
    }

    fn series(&self, incident: &str) -> Result<Vec<MetricSeries>, BackendError> {
        let (store, id) = (self.store.clone(), incident.to_string());
        let series = self.wait(async move { store.series(&id).await })?;
        Ok(series.into_iter().map(convert::series_to_wit).collect())
    }

    fn findings(&self, incident: &str) -> Result<Vec<Finding>, BackendError> {
        let (store, id) = (self.store.clone(), incident.to_string());
        let findings = self.wait(async move { store.findings(&id).await })?;
        Ok(findings
            .into_iter()
            .map(|f| convert::finding_to_wit(f.finding))
            .collect())
    }

    fn postmortem(&self, id: &str) -> Result<Option<Postmortem>, BackendError> {
        let (store, id) = (self.store.clone(), id.to_string());
        self.wait(async move {
            match store.postmortem(&id).await {
                Ok(p) => Ok(Some(convert::postmortem_to_wit(p))),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> rhyme_store::Incident {
        rhyme_store::Incident {
            id: "inc-1".into(),
            title: "Checkout errors".into(),
            severity: "SEV2".into(),
            service: "checkout".into(),
            started: 1_000,
            ended: None,
        }
    }

    fn event(id: &str, at: i64, kind: &str) -> rhyme_store::TimelineEvent {
        rhyme_store::TimelineEvent {
            id: id.into(),
            at,
            actor: "ana".into(),
            role: "ic".into(),
            kind: kind.into(),
            text: format!("event {id}"),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_the_store_from_a_blocking_thread() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        store.insert_incident(&incident()).await.unwrap();
        let events = [
            event("a", 2_000, "message"),
            event("b", 3_000, "alert"),
            event("c", 9_000, "message"),
        ];
        store.add_events("inc-1", &events).await.unwrap();

        let source = StoreIncidents::new(store, Handle::current());
        let (found, missing, timeline) = tokio::task::spawn_blocking(move || {
            let found = source.incident("inc-1").unwrap();
            let missing = source.incident("nope").unwrap();
            let kinds = ["Message".to_string()];
            let read = TimelineRead {
                until: 5_000,
                since: None,
                kinds: Some(&kinds),
            };
            let timeline = source.timeline("inc-1", &read).unwrap();
            let since = TimelineRead {
                until: 9_000,
                since: Some(3_000),
                kinds: None,
            };
            let recent = source.timeline("inc-1", &since).unwrap();
            (found, missing, (timeline, recent))
        })
        .await
        .unwrap();
        assert_eq!(found.unwrap().service, "checkout");
        assert!(missing.is_none());
        let ids = |events: &[TimelineEvent]| -> Vec<String> {
            events.iter().map(|e| e.id.clone()).collect()
        };
        assert_eq!(
            ids(&timeline.0),
            ["a"],
            "events after `now` and of other kinds are left out"
        );
        assert_eq!(
            ids(&timeline.1),
            ["b", "c"],
            "the store reads from `since` on"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unknown_incident_is_the_plugins_mistake() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        let source = StoreIncidents::new(store, Handle::current());
        let result = tokio::task::spawn_blocking(move || source.series("nope"))
            .await
            .unwrap();
        assert!(
            matches!(result, Err(BackendError::Invalid(_))),
            "{result:?}"
        );
    }
}
