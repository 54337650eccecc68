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
use rhyme_world::Timestamp;
use rhyme_world::types::{Incident, MetricSeries, Output, Query, TimelineEvent, Trigger};

type Answer = Result<Output, PluginError>;

/// One handler called with one fixture input.
#[derive(Clone, Copy)]
enum Call<'a> {
    Event(&'a TimelineEvent),
    Tick,
    Series(&'a MetricSeries),
    Query(&'a Query),
}

/// A handler's name, its trigger, and its labelled calls.
type HandlerCalls<'a> = (&'static str, Trigger, Vec<(String, Call<'a>)>);

/// The plugin, the fixture incident and the incident time the calls share.
struct Caller<'a> {
    plugin: &'a LoadedPlugin,
    incident: &'a Incident,
    now: Timestamp,
}

impl Caller<'_> {
    async fn answer(&self, call: Call<'_>) -> Answer {
        let (plugin, incident, now) = (self.plugin, self.incident, self.now);
        let report = match call {
            Call::Event(event) => {
                plugin
                    .on_event(CallContext { now: event.at }, incident, event)
                    .await?
            }
            Call::Tick => plugin.on_tick(CallContext { now }, incident).await?,
            Call::Series(series) => {
                plugin
                    .on_series(CallContext { now }, Some(incident), series)
                    .await?
            }
            Call::Query(query) => plugin.on_query(CallContext { now }, query).await?,
        };
        Ok(report.value)
    }
}

/// Loads the plugin with the fixture behind `incidents` and runs the handler checks.
pub async fn run(
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
    let plugin = match LoadedPlugin::load(sandbox, cache, request).await {
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
    let caller = Caller {
        plugin: &plugin,
        incident: &fixture.incident,
        now: fixture.tick_time(),
    };
    let query = fixture.query(target.query);
    let handlers: [HandlerCalls<'_>; 4] = [
        (
            "on-event",
            Trigger::TimelineEvent,
            fixture
                .events
                .iter()
                .map(|event| {
                    let label = format!("event `{}` ({})", event.id, event.kind);
                    (label, Call::Event(event))
                })
                .collect(),
        ),
        (
            "on-tick",
            Trigger::ClockTick,
            vec![("a tick".into(), Call::Tick)],
        ),
        (
            "on-series",
            Trigger::MetricSeries,
            fixture
                .series
                .iter()
                .map(|series| (format!("series `{}`", series.name), Call::Series(series)))
                .collect(),
        ),
        (
            "on-query",
            Trigger::Query,
            vec![("the query".into(), Call::Query(&query))],
        ),
    ];
    for (name, trigger, calls) in handlers {
        handler(
            checks,
            name,
            subscribes(trigger),
            fixture,
            limits,
            &caller,
            calls,
        )
        .await;
    }
}

/// Runs one handler's calls and appends its three checks.
async fn handler(
    checks: &mut Vec<Check>,
    name: &str,
    subscribed: bool,
    fixture: &super::Fixture,
    limits: Limits,
    caller: &Caller<'_>,
    calls: Vec<(String, Call<'_>)>,
) {
    let (mut failed, mut broken, mut drifted) = (Vec::new(), Vec::new(), Vec::new());
    for (label, call) in &calls {
        let first = caller.answer(*call).await;
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
            let second = caller.answer(*call).await;
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
