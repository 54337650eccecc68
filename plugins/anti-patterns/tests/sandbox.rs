//! The built component in Rhyme's real sandbox (through `rhyme-harness`), with its manifest's
//! limits and settings and only the `incidents` grant, on an incident where the room holds
//! on to one theory while the evidence points elsewhere.
//! Needs the component built first (`make plugins`).

use std::path::PathBuf;

use rhyme_harness::{Capability, Evidence, Harness, HarnessError, PluginError};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn harness() -> Harness {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let component = target.join("wasm32-wasip2/release/anti_patterns.wasm");
    assert!(
        component.exists(),
        "{} is missing: run `make plugins` first",
        component.display()
    );
    Harness::new(env!("CARGO_MANIFEST_DIR"))
        .component(component)
        .timeline_file(root().join("examples/incidents/checkout-outage.json"))
        .expect("the example incident")
}

#[test]
fn nudges_cite_events_of_the_incident() {
    let harness = harness().grant(Capability::Incidents);
    let fired = harness.replay().expect("every call succeeds");
    assert!(
        !fired.is_empty(),
        "the example incident holds a tunnel-vision stretch"
    );
    for finding in &fired {
        assert!(
            !finding.evidence.is_empty(),
            "{} cites nothing",
            finding.title
        );
        for e in &finding.evidence {
            assert!(
                matches!(e, Evidence::Event(id) if harness.fixture_ref().has_event(id)),
                "{}: {e:?}",
                finding.title
            );
        }
    }
}

#[test]
fn without_the_incidents_grant_it_is_refused() {
    let refused = harness().on_event_id("0");
    assert!(
        matches!(
            refused,
            Err(HarnessError::Plugin(PluginError::Refused { .. }))
        ),
        "{refused:?}"
    );
}
