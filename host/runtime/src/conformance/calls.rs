//! Each handler called with the fixture, twice: it must return (a value or an error string)
//! within the limits, its output must keep the contract's rules, and the second answer must
//! equal the first, since a plugin gets its time and its data from its arguments and the
//! host.

use std::collections::BTreeSet;

use super::component::Inspected;
use super::{Check, Target, rules};
use crate::capability::backend::Backends;
use crate::manifest::Limits;
use crate::operator::PluginPolicy;
use crate::plugin::LoadRequest;
use crate::{CallContext, CompileCache, LoadedPlugin, PluginError, Sandbox};
use rhyme_world::types::{Output, Trigger};

type Answer = Result<Output, PluginError>;
/// A labelled call of one handler with one fixture input.
type Call<'a> = (String, Box<dyn Fn() -> Answer + 'a>);

/// Loads the plugin with the fixture behind `incidents` and runs the handler checks.
pub fn run(
    sandbox: &Sandbox,
    cache: &CompileCache,
    bytes: &[u8],
    inspected: &Inspected,
    limits: Limits,
    target: &Target<'_>,
    checks: &mut Vec<Check>,
) {
    let fixture = target.fixture;
    let backends = Backends {
        incidents: Some(fixture.store()),
        ..Backends::default()
    };
    let granted: BTreeSet<_> = inspected.manifest.capabilities.iter().copied().collect();
    let request = LoadRequest {
        manifest: &inspected.manifest,
        component: bytes,
        granted: &granted,
        limits,
        backends,
        granted_by: "asked for",
        settings: PluginPolicy::default().effective_settings(&inspected.manifest.settings),
    };
    let plugin = match LoadedPlugin::load(sandbox, cache, request) {
        Ok((plugin, _)) => plugin,
        Err(e) => {
            return checks.push(Check::fail(
                "load",
                "loads with the capabilities it asks for",
                e.to_string(),
            ));
        }
    };
    let subscribes = |t: Trigger| inspected.info.triggers.contains(&t);
    let incident = &fixture.incident;

    let plugin = &plugin;
    let event_calls: Vec<Call<'_>> = fixture
        .events
        .iter()
        .map(|event| {
            let call: Box<dyn Fn() -> Answer> = Box::new(move || {
                Ok(plugin
                    .on_event(CallContext { now: event.at }, incident, event)?
                    .value)
            });
            (format!("event `{}` ({})", event.id, event.kind), call)
        })
        .collect();
    handler(
        checks,
        "on-event",
        subscribes(Trigger::TimelineEvent),
        fixture,
        limits,
        event_calls,
    );

    let now = fixture.tick_time();
    let tick = move || Ok(plugin.on_tick(CallContext { now }, incident)?.value);
    handler(
        checks,
        "on-tick",
        subscribes(Trigger::ClockTick),
        fixture,
        limits,
        vec![("a tick".into(), Box::new(tick))],
    );

    let series_calls = fixture
        .series
        .iter()
        .map(|series| {
            let call: Box<dyn Fn() -> Answer> = Box::new(move || {
                Ok(plugin
                    .on_series(CallContext { now }, Some(incident), series)?
                    .value)
            });
            (format!("series `{}`", series.name), call)
        })
        .collect();
    handler(
        checks,
        "on-series",
        subscribes(Trigger::MetricSeries),
        fixture,
        limits,
        series_calls,
    );

    let query = &fixture.query(target.query);
    let ask = move || Ok(plugin.on_query(CallContext { now }, query)?.value);
    handler(
        checks,
        "on-query",
        subscribes(Trigger::Query),
        fixture,
        limits,
        vec![("the query".into(), Box::new(ask))],
    );
}

/// Runs one handler's calls and appends its three checks.
fn handler<'a>(
    checks: &mut Vec<Check>,
    name: &str,
    subscribed: bool,
    fixture: &super::Fixture,
    limits: Limits,
    calls: Vec<Call<'a>>,
) {
    let (mut failed, mut broken, mut drifted) = (Vec::new(), Vec::new(), Vec::new());
    for (label, call) in &calls {
        let first = call();
        match &first {
            Ok(output) => broken.extend(
                rules::problems(output, fixture, subscribed)
                    .into_iter()
                    .map(|p| format!("{label}: {p}")),
            ),
            Err(PluginError::Reported { .. }) => {}
            Err(PluginError::Contract { detail, .. }) => broken.push(format!("{label}: {detail}")),
            Err(e) => failed.push(format!("{label}: {e}")),
        }
        if !matches!(&first, Err(e) if !matches!(e, PluginError::Reported { .. } | PluginError::Contract { .. }))
        {
            let second = call();
            if fingerprint(&first) != fingerprint(&second) {
                drifted.push(format!(
                    "{label}: the second call answered differently ({} vs {})",
                    short(&first),
                    short(&second)
                ));
            }
        }
    }
    let returns = format!(
        "returns an output or an error string within the limits (deadline {} ms, {} MiB), never traps",
        limits.deadline_ms, limits.memory_mib
    );
    checks.push(Check::of(&format!("{name}:returns"), returns, failed));
    checks.push(Check::of(&format!("{name}:output"), rules::RULES, broken));
    let same = "the same answer to the same call (take time from the arguments or `clock`, not the wall clock or randomness)";
    checks.push(Check::of(&format!("{name}:deterministic"), same, drifted));
}

fn fingerprint(answer: &Answer) -> String {
    match answer {
        Ok(output) => format!("{output:?}"),
        Err(e) => e.to_string(),
    }
}

fn short(answer: &Answer) -> String {
    let text = fingerprint(answer);
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
