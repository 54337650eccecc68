//! The approval gate: who may decide, the two-person rule, edits, expiry, and exactly one
//! outbox entry however many reviewers (or replicas) approve at once.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, each_backend, incident, principal};
use rhyme_store::approval::{
    NewProposal, Outcome, Proposal, ProposalFilter, ProposalKind, ProposalState, Verdict,
    VerdictKind,
};
use rhyme_store::outbox::OutboxState;
use rhyme_store::{Error, Gate, GateConfig, PluginRef, Role};

fn gate(f: &Fixture, config: GateConfig) -> Gate {
    Gate::new(f.store.clone(), config)
}

fn action(body: &str, requested_by: Option<&str>) -> NewProposal {
    NewProposal {
        incident: Some("inc-1".into()),
        plugin: PluginRef {
            name: "runbook".into(),
            version: "1.2.0".into(),
        },
        requested_by: requested_by.map(String::from),
        action: None,
        proposal: Proposal {
            kind: ProposalKind::SuggestedAction,
            title: "Roll back checkout to v41".into(),
            body: body.into(),
            rationale: "errors began with the v42 deploy".into(),
            evidence: vec![],
        },
    }
}

const ROLLBACK: &str = r#"{"action": "rollback", "service": "checkout", "to": "v41"}"#;

async fn setup(f: &Fixture) {
    f.store.insert_incident(&incident("inc-1")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reviewer_approves_and_the_action_enters_the_outbox() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(&f, GateConfig::default());
        let p = gate.propose(action(ROLLBACK, None)).await.unwrap();
        assert_eq!(
            (p.state, p.action.as_str()),
            (ProposalState::Pending, "rollback")
        );
        let decision = gate
            .approve(&principal("rita", Role::Reviewer), &p.id)
            .await
            .unwrap();
        let Outcome::Approved {
            outbox: Some(outbox_id),
        } = decision.outcome
        else {
            panic!(
                "expected an approval with an outbox entry, got {:?}",
                decision.outcome
            )
        };
        assert_eq!(decision.proposal.state, ProposalState::Approved);
        let outbox = f.store.outbox(None).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].id, outbox_id);
        assert_eq!(outbox[0].state, OutboxState::Due);
        assert_eq!(
            outbox[0].payload["approved_by"],
            serde_json::json!(["rita"])
        );
        assert_eq!(outbox[0].payload["body"], ROLLBACK);
        let again = gate.approve(&principal("rob", Role::Reviewer), &p.id).await;
        assert!(matches!(
            again,
            Err(Error::AlreadyDecided {
                state: ProposalState::Approved,
                ..
            })
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_role_but_reviewer_decides() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(&f, GateConfig::default());
        let p = gate.propose(action(ROLLBACK, None)).await.unwrap();
        for role in [Role::Responder, Role::Ic, Role::Admin] {
            let who = principal("someone", role);
            assert!(
                matches!(
                    gate.approve(&who, &p.id).await,
                    Err(Error::Forbidden { .. })
                ),
                "{role}"
            );
            assert!(
                matches!(
                    gate.reject(&who, &p.id, "no").await,
                    Err(Error::Forbidden { .. })
                ),
                "{role}"
            );
        }
        assert_eq!(
            gate.proposal(&p.id).await.unwrap().state,
            ProposalState::Pending
        );
        let missing = gate
            .approve(&principal("rita", Role::Reviewer), "nope")
            .await;
        assert!(matches!(
            missing,
            Err(Error::NotFound {
                what: "proposal",
                ..
            })
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn whoever_requested_a_proposal_cannot_approve_it() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(&f, GateConfig::default());
        let p = gate.propose(action(ROLLBACK, Some("rita"))).await.unwrap();
        let rita = principal("rita", Role::Reviewer);
        assert!(matches!(
            gate.approve(&rita, &p.id).await,
            Err(Error::Forbidden { .. })
        ));
        let edit = gate.edit_and_approve(&rita, &p.id, "something else").await;
        assert!(matches!(edit, Err(Error::Forbidden { .. })));
        let other = gate
            .approve(&principal("rob", Role::Reviewer), &p.id)
            .await
            .unwrap();
        assert!(matches!(other.outcome, Outcome::Approved { .. }));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_two_person_rule_needs_two_distinct_reviewers_on_the_same_text() {
    each_backend(|f| async move {
        setup(&f).await;
        let config = GateConfig {
            two_person: BTreeSet::from(["rollback".to_string()]),
            ..GateConfig::default()
        };
        let gate = gate(&f, config);
        let (rita, rob, ria) = (
            principal("rita", Role::Reviewer),
            principal("rob", Role::Reviewer),
            principal("ria", Role::Reviewer),
        );
        let p = gate.propose(action(ROLLBACK, None)).await.unwrap();
        let first = gate.approve(&rita, &p.id).await.unwrap();
        assert_eq!(
            first.outcome,
            Outcome::AwaitingReviewers { have: 1, need: 2 }
        );
        assert!(matches!(
            gate.approve(&rita, &p.id).await,
            Err(Error::Conflict { .. })
        ));
        assert!(f.store.outbox(None).await.unwrap().is_empty());
        // Rob edits: Rita's approval was for the old text and no longer counts.
        let edited = r#"{"action": "rollback", "service": "checkout", "to": "v40"}"#;
        let second = gate.edit_and_approve(&rob, &p.id, edited).await.unwrap();
        assert_eq!(
            second.outcome,
            Outcome::AwaitingReviewers { have: 1, need: 2 }
        );
        assert_eq!(second.proposal.revision, 2);
        let third = gate.approve(&ria, &p.id).await.unwrap();
        assert!(matches!(
            third.outcome,
            Outcome::Approved { outbox: Some(_) }
        ));
        let outbox = f.store.outbox(None).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].payload["body"], edited);
        assert_eq!(
            outbox[0].payload["approved_by"],
            serde_json::json!(["ria", "rob"])
        );
        // A kind outside the rule needs one reviewer.
        let restart = gate
            .propose(action(r#"{"action": "restart"}"#, None))
            .await
            .unwrap();
        let one = gate.approve(&rita, &restart.id).await.unwrap();
        assert!(matches!(one.outcome, Outcome::Approved { .. }));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_edit_is_kept_as_a_diff_and_a_stale_revision_is_refused() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(&f, GateConfig::default());
        let mut draft = action(
            "Condition: checkout errors\nAction: rolling back\nNeed: none\n",
            None,
        );
        draft.proposal.kind = ProposalKind::DraftStatusUpdate;
        let p = gate.propose(draft).await.unwrap();
        let rita = principal("rita", Role::Reviewer);
        let stale = gate.decide(&rita, &p.id, Some(7), Verdict::Approve).await;
        assert!(matches!(stale, Err(Error::Conflict { .. })));
        let new_body =
            "Condition: checkout errors since 14:02 UTC\nAction: rolling back\nNeed: none\n";
        let verdict = Verdict::EditAndApprove {
            body: new_body.into(),
        };
        let decision = gate.decide(&rita, &p.id, Some(1), verdict).await.unwrap();
        // A draft whose kind has no route is not published: no outbox entry.
        assert_eq!(decision.outcome, Outcome::Approved { outbox: None });
        assert_eq!(decision.proposal.body, new_body);
        assert_eq!(decision.proposal.original_body, p.body);
        let records = gate.decisions(&p.id).await.unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].verdict, VerdictKind::Approve);
        let diff = records[0].diff.as_deref().unwrap();
        assert!(
            diff.contains(
                "-Condition: checkout errors\n+Condition: checkout errors since 14:02 UTC\n"
            ),
            "{diff}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_routed_draft_is_published_through_its_sink() {
    each_backend(|f| async move {
        setup(&f).await;
        let mut config = GateConfig::default();
        config
            .routes
            .insert("draft-postmortem".into(), "postmortems".into());
        let gate = gate(&f, config);
        let mut draft = action(
            "# Postmortem (draft)\n## Summary\n- DNS failed [#1]\n",
            Some("ana"),
        );
        draft.proposal.kind = ProposalKind::DraftPostmortem;
        let p = gate.propose(draft).await.unwrap();
        let rita = principal("rita", Role::Reviewer);
        let decision = gate
            .decide(&rita, &p.id, None, Verdict::Approve)
            .await
            .unwrap();
        assert!(
            matches!(decision.outcome, Outcome::Approved { outbox: Some(_) }),
            "{:?}",
            decision.outcome
        );
        let outbox = f.store.outbox(None).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].sink, "postmortems");
        assert_eq!(outbox[0].payload["kind"], "draft-postmortem");
        assert_eq!(
            outbox[0].payload["approved_by"],
            serde_json::json!(["rita"])
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejection_needs_a_reason_and_is_final() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(&f, GateConfig::default());
        let p = gate.propose(action(ROLLBACK, Some("rita"))).await.unwrap();
        let rita = principal("rita", Role::Reviewer);
        match gate.reject(&rita, &p.id, "  ").await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "reason"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        // The requester may withdraw their own ask by rejecting it.
        let decision = gate
            .reject(&rita, &p.id, "v41 has the same bug")
            .await
            .unwrap();
        assert_eq!(decision.outcome, Outcome::Rejected);
        let late = gate.approve(&principal("rob", Role::Reviewer), &p.id).await;
        assert!(matches!(
            late,
            Err(Error::AlreadyDecided {
                state: ProposalState::Rejected,
                ..
            })
        ));
        assert_eq!(
            gate.decisions(&p.id).await.unwrap()[0].reason.as_deref(),
            Some("v41 has the same bug")
        );
        assert!(f.store.outbox(None).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pending_proposals_are_withdrawn_after_the_expiry() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(
            &f,
            GateConfig {
                expiry_ms: Some(3_600_000),
                ..GateConfig::default()
            },
        );
        let old = gate.propose(action(ROLLBACK, None)).await.unwrap();
        f.clock.advance(1_800_000);
        let young = gate.propose(action(ROLLBACK, None)).await.unwrap();
        let decided = gate.propose(action(ROLLBACK, None)).await.unwrap();
        gate.approve(&principal("rita", Role::Reviewer), &decided.id)
            .await
            .unwrap();
        f.clock.advance(1_800_000);
        assert_eq!(
            gate.withdraw_expired().await.unwrap(),
            std::slice::from_ref(&old.id)
        );
        assert_eq!(
            gate.proposal(&old.id).await.unwrap().state,
            ProposalState::Withdrawn
        );
        assert_eq!(
            gate.proposal(&decided.id).await.unwrap().state,
            ProposalState::Approved
        );
        // A decision that arrives after the expiry but before the sweep is refused too.
        f.clock.advance(1_800_000);
        let late = gate
            .approve(&principal("rita", Role::Reviewer), &young.id)
            .await;
        assert!(matches!(
            late,
            Err(Error::AlreadyDecided {
                state: ProposalState::Withdrawn,
                ..
            })
        ));
        let pending = gate
            .proposals(&ProposalFilter {
                state: Some(ProposalState::Pending),
                incident: None,
            })
            .await
            .unwrap();
        assert!(pending.is_empty());
        assert_eq!(f.store.outbox(None).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_approvals_make_exactly_one_outbox_entry() {
    each_backend(|f| async move {
        setup(&f).await;
        let gate = gate(&f, GateConfig::default());
        let p = gate.propose(action(ROLLBACK, None)).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..20 {
            let (gate, id) = (gate.clone(), p.id.clone());
            tasks.push(tokio::spawn(async move {
                gate.approve(&principal(&format!("reviewer-{i}"), Role::Reviewer), &id)
                    .await
            }));
        }
        let (mut approved, mut already) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(d) if matches!(d.outcome, Outcome::Approved { .. }) => approved += 1,
                Err(Error::AlreadyDecided { .. }) => already += 1,
                other => panic!("unexpected answer {other:?}"),
            }
        }
        assert_eq!((approved, already), (1, 19));
        assert_eq!(f.store.outbox(None).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_racing_make_exactly_one_outbox_entry() {
    each_backend(|f| async move {
        setup(&f).await;
        let config = GateConfig {
            two_person: BTreeSet::from(["*".to_string()]),
            ..GateConfig::default()
        };
        let replica_a = gate(&f, config.clone());
        let replica_b = Gate::new(f.replica().await, config);
        for round in 0..5 {
            let p = replica_a.propose(action(ROLLBACK, None)).await.unwrap();
            let mut tasks = Vec::new();
            // Each replica receives approvals from three reviewers at once.
            for (i, replica) in [replica_a.clone(), replica_b.clone()]
                .into_iter()
                .cycle()
                .take(6)
                .enumerate()
            {
                let id = p.id.clone();
                tasks.push(tokio::spawn(async move {
                    replica
                        .approve(&principal(&format!("r{}", i % 3), Role::Reviewer), &id)
                        .await
                }));
            }
            let mut approved = 0;
            for task in tasks {
                match task.await.unwrap() {
                    Ok(d) if matches!(d.outcome, Outcome::Approved { .. }) => approved += 1,
                    Ok(_) | Err(Error::AlreadyDecided { .. } | Error::Conflict { .. }) => {}
                    Err(other) => panic!("round {round}: unexpected error {other}"),
                }
            }
            assert_eq!(approved, 1, "round {round}");
        }
        let outbox = f.store.outbox(None).await.unwrap();
        assert_eq!(outbox.len(), 5);
        let proposals: BTreeSet<_> = outbox.iter().map(|o| o.proposal.clone()).collect();
        assert_eq!(proposals.len(), 5);
    })
    .await;
}
