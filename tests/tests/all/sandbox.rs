//! The sandbox, through the library: each misbehaviour is stopped and named, forbidden
//! imports are refused, and a well-behaved plugin keeps answering while the others misbehave.

use std::collections::BTreeSet;
use std::sync::Arc;

use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::compile_cache::CacheOutcome;
use rhyme_runtime::manifest::{Limits, Manifest};
use rhyme_runtime::plugin::LoadRequest;
use rhyme_runtime::{
    Allocator, CallContext, CompileCache, Limit, LoadedPlugin, PluginError, Sandbox,
};
use rhyme_tests::{component, wait};
use rhyme_world::types::Query;

fn sandbox() -> Sandbox {
    let ceilings = Limits {
        deadline_ms: 60_000,
        fuel: u64::MAX / 4,
        memory_mib: 512,
        table_elements: 100_000,
        output_kib: 8_192,
    };
    Sandbox::new(Allocator::Pooling, &ceilings).expect("engine")
}

fn load_with(
    sandbox: &Sandbox,
    cache: &CompileCache,
    stem: &str,
    name: &str,
    limits: Limits,
    granted: &[Capability],
) -> Result<LoadedPlugin, PluginError> {
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
        limits,
        settings: Default::default(),
    };
    let granted: BTreeSet<Capability> = granted.iter().copied().collect();
    let request = LoadRequest {
        manifest: &manifest,
        component: &bytes,
        granted: &granted,
        limits,
        backends: Backends::default(),
        granted_by: "granted",
        settings: "{}".into(),
    };
    wait(LoadedPlugin::load(sandbox, cache, request)).map(|(plugin, _)| plugin)
}

fn misbehave(sandbox: &Sandbox, limits: Limits) -> LoadedPlugin {
    let cache = CompileCache::new(tempfile::tempdir().unwrap().keep());
    load_with(
        sandbox,
        &cache,
        "guest_misbehave",
        "misbehave",
        limits,
        &[Capability::Log],
    )
    .expect("misbehave loads")
}

fn ask(plugin: &LoadedPlugin, text: &str) -> Result<Vec<String>, PluginError> {
    let query = Query {
        text: text.into(),
        incident: None,
        limit: 1,
    };
    wait(plugin.on_query(CallContext::default(), &query))
        .map(|r| r.value.findings.into_iter().map(|f| f.detail).collect())
}

fn limit_of(result: Result<Vec<String>, PluginError>) -> (Option<Limit>, String) {
    let error = result.expect_err("the call must fail");
    assert_eq!(error.plugin(), "misbehave", "errors name the plugin");
    (error.limit(), error.to_string())
}

const TIGHT: Limits = Limits {
    deadline_ms: 200,
    fuel: 1_000_000_000_000,
    memory_mib: 32,
    table_elements: 20_000,
    output_kib: 256,
};

#[test]
fn an_endless_loop_hits_the_deadline() {
    let sandbox = sandbox();
    let (limit, message) = limit_of(ask(&misbehave(&sandbox, TIGHT), "loop"));
    assert_eq!(limit, Some(Limit::Deadline), "{message}");
    assert!(
        message.contains("deadline") && message.contains("200 ms"),
        "{message}"
    );
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    let sandbox = sandbox();
    let limits = Limits {
        deadline_ms: 30_000,
        fuel: 50_000_000,
        ..TIGHT
    };
    let (limit, message) = limit_of(ask(&misbehave(&sandbox, limits), "loop"));
    assert_eq!(limit, Some(Limit::Fuel), "{message}");
}

#[test]
fn unbounded_allocation_hits_the_memory_cap() {
    let sandbox = sandbox();
    let (limit, message) = limit_of(ask(&misbehave(&sandbox, TIGHT), "alloc"));
    assert_eq!(limit, Some(Limit::Memory), "{message}");
    assert!(message.contains("32 MiB"), "{message}");
}

#[test]
fn runaway_recursion_overflows_the_stack() {
    let sandbox = sandbox();
    let (limit, message) = limit_of(ask(&misbehave(&sandbox, TIGHT), "recurse"));
    assert!(
        limit == Some(Limit::Stack) || message.contains("stack overflow"),
        "{message}"
    );
}

#[test]
fn traps_and_panics_are_reported_with_the_plugins_words() {
    let sandbox = sandbox();
    let plugin = misbehave(&sandbox, TIGHT);
    let trap = ask(&plugin, "trap").unwrap_err();
    assert!(matches!(trap, PluginError::Trapped { .. }), "{trap}");
    let panic = ask(&plugin, "panic").unwrap_err();
    assert!(matches!(panic, PluginError::Trapped { .. }), "{panic}");
    assert!(panic.to_string().contains("asked to panic"), "{panic}");
    let reported = ask(&plugin, "err").unwrap_err();
    assert!(
        matches!(reported, PluginError::Reported { ref message, .. } if message == "asked to fail politely"),
        "{reported}"
    );
}

#[test]
fn output_over_the_cap_is_refused() {
    let sandbox = sandbox();
    let limits = Limits {
        memory_mib: 256,
        ..TIGHT
    };
    let (limit, message) = limit_of(ask(&misbehave(&sandbox, limits), "huge"));
    assert_eq!(limit, Some(Limit::Output), "{message}");
    assert!(message.contains("256 KiB"), "{message}");
}

#[test]
fn output_that_breaks_the_contract_is_refused() {
    let sandbox = sandbox();
    let plugin = misbehave(&sandbox, TIGHT);
    for (ask_for, expected) in [
        ("long-title", "at most 80"),
        ("bad-confidence", "between 0 and 1"),
    ] {
        let error = ask(&plugin, ask_for).unwrap_err();
        assert!(matches!(error, PluginError::Contract { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn a_table_cap_below_the_components_needs_stops_it() {
    let sandbox = sandbox();
    let cache = CompileCache::new(tempfile::tempdir().unwrap().keep());
    let limits = Limits {
        table_elements: 1,
        ..TIGHT
    };
    let error = load_with(
        &sandbox,
        &cache,
        "guest_misbehave",
        "misbehave",
        limits,
        &[Capability::Log],
    )
    .err()
    .expect("refused");
    assert_eq!(error.limit(), Some(Limit::Table), "{error}");
}

#[test]
fn every_call_gets_a_fresh_instance() {
    let sandbox = sandbox();
    let plugin = misbehave(&sandbox, TIGHT);
    for _ in 0..3 {
        assert_eq!(ask(&plugin, "count").unwrap(), vec!["1".to_string()]);
    }
}

#[test]
fn capability_calls_are_recorded() {
    let sandbox = sandbox();
    let plugin = misbehave(&sandbox, TIGHT);
    let report = wait(plugin.on_query(
        CallContext::default(),
        &Query {
            text: "log".into(),
            incident: None,
            limit: 1,
        },
    ))
    .unwrap();
    assert_eq!(report.capability_calls.len(), 1);
    assert_eq!(report.capability_calls[0].capability, Capability::Log);
    assert_eq!(report.capability_calls[0].function, "write");
}

#[test]
fn forbidden_imports_are_refused_by_name() {
    let sandbox = sandbox();
    let cache = CompileCache::new(tempfile::tempdir().unwrap().keep());
    for (stem, name, expected) in [
        ("guest_sockets", "sockets", "wasi:sockets/"),
        ("guest_preopen", "preopen", "wasi:filesystem/"),
        ("guest_ungranted", "ungranted", "rhyme:plugin/llm"),
    ] {
        let error = load_with(&sandbox, &cache, stem, name, TIGHT, &[])
            .err()
            .expect("refused");
        assert!(matches!(error, PluginError::Refused { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{name}: {error}");
    }
}

#[test]
fn a_granted_capability_without_a_backend_answers_unavailable() {
    let sandbox = sandbox();
    let cache = CompileCache::new(tempfile::tempdir().unwrap().keep());
    let plugin = load_with(
        &sandbox,
        &cache,
        "guest_ungranted",
        "ungranted",
        TIGHT,
        &[Capability::Llm],
    )
    .expect("loads when granted");
    let answer = wait(plugin.on_query(
        CallContext::default(),
        &Query {
            text: "hi".into(),
            incident: None,
            limit: 1,
        },
    ))
    .unwrap();
    assert!(
        answer.value.findings[0].detail.contains("Unavailable"),
        "{:?}",
        answer.value.findings
    );
}

#[test]
fn the_compile_cache_is_reused_and_survives_corruption() {
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let cache = CompileCache::new(dir.path());
    let bytes = std::fs::read(component("guest_trivial")).unwrap();
    assert_eq!(
        cache.load(sandbox.engine(), &bytes).unwrap().1,
        CacheOutcome::Compiled
    );
    assert_eq!(
        cache.load(sandbox.engine(), &bytes).unwrap().1,
        CacheOutcome::Hit
    );
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not a compiled component").unwrap();
    }
    assert_eq!(
        cache.load(sandbox.engine(), &bytes).unwrap().1,
        CacheOutcome::Compiled
    );
}

#[test]
fn a_good_plugin_keeps_answering_while_others_misbehave() {
    let sandbox = Arc::new(sandbox());
    let bad = Arc::new(misbehave(&sandbox, TIGHT));
    let good = Arc::new(misbehave(&sandbox, TIGHT));
    let troublemakers: Vec<_> = ["loop", "alloc", "recurse", "trap", "panic", "loop"]
        .into_iter()
        .map(|what| {
            let bad = bad.clone();
            std::thread::spawn(move || (0..3).all(|_| ask(&bad, what).is_err()))
        })
        .collect();
    let answers: Vec<_> = (0..4)
        .map(|t| {
            let good = good.clone();
            std::thread::spawn(move || {
                (0..40)
                    .all(|i| ask(&good, &format!("q{t}-{i}")).unwrap() == vec![format!("q{t}-{i}")])
            })
        })
        .collect();
    for handle in answers {
        assert!(
            handle.join().unwrap(),
            "the well-behaved plugin answered wrongly"
        );
    }
    for handle in troublemakers {
        assert!(handle.join().unwrap(), "a misbehaving call was not stopped");
    }
}
