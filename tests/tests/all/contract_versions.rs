//! Both versions of the contract in one host. A component built against the released
//! `rhyme:plugin@0.1.0` (every test guest is, on purpose) loads, is described and runs, its
//! capability calls served by the host's one implementation through the 0.1.0 glue; the
//! built-in plugins are built against 0.2.0 and read a change's typed record.

use std::collections::BTreeSet;
use std::sync::Arc;

use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_runtime::manifest::{Limits, Manifest};
use rhyme_runtime::plugin::LoadRequest;
use rhyme_runtime::{Allocator, CallContext, CompileCache, LoadedPlugin, PluginError, Sandbox};
use rhyme_tests::{component, wait};
use rhyme_world::contract::Version;
use rhyme_world::types::{Change, ChangeKind, Incident, MetricSeries, Query, TimelineEvent};

const MIN: i64 = 60_000;

fn load(
    stem: &str,
    name: &str,
    granted: &[Capability],
    backends: Backends,
) -> Result<LoadedPlugin, PluginError> {
    let sandbox = Sandbox::new(Allocator::OnDemand, &Limits::default()).expect("engine");
    let cache = CompileCache::new(tempfile::tempdir().unwrap().keep());
    let bytes = std::fs::read(component(stem)).unwrap();
    let manifest = Manifest {
        name: name.into(),
        version: "0.1.0".into(),
        description: String::new(),
        component: "plugin.wasm".into(),
        capabilities: granted.to_vec(),
        optional_capabilities: Vec::new(),
        nudge_patterns: Vec::new(),
        after: Vec::new(),
        limits: Limits::default(),
        settings: Default::default(),
    };
    let granted: BTreeSet<Capability> = granted.iter().copied().collect();
    let request = LoadRequest {
        manifest: &manifest,
        component: &bytes,
        granted: &granted,
        limits: Limits::default(),
        backends,
        granted_by: "granted",
        settings: "{}".into(),
    };
    wait(LoadedPlugin::load(&sandbox, &cache, request)).map(|(plugin, _)| plugin)
}

fn incident() -> Incident {
    Incident {
        id: "inc-1".into(),
        title: "Checkout errors".into(),
        severity: "SEV2".into(),
        service: "checkout".into(),
        started: 60 * MIN,
        ended: None,
        update_cadence_minutes: None,
    }
}

/// A deploy the host stored: the text is only the line for people, so whatever the plugin
/// says about the service and revision it can only have read from the typed record.
fn stored_deploy() -> TimelineEvent {
    TimelineEvent {
        id: "change:gh-7".into(),
        at: 54 * MIN,
        actor: "ci".into(),
        role: String::new(),
        kind: "deploy".into(),
        text: "went out".into(),
        change: Some(Change {
            id: "gh-7".into(),
            kind: ChangeKind::Deploy,
            service: "checkout".into(),
            environment: "production".into(),
            actor: "ci".into(),
            at: 54 * MIN,
            revision: "v4.18.0".into(),
            link: "https://ci.example/run/7".into(),
            summary: String::new(),
            source: "github".into(),
            freeze: None,
        }),
    }
}

fn alert() -> TimelineEvent {
    TimelineEvent {
        id: "am-1".into(),
        at: 60 * MIN,
        actor: "alertmanager".into(),
        role: String::new(),
        kind: "alert".into(),
        text: "[FIRING] HighErrorRate service=checkout".into(),
        change: None,
    }
}

fn backends_with(events: Vec<TimelineEvent>) -> Backends {
    let store = MemoryIncidents::new();
    store.insert(incident(), events);
    Backends {
        incidents: Some(Arc::new(store)),
        ..Backends::default()
    }
}

fn at(now: i64) -> CallContext {
    CallContext { now }
}

#[test]
fn a_component_built_against_0_1_is_described_and_every_handler_runs() {
    let plugin = load("guest_trivial", "trivial", &[], Backends::default()).expect("loads");
    assert_eq!(plugin.contract(), Version::V0_1);
    assert_eq!(plugin.info().name, "trivial");
    let series = MetricSeries {
        name: "p99".into(),
        unit: "ms".into(),
        times: vec![0],
        values: vec![1.0],
    };
    let query = Query {
        text: "ping".into(),
        incident: None,
        limit: 1,
    };
    let ctx = at(61 * MIN);
    wait(plugin.on_event(ctx, &incident(), &stored_deploy())).expect("on-event");
    wait(plugin.on_tick(ctx, &incident())).expect("on-tick");
    wait(plugin.on_series(ctx, Some(&incident()), &series)).expect("on-series");
    wait(plugin.on_query(ctx, &query)).expect("on-query");
}

#[test]
fn a_0_1_component_reads_a_timeline_holding_typed_changes() {
    let backends = backends_with(vec![stored_deploy(), alert()]);
    let plugin = load(
        "guest_reader",
        "anti-patterns",
        &[Capability::Incidents],
        backends,
    )
    .expect("loads");
    assert_eq!(plugin.contract(), Version::V0_1);
    let report = wait(plugin.on_event(at(61 * MIN), &incident(), &alert())).expect("runs");
    let calls: Vec<(&str, bool)> = report
        .capability_calls
        .iter()
        .map(|c| (c.function, c.failed))
        .collect();
    assert_eq!(calls, [("timeline", false)]);
}

#[test]
fn a_built_in_plugin_is_built_against_0_2_and_reads_the_typed_change() {
    let backends = backends_with(vec![stored_deploy(), alert()]);
    let plugin = load(
        "change_correlator",
        "change-correlator",
        &[Capability::Incidents],
        backends,
    )
    .expect("loads");
    assert_eq!(plugin.contract(), Version::V0_2);
    let report = wait(plugin.on_tick(at(61 * MIN), &incident())).expect("runs");
    let finding = report
        .value
        .findings
        .iter()
        .find(|f| f.title.contains("Likely trigger"))
        .unwrap_or_else(|| panic!("no likely trigger in {:?}", report.value.findings));
    assert!(
        finding.title.contains("checkout v4.18.0"),
        "the service and revision come from the record, not the text: {}",
        finding.title
    );
}
