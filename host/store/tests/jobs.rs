//! Plugin jobs: written with the write they belong to, held under a lease, taken over when the
//! lease runs out, and their results stored exactly once however often (and wherever) they run.

mod common;

use common::{Fixture, T0, each_backend, event, incident};
use rhyme_store::approval::{NewProposal, Proposal, ProposalFilter, ProposalKind};
use rhyme_store::{
    Finding, FindingKind, Gate, GateConfig, JobLease, JobStep, JobWork, MetricSeries, PluginRef,
    Point, StepOutcome,
};

const LEASE_MS: i64 = 10_000;

fn plugin() -> PluginRef {
    PluginRef {
        name: "proposer".into(),
        version: "0.2.0".into(),
    }
}

fn note(subject: &str) -> Finding {
    Finding {
        kind: FindingKind::Note,
        subject: subject.into(),
        title: "seen".into(),
        detail: String::new(),
        evidence: vec![],
        confidence: 0.5,
        at: None,
    }
}

fn proposal(body: &str) -> NewProposal {
    NewProposal {
        incident: Some("inc-1".into()),
        plugin: plugin(),
        requested_by: Some("alertbot".into()),
        action: None,
        proposal: Proposal {
            kind: ProposalKind::SuggestedAction,
            title: "Restart the worker".into(),
            body: body.into(),
            rationale: "it leaks".into(),
            evidence: vec![],
        },
    }
}

#[tokio::test]
async fn a_job_is_written_only_for_new_events_and_for_every_series() {
    each_backend(|f: Fixture| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let lease = JobLease::new(LEASE_MS);
        let events = [event("a", T0, "one"), event("b", T0 + 1, "two")];
        let (batch, job) = f
            .store
            .add_events_with_job("inc-1", &events, &lease, Some("alertbot"))
            .await
            .unwrap();
        assert_eq!(batch.stored, ["a", "b"]);
        let job = job.expect("new events get a job");
        assert_eq!(job.work, JobWork::Events(vec!["a".into(), "b".into()]));
        assert_eq!(job.requested_by.as_deref(), Some("alertbot"));

        let (_, retry) = f
            .store
            .add_events_with_job("inc-1", &events, &lease, Some("alertbot"))
            .await
            .unwrap();
        assert!(retry.is_none(), "a retried batch owes no plugin run");

        let series = MetricSeries {
            name: "rps".into(),
            unit: "1/s".into(),
            points: vec![Point { at: T0, value: 1.0 }],
        };
        let (_, job) = f
            .store
            .put_series_with_job("inc-1", &series, &lease, None)
            .await
            .unwrap();
        assert_eq!(job.work, JobWork::Series("rps".into()));
        assert_eq!(f.store.pending_plugin_jobs().await.unwrap(), 2);

        let missing = f
            .store
            .add_events_with_job("nope", &events, &lease, None)
            .await;
        assert!(missing.is_err(), "unknown incident");
        assert_eq!(
            f.store.pending_plugin_jobs().await.unwrap(),
            2,
            "nothing written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_replica_takes_over_only_when_the_lease_runs_out() {
    each_backend(|f: Fixture| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let dead = JobLease::new(LEASE_MS);
        let (_, job) = f
            .store
            .add_events_with_job("inc-1", &[event("a", T0, "x")], &dead, None)
            .await
            .unwrap();
        let job = job.unwrap();
        let other = f.replica().await;
        let alive = JobLease::new(LEASE_MS);
        assert!(
            other
                .claim_plugin_jobs(&alive, 10)
                .await
                .unwrap()
                .is_empty(),
            "the lease holds"
        );

        f.clock.advance(LEASE_MS / 2);
        assert_eq!(f.store.renew_plugin_jobs(&dead).await.unwrap(), 1);
        f.clock.advance(LEASE_MS / 2 + 1);
        assert!(
            other
                .claim_plugin_jobs(&alive, 10)
                .await
                .unwrap()
                .is_empty(),
            "renewed"
        );

        f.clock.advance(LEASE_MS);
        let taken = other.claim_plugin_jobs(&alive, 10).await.unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(
            (taken[0].id.as_str(), taken[0].attempts),
            (job.id.as_str(), 1)
        );
        assert!(
            f.store
                .claim_plugin_jobs(&dead, 10)
                .await
                .unwrap()
                .is_empty(),
            "held by the taker now"
        );
        assert_eq!(
            f.store.renew_plugin_jobs(&dead).await.unwrap(),
            0,
            "the dead replica holds nothing"
        );

        other.finish_plugin_job(&job.id).await.unwrap();
        assert_eq!(f.store.pending_plugin_jobs().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn concurrent_claims_hand_each_job_to_one_replica() {
    each_backend(|f: Fixture| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let dead = JobLease::new(1);
        for i in 0..20 {
            let e = event(&format!("e{i}"), T0 + i, "x");
            f.store
                .add_events_with_job("inc-1", &[e], &dead, None)
                .await
                .unwrap();
        }
        f.clock.advance(10);
        let mut claimers = Vec::new();
        for _ in 0..3 {
            let store = f.replica().await;
            claimers.push(tokio::spawn(async move {
                let lease = JobLease::new(LEASE_MS);
                let mut ids = Vec::new();
                loop {
                    let jobs = store.claim_plugin_jobs(&lease, 3).await.unwrap();
                    if jobs.is_empty() {
                        return ids;
                    }
                    ids.extend(jobs.into_iter().map(|j| j.id));
                }
            }));
        }
        let mut all = Vec::new();
        for claimer in claimers {
            all.extend(claimer.await.unwrap());
        }
        let total = all.len();
        all.sort();
        all.dedup();
        assert_eq!(
            (total, all.len()),
            (20, 20),
            "every job claimed exactly once"
        );
    })
    .await;
}

#[tokio::test]
async fn a_steps_results_are_stored_once_however_often_it_runs() {
    each_backend(|f: Fixture| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let gate = Gate::new(f.store.clone(), GateConfig::default());
        let lease = JobLease::new(LEASE_MS);
        let (_, job) = f
            .store
            .add_events_with_job("inc-1", &[event("a", T0, "x")], &lease, Some("alertbot"))
            .await
            .unwrap();
        let job = job.unwrap();
        let step = JobStep {
            job: &job.id,
            step: 0,
        };
        let first = gate
            .store_plugin_output(
                Some(step),
                "inc-1",
                &plugin(),
                &[note("a")],
                vec![proposal("restart")],
            )
            .await
            .unwrap();
        assert!(
            matches!(first, StepOutcome::Stored { ref proposals, .. } if proposals.len() == 1),
            "{first:?}"
        );
        // The same call again: after a crash, or on a replica that took the job over meanwhile.
        let again = gate
            .store_plugin_output(
                Some(step),
                "inc-1",
                &plugin(),
                &[note("a")],
                vec![proposal("restart")],
            )
            .await
            .unwrap();
        assert_eq!(again, StepOutcome::AlreadyDone);
        assert_eq!(
            f.store.plugin_job_steps(&job.id).await.unwrap(),
            vec![(0, "proposer".to_string())]
        );

        f.store.finish_plugin_job(&job.id).await.unwrap();
        let late = gate
            .store_plugin_output(
                Some(step),
                "inc-1",
                &plugin(),
                &[note("a")],
                vec![proposal("restart")],
            )
            .await
            .unwrap();
        assert_eq!(
            late,
            StepOutcome::AlreadyDone,
            "a finished job stores nothing more"
        );

        let proposals = gate.proposals(&ProposalFilter::default()).await.unwrap();
        assert_eq!(proposals.len(), 1);
        assert_eq!(f.store.findings("inc-1").await.unwrap().len(), 1);
        let log = f.store.audit().entries(0, 100).await.unwrap();
        let created = log.iter().filter(|e| e.action == "proposal.create").count();
        assert_eq!(created, 1, "one audit entry for the one proposal");
    })
    .await;
}

#[tokio::test]
async fn jobs_finished_together_go_with_their_steps_and_leave_the_others() {
    each_backend(|f: Fixture| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let gate = Gate::new(f.store.clone(), GateConfig::default());
        let lease = JobLease::new(LEASE_MS);
        let mut jobs = Vec::new();
        for i in 0..3 {
            let (_, job) = f
                .store
                .add_events_with_job(
                    "inc-1",
                    &[event(&format!("e{i}"), T0 + i, "x")],
                    &lease,
                    None,
                )
                .await
                .unwrap();
            jobs.push(job.unwrap());
        }
        let step = JobStep {
            job: &jobs[0].id,
            step: 0,
        };
        gate.store_plugin_output(Some(step), "inc-1", &plugin(), &[note("a")], vec![])
            .await
            .unwrap();
        f.store
            .finish_plugin_jobs(&[jobs[0].id.clone(), jobs[2].id.clone()])
            .await
            .unwrap();
        f.store.finish_plugin_jobs(&[]).await.unwrap();
        assert_eq!(f.store.pending_plugin_jobs().await.unwrap(), 1);
        assert!(
            f.store
                .plugin_job_steps(&jobs[0].id)
                .await
                .unwrap()
                .is_empty()
        );
        let late = gate
            .store_plugin_output(Some(step), "inc-1", &plugin(), &[note("a")], vec![])
            .await
            .unwrap();
        assert_eq!(
            late,
            StepOutcome::AlreadyDone,
            "a finished job stores nothing more"
        );
        assert_eq!(
            f.store.renew_plugin_jobs(&lease).await.unwrap(),
            1,
            "the job left out is still held"
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_incidents_seen_before_job_is_written_with_it_and_taken_over_after_a_crash() {
    each_backend(|f: Fixture| async move {
        let dead = JobLease::new(LEASE_MS);
        let work = || JobWork::SeenBefore("seen-before/opened".into());
        let (put, job) = f
            .store
            .insert_incident_with_job(&incident("inc-1"), work(), &dead)
            .await
            .unwrap();
        assert_eq!(put, rhyme_store::Put::Created);
        let job = job.expect("a job for the new incident");
        assert_eq!(job.work, work());
        let (again, none) = f
            .store
            .insert_incident_with_job(&incident("inc-1"), work(), &dead)
            .await
            .unwrap();
        assert_eq!(again, rhyme_store::Put::Unchanged);
        assert!(
            none.is_none(),
            "an incident stored before gets no second job"
        );

        let later = f
            .store
            .add_plugin_job(
                "inc-1",
                JobWork::SeenBefore("seen-before/after-signature".into()),
                &dead,
            )
            .await
            .unwrap();
        // The process that held both dies; another takes them over once the lease runs out.
        f.clock.advance(LEASE_MS + 1);
        let alive = JobLease::new(LEASE_MS);
        let mut taken = f.store.claim_plugin_jobs(&alive, 10).await.unwrap();
        taken.sort_by_key(|j| j.id == later.id);
        let ids: Vec<&str> = taken.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, [job.id.as_str(), later.id.as_str()]);
        assert_eq!(
            taken[1].work,
            JobWork::SeenBefore("seen-before/after-signature".into())
        );
        assert!(
            f.store
                .add_plugin_job("no-such-incident", work(), &alive)
                .await
                .is_err(),
            "a job needs its incident"
        );
    })
    .await;
}

/// `/metrics` reads the backlog from here: its size, how many incidents share it and the
/// age of the oldest job, over every replica's jobs.
#[tokio::test]
async fn the_backlog_counts_jobs_and_incidents_and_ages_from_the_oldest() {
    each_backend(|f: Fixture| async move {
        assert_eq!(
            f.store.plugin_job_backlog().await.unwrap(),
            Default::default()
        );
        let lease = JobLease::new(LEASE_MS);
        for id in ["inc-1", "inc-2"] {
            f.store.insert_incident(&incident(id)).await.unwrap();
        }
        let work = || JobWork::Series("rps".into());
        let first = f
            .store
            .add_plugin_job("inc-1", work(), &lease)
            .await
            .unwrap();
        f.clock.advance(1_000);
        f.store
            .add_plugin_job("inc-1", work(), &lease)
            .await
            .unwrap();
        f.store
            .add_plugin_job("inc-2", work(), &lease)
            .await
            .unwrap();
        f.clock.advance(2_000);
        let backlog = f.store.plugin_job_backlog().await.unwrap();
        assert_eq!((backlog.jobs, backlog.incidents), (3, 2));
        assert_eq!(backlog.oldest_age_ms(f.store.now()), 3_000);
        f.store.finish_plugin_job(&first.id).await.unwrap();
        let backlog = f.store.plugin_job_backlog().await.unwrap();
        assert_eq!((backlog.jobs, backlog.incidents), (2, 2));
        assert_eq!(backlog.oldest_age_ms(f.store.now()), 2_000);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn an_incidents_turn_is_held_by_one_replica_at_a_time() {
    each_backend(|f: Fixture| async move {
        let postgres = f.store.backend() == rhyme_store::Backend::Postgres;
        let first = f.store.incident_turn("inc-1").await.unwrap();
        let other = f.replica().await;
        // Another incident's turn is free meanwhile.
        other
            .incident_turn("inc-2")
            .await
            .unwrap()
            .end()
            .await
            .unwrap();
        let waiting = tokio::spawn(async move {
            let turn = other.incident_turn("inc-1").await.unwrap();
            turn.end().await.unwrap();
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        // On SQLite (one server per file) a turn is free; on PostgreSQL the replica waits.
        assert_eq!(waiting.is_finished(), !postgres);
        first.end().await.unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
            .await
            .expect("the turn passes on once ended")
            .unwrap();
        // A turn dropped without `end` (a run that panicked) is not left locked.
        drop(f.store.incident_turn("inc-3").await.unwrap());
        let again = f.replica().await;
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            again.incident_turn("inc-3"),
        )
        .await
        .expect("a dropped turn is ended")
        .unwrap()
        .end()
        .await
        .unwrap();
    })
    .await;
}
