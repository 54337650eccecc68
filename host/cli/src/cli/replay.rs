//! `rhyme replay TIMELINE.json`: plays an incident through the enabled plugins in accelerated
//! incident time and prints each finding as it fires: what the incident commander would see.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_runtime::replay::{self, ReplayStep};
use rhyme_world::Timestamp;
use rhyme_world::types::{Evidence, Trigger};

use super::{Context, plugin::sandbox, show};

#[derive(Debug, Args)]
pub(super) struct ReplayArgs {
    /// A timeline file (the format of shared/data/timelines).
    file: PathBuf,
    /// Incident minutes played per wall-clock minute; 0 plays as fast as possible.
    #[arg(long, default_value_t = 600.0)]
    speed: f64,
    /// Print every timeline event too, not only what the plugins found.
    #[arg(long)]
    show_events: bool,
    /// Also print, for each nudge, the ephemeral message the Slack app would send the IC in
    /// this channel (a channel id, such as C0123ABC), as text.
    #[arg(long, value_name = "CHANNEL")]
    slack: Option<String>,
}

pub(super) fn run(ctx: &Context, args: ReplayArgs) -> anyhow::Result<()> {
    let timeline = rhyme_core::timeline::load_file(&args.file)?;
    let store = Arc::new(MemoryIncidents::new());
    let chat = rhyme_capabilities::openai_chat::backend(ctx.config.llm()?)?;
    let backends = Backends {
        incidents: Some(store.clone()),
        chat,
        ..Backends::default()
    };
    let sandbox = sandbox(ctx)?;
    let (plugins, refused) = super::store::wait(ctx.registry().load_enabled(&sandbox, &backends))?;
    for error in &refused {
        eprintln!("warning: {error}");
    }
    let plugins: Vec<_> = plugins
        .into_iter()
        .filter(|p| {
            p.info()
                .triggers
                .iter()
                .any(|t| matches!(t, Trigger::TimelineEvent | Trigger::ClockTick))
        })
        .collect();
    anyhow::ensure!(
        !plugins.is_empty(),
        "no enabled plugin listens to timelines (install one, e.g. `make build`)"
    );
    if !ctx.json {
        let names: Vec<_> = plugins.iter().map(|p| p.name()).collect();
        println!(
            "Replaying {} — {} ({} events) through {}",
            timeline.id,
            timeline.title,
            timeline.events.len(),
            names.join(", ")
        );
    }
    let (_, events) = replay::incident_of(&timeline);
    let mut clock = Pacer::new(args.speed);
    let fired = super::store::wait_for(replay::replay(
        &timeline,
        &plugins,
        &store,
        |now, step| {
            clock.wait_until(now);
            match step {
                ReplayStep::Event(event) if args.show_events && !ctx.json => {
                    println!(
                        "{}  · {:<18} {}",
                        show::hh_mm(event.at),
                        who(&event.actor, &event.role),
                        event.text
                    );
                }
                ReplayStep::Fired(fired) => {
                    for f in fired {
                        if ctx.json {
                            let evidence: Vec<_> = f
                                .finding
                                .evidence
                                .iter()
                                .filter_map(|e| match e {
                                    Evidence::Event(id) => Some(id.clone()),
                                    _ => None,
                                })
                                .collect();
                            println!(
                                "{}",
                                json!({ "at": show::utc(now), "plugin": f.plugin, "kind": f.finding.subject, "title": f.finding.title, "message": f.finding.detail, "evidence": evidence })
                            );
                        } else {
                            show::fired(now, &f.plugin, &f.finding, &events);
                            let slack = args.slack.as_deref().and_then(|channel| {
                                super::slack_preview::nudge(
                                    channel,
                                    &timeline.id,
                                    &f.plugin,
                                    &f.finding,
                                    &events,
                                    now,
                                )
                            });
                            if let Some(text) = slack {
                                println!("           Slack:");
                                for line in text.lines() {
                                    println!("           │ {line}");
                                }
                            }
                        }
                    }
                }
                ReplayStep::Failed(error) => eprintln!("{}  ! {error}", show::hh_mm(now)),
                ReplayStep::Event(_) => {}
            }
        },
    ))?;
    if !ctx.json {
        let nudges = fired.len();
        println!(
            "Replay done: {nudges} finding{} over {} events.",
            if nudges == 1 { "" } else { "s" },
            timeline.events.len()
        );
    }
    Ok(())
}

fn who(actor: &str, role: &str) -> String {
    match (actor.is_empty(), role.is_empty()) {
        (false, false) => format!("{actor} ({role})"),
        (false, true) => actor.to_string(),
        (true, false) => role.to_string(),
        (true, true) => "—".into(),
    }
}

/// Sleeps so that incident time advances `speed` times faster than the wall clock.
struct Pacer {
    speed: f64,
    last: Option<Timestamp>,
}

impl Pacer {
    fn new(speed: f64) -> Pacer {
        Pacer { speed, last: None }
    }

    fn wait_until(&mut self, now: Timestamp) {
        if let Some(last) = self.last.filter(|_| self.speed > 0.0) {
            let incident_ms = (now - last).max(0) as f64;
            std::thread::sleep(Duration::from_secs_f64(incident_ms / 1000.0 / self.speed));
        }
        self.last = Some(now);
    }
}
