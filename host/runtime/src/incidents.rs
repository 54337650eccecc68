//! Incidents held in memory: what a replay or an evaluation runs against, behind the same
//! `incidents` capability as the durable store. Each incident keeps its timeline and the
//! findings every plugin made for it, in order.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::capability::backend::{BackendError, IncidentSource, TimelineRead, async_trait};
use rhyme_world::types::{Finding, Incident, MetricSeries, Postmortem, TimelineEvent};

#[derive(Debug, Clone)]
struct Record {
    incident: Incident,
    events: Vec<TimelineEvent>,
    series: Vec<MetricSeries>,
    findings: Vec<Finding>,
}

/// Incidents, timelines and findings in memory.
#[derive(Debug, Default)]
pub struct MemoryIncidents {
    records: RwLock<HashMap<String, Record>>,
    postmortems: RwLock<HashMap<String, Postmortem>>,
}

impl MemoryIncidents {
    /// An empty store.
    pub fn new() -> MemoryIncidents {
        MemoryIncidents::default()
    }

    /// Adds (or replaces) an incident with its whole timeline, sorted by time.
    pub fn insert(&self, incident: Incident, mut events: Vec<TimelineEvent>) {
        events.sort_by_key(|e| e.at);
        let record = Record {
            incident: incident.clone(),
            events,
            series: Vec::new(),
            findings: Vec::new(),
        };
        self.records
            .write()
            .expect("lock")
            .insert(incident.id, record);
    }

    /// Attaches a metric series to an incident.
    pub fn add_series(&self, incident: &str, series: MetricSeries) {
        if let Some(r) = self.records.write().expect("lock").get_mut(incident) {
            r.series.push(series);
        }
    }

    /// Records findings made for an incident, so later calls read them back.
    pub fn add_findings(&self, incident: &str, findings: impl IntoIterator<Item = Finding>) {
        if let Some(r) = self.records.write().expect("lock").get_mut(incident) {
            r.findings.extend(findings);
        }
    }

    /// Adds a past postmortem.
    pub fn add_postmortem(&self, postmortem: Postmortem) {
        self.postmortems
            .write()
            .expect("lock")
            .insert(postmortem.id.clone(), postmortem);
    }

    fn with<R>(&self, id: &str, read: impl FnOnce(&Record) -> R) -> Result<R, BackendError> {
        let records = self.records.read().expect("lock");
        records
            .get(id)
            .map(read)
            .ok_or_else(|| BackendError::Invalid(format!("no incident `{id}`")))
    }
}

#[async_trait]
impl IncidentSource for MemoryIncidents {
    async fn incident(&self, id: &str) -> Result<Option<Incident>, BackendError> {
        Ok(self
            .records
            .read()
            .expect("lock")
            .get(id)
            .map(|r| r.incident.clone()))
    }

    async fn timeline(
        &self,
        incident: &str,
        read: &TimelineRead<'_>,
    ) -> Result<Vec<TimelineEvent>, BackendError> {
        self.with(incident, |r| {
            r.events
                .iter()
                .take_while(|e| e.at <= read.until)
                .filter(|e| read.keeps(e))
                .cloned()
                .collect()
        })
    }

    async fn series(&self, incident: &str) -> Result<Vec<MetricSeries>, BackendError> {
        self.with(incident, |r| r.series.clone())
    }

    async fn findings(&self, incident: &str) -> Result<Vec<Finding>, BackendError> {
        self.with(incident, |r| r.findings.clone())
    }

    async fn postmortem(&self, id: &str) -> Result<Option<Postmortem>, BackendError> {
        Ok(self.postmortems.read().expect("lock").get(id).cloned())
    }
}
