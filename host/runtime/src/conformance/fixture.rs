//! A fixture incident: what conformance checks and plugin tests feed to handlers. The
//! standard one is small but varied (an alert, a deploy, a role change, chatter, a status
//! update, and an error-rate series that jumps), so most plugins find something in it;
//! a timeline file in the replay format gives a plugin author their own.

use std::path::Path;
use std::sync::Arc;

use crate::Timestamp;
use crate::incidents::MemoryIncidents;
use crate::replay::incident_of;
use rhyme_world::Sample;
use rhyme_world::types::{Incident, MetricSeries, Query, TimelineEvent};

/// Incident time of the standard fixture's first alert: 2026-01-05 10:00 UTC.
pub const STANDARD_START: Timestamp = 1_767_607_200_000;
const MINUTE: Timestamp = 60_000;

/// An incident, its timeline and its series, as handlers receive them.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The incident.
    pub incident: Incident,
    /// Its timeline, oldest first; ids are unique.
    pub events: Vec<TimelineEvent>,
    /// Series attached to it.
    pub series: Vec<MetricSeries>,
}

impl Fixture {
    /// The built-in fixture.
    pub fn standard() -> Fixture {
        let incident = Incident {
            id: "fixture-checkout".into(),
            title: "Checkout errors after a cart-service deploy".into(),
            severity: "SEV2".into(),
            service: "checkout".into(),
            started: STANDARD_START,
            ended: None,
            update_cadence_minutes: Some(20),
        };
        let event = |i: usize, minute: i64, actor: &str, role: &str, kind: &str, text: &str| {
            TimelineEvent {
                id: i.to_string(),
                at: STANDARD_START + minute * MINUTE,
                actor: actor.into(),
                role: role.into(),
                kind: kind.into(),
                text: text.into(),
                change: None,
            }
        };
        let events = vec![
            event(
                0,
                -4,
                "deploybot",
                "system",
                "deploy",
                "cart-service v2.4.0 rolled out to all regions",
            ),
            event(
                1,
                0,
                "alertmanager",
                "system",
                "alert",
                "checkout 5xx rate above 5% for 2 minutes",
            ),
            event(
                2,
                2,
                "Ana",
                "ic",
                "role_change",
                "Ana here, I am IC. Bo takes ops, Cy handles comms.",
            ),
            event(
                3,
                5,
                "Bo",
                "ops",
                "message",
                "errors started right after the cart-service deploy",
            ),
            event(
                4,
                8,
                "Cy",
                "comms",
                "status_update",
                "Checkout is failing for some customers since 09:56 UTC. Next update by 10:30.",
            ),
        ];
        let samples = (-30..=10).map(|m| Sample {
            at: STANDARD_START + m * MINUTE,
            value: if m < -3 {
                0.8 + (m % 3) as f64 * 0.05
            } else {
                7.5
            },
        });
        let series = vec![MetricSeries::from_samples(
            "checkout_error_rate",
            "%",
            samples,
        )];
        Fixture {
            incident,
            events,
            series,
        }
    }

    /// A fixture from a timeline file in the replay format (`rhyme replay`'s input); it has
    /// no series until [`Fixture::with_series`] adds one.
    pub fn from_timeline_file(path: &Path) -> anyhow::Result<Fixture> {
        let timeline = rhyme_core::timeline::load_file(path)?;
        let (incident, events) = incident_of(&timeline);
        Ok(Fixture {
            incident,
            events,
            series: Vec::new(),
        })
    }

    /// The same fixture with one more series.
    pub fn with_series(mut self, series: MetricSeries) -> Fixture {
        self.series.push(series);
        self
    }

    /// Incident time one minute after the last event (or the start): when ticks are sent.
    pub fn tick_time(&self) -> Timestamp {
        self.events.last().map_or(self.incident.started, |e| e.at) + MINUTE
    }

    /// A question about the incident.
    pub fn query(&self, text: &str) -> Query {
        Query {
            text: text.into(),
            incident: Some(self.incident.id.clone()),
            limit: 5,
        }
    }

    /// The store behind the `incidents` capability, holding this fixture.
    pub fn store(&self) -> Arc<MemoryIncidents> {
        let store = Arc::new(MemoryIncidents::new());
        store.insert(self.incident.clone(), self.events.clone());
        for s in &self.series {
            store.add_series(&self.incident.id, s.clone());
        }
        store
    }

    /// Whether `id` is one of the fixture's event ids.
    pub fn has_event(&self, id: &str) -> bool {
        self.events.iter().any(|e| e.id == id)
    }

    /// Whether `name` is one of the fixture's series.
    pub fn has_series(&self, name: &str) -> bool {
        self.series.iter().any(|s| s.name == name)
    }
}
