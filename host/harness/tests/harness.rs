//! The harness on real components: a bare `.wasm` named by its own `describe`, events and
//! series added by the test, grants enforced, and a clear error when nothing was built.
//! Needs the built-in plugins and test guests built (`make plugins guests`).

use std::path::PathBuf;

use rhyme_harness::{
    Capability, Evidence, FindingKind, Fixture, Harness, HarnessError, ProposalKind, TimelineEvent,
};

fn wasm(stem: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let path = target
        .join("wasm32-wasip2/release")
        .join(format!("{stem}.wasm"));
    assert!(
        path.exists(),
        "{} is missing: run `make plugins guests` first",
        path.display()
    );
    path
}

#[test]
fn a_series_of_the_fixture_gets_its_signature() {
    let harness = Harness::new(wasm("graph_signature"));
    let series = &Fixture::standard().series[0];
    let output = harness.on_series(series).expect("graph-signature answers");
    let signature = output
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Signature)
        .expect("the jump is named");
    assert!(
        matches!(&signature.evidence[..], [Evidence::Window(w)] if w.series == series.name),
        "{signature:?}"
    );
}

#[test]
fn added_events_reach_the_plugin_and_grants_hold() {
    let event = TimelineEvent {
        id: "ask-1".into(),
        at: Fixture::standard().tick_time(),
        actor: "Ana".into(),
        role: "ic".into(),
        kind: "proposal".into(),
        text: "restart the cart pods".into(),
        change: None,
    };
    let granted = Harness::new(wasm("guest_proposer"))
        .grant(Capability::Incidents)
        .event(event.clone());
    let output = granted.on_event_id("ask-1").expect("the proposer answers");
    assert_eq!(output.proposals.len(), 1);
    assert_eq!(output.proposals[0].kind, ProposalKind::SuggestedAction);
    assert_eq!(
        output.findings[0].detail,
        format!("{} events", Fixture::standard().events.len() + 1)
    );

    let ungranted = Harness::new(wasm("guest_proposer")).event(event);
    let refused = ungranted.on_event_id("ask-1").unwrap_err();
    assert!(refused.to_string().contains("incidents"), "{refused}");
    assert!(
        matches!(ungranted.on_event_id("nope"), Err(HarnessError::NoSuchEvent(id)) if id == "nope")
    );
}

#[test]
fn a_missing_component_says_to_build_it() {
    let tmp = std::env::temp_dir().join("rhyme-harness-no-such.wasm");
    let error = Harness::new(&tmp).on_query("anything").unwrap_err();
    assert!(
        error.to_string().contains("build the component first"),
        "{error}"
    );
}
