//! The queue's waiting work: one line per incident, served in turns.
//!
//! A burst on one incident must not hold up another: each incident's jobs wait in its own line,
//! the lines take turns (round robin), and a line whose job is running is skipped until that
//! job is done, which keeps one incident's jobs in order (plugins read what they stored before).
//! Room is counted in events: a line may hold at most `per_incident` of them, all lines together
//! `total`, and an incident with nothing waiting may always queue one job, so a loud incident
//! cannot keep a new incident, or an alert, out.
//!
//! When a line has built a backlog, the next turn takes every event job waiting in it at once
//! ([`Taken::jobs`]), so the worker can answer them with one plugin call instead of one per event.

use std::collections::{HashMap, VecDeque};

use crate::queue::Job;

/// How much the queue holds, in events (a series, a tick or a seen-before answer weighs one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Events waiting or running, all incidents together.
    pub total: usize,
    /// Events waiting or running for one incident.
    pub per_incident: usize,
}

impl QueueLimits {
    /// `total` events in all, a tenth of them per incident: ten incidents can be loud at once
    /// before a request that does not yet know its incident (an alert) is refused.
    pub fn with_total(total: usize) -> QueueLimits {
        let total = total.max(1);
        QueueLimits {
            total,
            per_incident: (total / 10).max(1),
        }
    }
}

/// Most events one turn takes from a line.
const MOST_PER_TURN: usize = 20_000;

/// Why a place was refused, and how much work stands before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refused {
    /// Events that must run before the place would be given.
    pub excess: usize,
    /// Lines with work, sharing the worker with the one refused.
    pub busy_lines: usize,
}

/// Work handed to the worker.
#[derive(Debug)]
pub(crate) enum Taken {
    /// Jobs of one incident, in queue order: one job, or every event job that was waiting.
    Incident {
        incident: String,
        jobs: Vec<Job>,
        weight: usize,
    },
    /// A job that waits for no other (a seen-before answer).
    Unordered(Job),
}

#[derive(Default)]
struct Line {
    jobs: VecDeque<Job>,
    /// Events waiting, reserved or running.
    weight: usize,
    running: bool,
    /// In `turns`.
    waiting: bool,
}

/// Every line, and whose turn is next.
#[derive(Default)]
pub(crate) struct Lines {
    lines: HashMap<String, Line>,
    turns: VecDeque<String>,
    unordered: VecDeque<Job>,
    /// Events waiting, reserved or running, all lines.
    used: usize,
    /// Places reserved and not yet filled or given back.
    reserved: usize,
}

impl Lines {
    /// Takes `weight` events' room for `incident` (`None` when the request does not know its
    /// incident yet), or says how much must drain first.
    pub(crate) fn reserve(
        &mut self,
        incident: Option<&str>,
        weight: usize,
        limits: QueueLimits,
    ) -> Result<(), Refused> {
        let queued = incident
            .and_then(|i| self.lines.get(i))
            .map_or(0, |l| l.weight);
        let fresh = incident.is_some() && queued == 0;
        if !fresh {
            let refused = |excess| Refused {
                excess,
                busy_lines: self.busy_lines(),
            };
            if incident.is_some() && queued + weight > limits.per_incident {
                return Err(refused(queued + weight - limits.per_incident));
            }
            if self.used + weight > limits.total {
                return Err(refused(self.used + weight - limits.total));
            }
        }
        self.add_weight(incident, weight);
        self.reserved += 1;
        Ok(())
    }

    /// Gives back a reservation that was not used.
    pub(crate) fn cancel(&mut self, incident: Option<&str>, weight: usize) {
        self.reserved -= 1;
        self.remove_weight(incident, weight);
    }

    /// Fills a reservation with `job` (whose own weight may differ from what was reserved).
    pub(crate) fn fill(&mut self, reserved: (Option<&str>, usize), job: Job) {
        self.cancel(reserved.0, reserved.1);
        self.push(job);
    }

    /// Queues `job` without a reservation (work already owed, taken over after a crash).
    pub(crate) fn push(&mut self, job: Job) {
        let weight = job.weight();
        match job.incident_ordered().map(str::to_string) {
            None => {
                self.used += weight;
                self.unordered.push_back(job);
            }
            Some(incident) => {
                self.add_weight(Some(&incident), weight);
                let line = self.lines.get_mut(&incident).expect("just added");
                line.jobs.push_back(job);
                if !line.running && !line.waiting {
                    line.waiting = true;
                    self.turns.push_back(incident);
                }
            }
        }
    }

    /// The next work to run, if any is waiting and its incident is not already running.
    pub(crate) fn take(&mut self) -> Option<Taken> {
        if let Some(job) = self.unordered.pop_front() {
            return Some(Taken::Unordered(job));
        }
        let incident = self.turns.pop_front()?;
        let line = self
            .lines
            .get_mut(&incident)
            .expect("a line in turn exists");
        line.waiting = false;
        line.running = true;
        let first = line.jobs.pop_front().expect("a line in turn has a job");
        let mut weight = first.weight();
        let merging = matches!(first, Job::Events { .. });
        let mut jobs = vec![first];
        while let Some(next @ Job::Events { .. }) = line.jobs.front() {
            if !merging || weight + next.weight() > MOST_PER_TURN {
                break;
            }
            weight += next.weight();
            jobs.push(line.jobs.pop_front().expect("just seen"));
        }
        Some(Taken::Incident {
            incident,
            jobs,
            weight,
        })
    }

    /// Marks taken work done: its room is free, and its incident's next job may run.
    pub(crate) fn done(&mut self, taken: &TakenRoom) {
        match &taken.incident {
            None => self.used -= taken.weight,
            Some(incident) => {
                self.remove_weight(Some(incident), taken.weight);
                if let Some(line) = self.lines.get_mut(incident) {
                    line.running = false;
                    if !line.jobs.is_empty() && !line.waiting {
                        line.waiting = true;
                        self.turns.push_back(incident.clone());
                    }
                }
                self.forget_if_idle(incident);
            }
        }
    }

    /// Nothing waiting and no place reserved: once senders are gone, the worker may stop.
    pub(crate) fn drained(&self) -> bool {
        self.reserved == 0 && self.unordered.is_empty() && self.turns.is_empty()
    }

    /// Events waiting, reserved or running.
    pub(crate) fn used(&self) -> usize {
        self.used
    }

    /// Events waiting, reserved or running for `incident`.
    pub(crate) fn used_by(&self, incident: &str) -> usize {
        self.lines.get(incident).map_or(0, |l| l.weight)
    }

    /// Incidents with work waiting, reserved or running.
    pub(crate) fn busy_lines(&self) -> usize {
        self.lines.len()
    }

    fn add_weight(&mut self, incident: Option<&str>, weight: usize) {
        self.used += weight;
        if let Some(incident) = incident {
            self.lines.entry(incident.to_string()).or_default().weight += weight;
        }
    }

    fn remove_weight(&mut self, incident: Option<&str>, weight: usize) {
        self.used -= weight;
        if let Some(incident) = incident {
            if let Some(line) = self.lines.get_mut(incident) {
                line.weight -= weight;
            }
            self.forget_if_idle(incident);
        }
    }

    fn forget_if_idle(&mut self, incident: &str) {
        let idle = self
            .lines
            .get(incident)
            .is_some_and(|l| l.weight == 0 && !l.running && l.jobs.is_empty());
        if idle {
            self.lines.remove(incident);
        }
    }
}

/// The room a piece of taken work holds until it is done.
#[derive(Debug, Clone)]
pub(crate) struct TakenRoom {
    pub incident: Option<String>,
    pub weight: usize,
}

impl Taken {
    /// The room this work holds.
    pub(crate) fn room(&self) -> TakenRoom {
        match self {
            Taken::Incident {
                incident, weight, ..
            } => TakenRoom {
                incident: Some(incident.clone()),
                weight: *weight,
            },
            Taken::Unordered(job) => TakenRoom {
                incident: None,
                weight: job.weight(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(incident: &str, n: usize) -> Job {
        Job::Events {
            job: None,
            incident: incident.into(),
            events: (0..n)
                .map(|i| rhyme_world::types::TimelineEvent {
                    id: format!("e{i}"),
                    at: i as i64,
                    actor: String::new(),
                    role: String::new(),
                    kind: "message".into(),
                    text: String::new(),
                    change: None,
                })
                .collect(),
            by: "test".into(),
        }
    }

    fn tick(incident: &str) -> Job {
        Job::Tick {
            incident: incident.into(),
            now: 0,
        }
    }

    fn incident_of(taken: &Taken) -> &str {
        match taken {
            Taken::Incident { incident, .. } => incident,
            Taken::Unordered(_) => "",
        }
    }

    const LIMITS: QueueLimits = QueueLimits {
        total: 1_000,
        per_incident: 300,
    };

    #[test]
    fn a_loud_incident_is_refused_while_a_new_one_gets_in() {
        let mut lines = Lines::default();
        for _ in 0..3 {
            lines.reserve(Some("loud"), 100, LIMITS).unwrap();
            lines.fill((Some("loud"), 100), events("loud", 100));
        }
        let refused = lines.reserve(Some("loud"), 100, LIMITS).unwrap_err();
        assert_eq!(refused.excess, 100, "300 of 300 held, 100 more asked");
        lines
            .reserve(Some("new"), 100, LIMITS)
            .expect("a new incident is never kept out by another's backlog");
    }

    #[test]
    fn a_full_queue_still_takes_one_job_of_an_incident_with_nothing_queued() {
        let mut lines = Lines::default();
        for i in 0..4 {
            let name = format!("loud-{i}");
            lines.reserve(Some(&name), 250, LIMITS).unwrap();
            lines.fill((Some(&name), 250), events(&name, 250));
        }
        assert!(lines.reserve(None, 1, LIMITS).is_err(), "1000 of 1000 held");
        assert!(lines.reserve(Some("loud-0"), 1, LIMITS).is_err());
        lines.reserve(Some("quiet"), 1, LIMITS).unwrap();
        assert!(
            lines.reserve(Some("quiet"), 1, LIMITS).is_err(),
            "only its first job"
        );
    }

    #[test]
    fn lines_take_turns_and_one_incident_runs_one_turn_at_a_time() {
        let mut lines = Lines::default();
        lines.push(tick("a"));
        lines.push(tick("a"));
        lines.push(tick("b"));
        let first = lines.take().unwrap();
        assert_eq!(incident_of(&first), "a");
        let second = lines.take().unwrap();
        assert_eq!(incident_of(&second), "b", "b does not wait behind a");
        assert!(
            lines.take().is_none(),
            "a's second tick waits for its first"
        );
        lines.done(&first.room());
        assert_eq!(incident_of(&lines.take().unwrap()), "a");
    }

    #[test]
    fn a_backlog_of_event_jobs_is_taken_in_one_turn_in_order() {
        let mut lines = Lines::default();
        lines.push(events("a", 2));
        lines.push(events("a", 3));
        lines.push(tick("a"));
        lines.push(events("a", 1));
        let Some(Taken::Incident { jobs, weight, .. }) = lines.take() else {
            panic!("a's work")
        };
        assert_eq!(jobs.len(), 2, "the tick ends the merge");
        assert_eq!(weight, 5);
        assert_eq!(lines.used(), 7, "running work holds its room until done");
    }

    #[test]
    fn done_work_frees_its_room_and_forgets_the_line() {
        let mut lines = Lines::default();
        lines.reserve(Some("a"), 10, LIMITS).unwrap();
        lines.fill((Some("a"), 10), events("a", 4));
        let taken = lines.take().unwrap();
        lines.done(&taken.room());
        assert_eq!((lines.used(), lines.busy_lines()), (0, 0));
        assert!(lines.drained());
        lines.reserve(None, 1, LIMITS).unwrap();
        assert!(!lines.drained(), "a reservation may still be filled");
        lines.cancel(None, 1);
        assert!(lines.drained());
    }
}
