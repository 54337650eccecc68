//! The durable incident store behind the `incidents` capability. A plugin's read is an
//! async store query, awaited by the plugin call that made it: the call yields while the
//! database answers, and no thread waits.

pub mod convert;

use rhyme_store::{Error as StoreError, Store};

use rhyme_runtime::capability::backend::{BackendError, IncidentSource, TimelineRead, async_trait};
use rhyme_world::Timestamp;
use rhyme_world::types::{Finding, Incident, MetricSeries, Postmortem, TimelineEvent};

/// Incidents, timelines, series, findings and postmortems read from a [`Store`].
#[derive(Debug, Clone)]
pub struct StoreIncidents {
    store: Store,
}

impl StoreIncidents {
    /// Reads `store`.
    pub fn new(store: Store) -> StoreIncidents {
        StoreIncidents { store }
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

#[async_trait]
impl IncidentSource for StoreIncidents {
    async fn incident(&self, id: &str) -> Result<Option<Incident>, BackendError> {
        match self.store.incident(id).await {
            Ok(incident) => Ok(Some(convert::incident_to_wit(incident))),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(backend_error(e)),
        }
    }

    async fn timeline(
        &self,
        incident: &str,
        read: &TimelineRead<'_>,
    ) -> Result<Vec<TimelineEvent>, BackendError> {
        let (since, until) = (read.since.unwrap_or(Timestamp::MIN), read.until);
        let events = self
            .store
            .events_between(incident, since, until)
            .await
            .map_err(backend_error)?;
        Ok(events
            .into_iter()
            .map(convert::event_to_wit)
            .filter(|e| read.keeps(e))
            .collect())
    }

    async fn series(&self, incident: &str) -> Result<Vec<MetricSeries>, BackendError> {
        let series = self.store.series(incident).await.map_err(backend_error)?;
        Ok(series.into_iter().map(convert::series_to_wit).collect())
    }

    async fn findings(&self, incident: &str) -> Result<Vec<Finding>, BackendError> {
        let findings = self.store.findings(incident).await.map_err(backend_error)?;
        Ok(findings
            .into_iter()
            .map(|f| convert::finding_to_wit(f.finding))
            .collect())
    }

    async fn postmortem(&self, id: &str) -> Result<Option<Postmortem>, BackendError> {
        match self.store.postmortem(id).await {
            Ok(p) => Ok(Some(convert::postmortem_to_wit(p))),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(backend_error(e)),
        }
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
            change: None,
        }
    }

    #[tokio::test]
    async fn reads_the_store_from_a_plugin_call() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        store.insert_incident(&incident()).await.unwrap();
        let events = [
            event("a", 2_000, "message"),
            event("b", 3_000, "alert"),
            event("c", 9_000, "message"),
        ];
        store.add_events("inc-1", &events).await.unwrap();

        let source = StoreIncidents::new(store);
        let found = source.incident("inc-1").await.unwrap();
        let missing = source.incident("nope").await.unwrap();
        let kinds = ["Message".to_string()];
        let read = TimelineRead {
            until: 5_000,
            since: None,
            kinds: Some(&kinds),
        };
        let since = TimelineRead {
            until: 9_000,
            since: Some(3_000),
            kinds: None,
        };
        let timeline = (
            source.timeline("inc-1", &read).await.unwrap(),
            source.timeline("inc-1", &since).await.unwrap(),
        );
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

    fn change(
        id: &str,
        kind: rhyme_store::ChangeKind,
        service: &str,
        at: i64,
    ) -> rhyme_store::Change {
        rhyme_store::Change {
            id: id.into(),
            kind,
            service: service.into(),
            environment: "production".into(),
            actor: "ci".into(),
            at,
            revision: "v2.1.0".into(),
            link: "https://ci.example/run/7".into(),
            summary: String::new(),
            source: "github".into(),
            freeze: String::new(),
        }
    }

    #[tokio::test]
    async fn a_stored_change_reaches_plugins_as_its_typed_record() {
        use rhyme_store::ChangeKind as K;
        use rhyme_world::types::ChangeKind;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        store.insert_incident(&incident()).await.unwrap();
        store
            .add_change(&change("f-1", K::FreezeStart, "", 100))
            .await
            .unwrap();
        store
            .add_change(&change("gh-7", K::Rollback, "checkout", 500))
            .await
            .unwrap();
        store
            .add_events("inc-1", &[event("a", 2_000, "message")])
            .await
            .unwrap();
        let read = TimelineRead {
            until: 5_000,
            since: None,
            kinds: None,
        };
        let timeline = StoreIncidents::new(store)
            .timeline("inc-1", &read)
            .await
            .unwrap();

        let by_id = |id: &str| timeline.iter().find(|e| e.id == id).unwrap();
        let rollback = by_id("change:gh-7").change.clone().expect("a typed change");
        assert!(matches!(rollback.kind, ChangeKind::Rollback));
        assert_eq!(
            (rollback.id.as_str(), rollback.service.as_str(), rollback.at),
            ("gh-7", "checkout", 500)
        );
        assert_eq!(
            (rollback.revision.as_str(), rollback.link.as_str()),
            ("v2.1.0", "https://ci.example/run/7")
        );
        assert_eq!(
            (rollback.environment.as_str(), rollback.source.as_str()),
            ("production", "github")
        );
        assert_eq!(
            rollback.freeze.as_deref(),
            Some("f-1"),
            "made during the freeze"
        );
        let freeze = by_id("change:f-1").change.clone().expect("a typed change");
        assert!(matches!(freeze.kind, ChangeKind::FreezeStart));
        assert_eq!(freeze.freeze, None);
        assert!(by_id("a").change.is_none(), "a message is no change");
    }

    #[tokio::test]
    async fn an_unknown_incident_is_the_plugins_mistake() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        let source = StoreIncidents::new(store);
        let result = source.series("nope").await;
        assert!(
            matches!(result, Err(BackendError::Invalid(_))),
            "{result:?}"
        );
    }
}
