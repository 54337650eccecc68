//! Jobs of one incident run one after another, in the order they were queued; jobs of
//! different incidents run side by side.
//!
//! Plugins read what they stored before (a nudge fires once per episode, a rollback is proposed
//! once per deploy) through `incidents.findings`. Two jobs of one incident running at once would
//! both read "not yet" and both store, so each job waits for the one queued before it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// The last job queued for each incident that is still running or waiting.
#[derive(Clone, Default)]
pub struct IncidentOrder {
    last: Arc<Mutex<HashMap<String, Tail>>>,
}

struct Tail {
    turn: u64,
    done: oneshot::Receiver<()>,
}

/// A job's place in its incident's line: wait for [`Place::ready`], run, then drop the place.
pub struct Place {
    order: IncidentOrder,
    incident: String,
    turn: u64,
    before: Option<oneshot::Receiver<()>>,
    // Dropped with the place, which wakes the next job whether this one finished or panicked.
    _done: oneshot::Sender<()>,
}

impl IncidentOrder {
    /// Takes the next place in `incident`'s line; call in queue order.
    pub fn join(&self, incident: &str) -> Place {
        let (done, waiter) = oneshot::channel();
        let mut last = self
            .last
            .lock()
            .expect("the incident order lock is never poisoned");
        let turn = last.get(incident).map_or(0, |tail| tail.turn + 1);
        let before = last
            .insert(incident.to_string(), Tail { turn, done: waiter })
            .map(|tail| tail.done);
        Place {
            order: self.clone(),
            incident: incident.to_string(),
            turn,
            before,
            _done: done,
        }
    }

    /// Incidents with a job running or waiting.
    #[cfg(test)]
    fn busy(&self) -> usize {
        self.last.lock().unwrap().len()
    }
}

impl Place {
    /// Resolves when every job queued before this one for the same incident has finished.
    pub async fn ready(&mut self) {
        if let Some(before) = self.before.take() {
            // An error means the job before was dropped: finished either way.
            let _ = before.await;
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut last = self
            .order
            .last
            .lock()
            .expect("the incident order lock is never poisoned");
        if last
            .get(&self.incident)
            .is_some_and(|tail| tail.turn == self.turn)
        {
            last.remove(&self.incident);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn one_incident_runs_in_queue_order_and_others_do_not_wait() {
        let order = IncidentOrder::default();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, incident, sleep_ms) in [
            ("a1", "a", 40),
            ("b1", "b", 0),
            ("a2", "a", 0),
            ("a3", "a", 10),
        ] {
            let mut place = order.join(incident);
            let log = log.clone();
            tasks.push(tokio::spawn(async move {
                place.ready().await;
                tokio::time::sleep(Duration::from_millis(sleep_ms)).await;
                log.lock().unwrap().push(name);
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let log = log.lock().unwrap().clone();
        assert_eq!(
            log.iter()
                .filter(|n| n.starts_with('a'))
                .copied()
                .collect::<Vec<_>>(),
            ["a1", "a2", "a3"]
        );
        assert_eq!(log[0], "b1", "b does not wait for a: {log:?}");
        assert_eq!(order.busy(), 0, "finished incidents are forgotten");
    }

    #[tokio::test]
    async fn a_job_that_panicked_does_not_block_the_next() {
        let order = IncidentOrder::default();
        let mut first = order.join("a");
        let mut second = order.join("a");
        let failed = tokio::spawn(async move {
            first.ready().await;
            panic!("a plugin job failed");
        });
        assert!(failed.await.is_err());
        tokio::time::timeout(Duration::from_secs(5), second.ready())
            .await
            .expect("the next job runs");
    }
}
