//! Action items read from imported postmortems: kept (incomplete ones flagged) under the
//! write-up's id with its incident and that incident's service, kept once however often the
//! write-up is imported, and not kept again for an incident whose approved postmortem draft
//! already had its items kept.

mod common;

use std::sync::Arc;

use common::{each_backend, incident, principal};
use rhyme_store::approval::{NewProposal, Proposal, ProposalKind, Verdict};
use rhyme_store::{
    ActionFilter, ActionItemReader, Actor, Gate, GateConfig, ImportedActionItems, NewActionItem,
    PluginRef, Role,
};

fn item(line: i64, text: &str, missing: &[&str]) -> NewActionItem {
    NewActionItem {
        line,
        text: text.into(),
        owner: missing
            .iter()
            .all(|m| *m != "owner")
            .then(|| "Priya Nair".into()),
        missing: missing.iter().map(|m| m.to_string()).collect(),
        ..NewActionItem::default()
    }
}

fn imported(
    postmortem: &str,
    incident: Option<&str>,
    items: Vec<NewActionItem>,
) -> ImportedActionItems {
    ImportedActionItems {
        postmortem: postmortem.into(),
        incident: incident.map(str::to_string),
        items,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn imported_postmortems_keep_their_items_once() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store.insert_incident(&incident("inc-2")).await.unwrap();
        let operator = Actor::operator("olga");
        let docs = vec![
            imported(
                "pm-mesh",
                None,
                vec![
                    item(3, "Add a renewal alert (PAY-311), due 2023-09-30", &[]),
                    item(
                        4,
                        "List hand-issued certificates",
                        &["owner", "ticket", "deadline"],
                    ),
                ],
            ),
            imported(
                "pm-chain",
                Some("inc-1"),
                vec![item(5, "Check the whole chain", &[])],
            ),
            imported("pm-empty", None, Vec::new()),
        ];
        let recorded = store
            .record_imported_action_items(&operator, &docs)
            .await
            .unwrap();
        assert_eq!((recorded.new, recorded.incomplete), (3, 1));
        assert!(recorded.kept_at_approval.is_empty());

        let mesh = store
            .action_items(&ActionFilter {
                postmortem: Some("pm-mesh".into()),
                ..ActionFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(mesh.len(), 2);
        assert!(
            mesh.iter()
                .all(|i| i.source == "import" && i.incident.is_none())
        );
        assert_eq!(mesh[1].written.missing, ["owner", "ticket", "deadline"]);
        let chain = store
            .action_items(&ActionFilter {
                incident: Some("inc-1".into()),
                ..ActionFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(chain.len(), 1);
        assert_eq!(
            (chain[0].postmortem.as_str(), chain[0].service.as_deref()),
            ("pm-chain", Some("checkout"))
        );
        let audit = store.audit().entries(0, 1000).await.unwrap();
        let kept: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "action-items.recorded")
            .collect();
        assert_eq!(kept.len(), 2, "{kept:#?}");
        assert_eq!(
            (kept[0].actor.as_str(), kept[0].role.as_str()),
            ("olga", "operator")
        );
        assert_eq!(kept[0].subject, "pm-mesh");

        // Importing again keeps nothing new.
        let again = store
            .record_imported_action_items(&operator, &docs)
            .await
            .unwrap();
        assert_eq!(again.new, 0);
        assert_eq!(
            store
                .action_items(&ActionFilter::default())
                .await
                .unwrap()
                .len(),
            3
        );

        // inc-2's postmortem draft approved with its items: a write-up naming inc-2 adds none.
        let gate = Gate::new(store.clone(), GateConfig::default()).with_action_items(
            ActionItemReader(Arc::new(|_: &str| vec![item(1, "Alert on the chain", &[])])),
        );
        let draft = gate
            .propose(NewProposal {
                incident: Some("inc-2".into()),
                plugin: PluginRef {
                    name: "drafter".into(),
                    version: "1.0.0".into(),
                },
                requested_by: Some("ana".into()),
                action: None,
                proposal: Proposal {
                    kind: ProposalKind::DraftPostmortem,
                    title: "Postmortem".into(),
                    body: "# Postmortem\n## Action items\n- Alert on the chain\n".into(),
                    rationale: "drafted".into(),
                    evidence: vec![],
                },
            })
            .await
            .unwrap();
        gate.decide(
            &principal("rita", Role::Reviewer),
            &draft.id,
            None,
            Verdict::Approve,
        )
        .await
        .unwrap();
        let later = store
            .record_imported_action_items(
                &operator,
                &[imported(
                    "pm-later",
                    Some("inc-2"),
                    vec![item(2, "Alert on the chain", &[])],
                )],
            )
            .await
            .unwrap();
        assert_eq!(
            (later.new, later.kept_at_approval.as_slice()),
            (0, ["pm-later".to_string()].as_slice())
        );
        let inc2 = store
            .action_items(&ActionFilter {
                incident: Some("inc-2".into()),
                ..ActionFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(inc2.len(), 1);
        assert_eq!(
            (inc2[0].source.as_str(), inc2[0].postmortem.as_str()),
            ("proposal", draft.id.as_str())
        );
    })
    .await;
}
