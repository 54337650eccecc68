//! How fast the store takes timeline events: batches of 100 from a few concurrent clients,
//! printing events per second and p50/p99 batch latency. Not `rhyme bench ingest` (which
//! goes through the HTTP API and the plugins); this is the store's share of it.
//!
//! `cargo run --release -p rhyme-store --example ingest_probe [DATABASE_URL]`

use std::time::{Duration, Instant};

use rhyme_store::{Incident, Store, TimelineEvent};

const CLIENTS: usize = 4;
const BATCHES_PER_CLIENT: usize = 100;
const BATCH: usize = 100;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1);
    let dir = std::env::temp_dir().join(format!("rhyme-ingest-probe-{}", std::process::id()));
    let store = Store::open(&dir, url.as_deref()).await?;
    let incident = Incident {
        id: format!("probe-{}", std::process::id()),
        title: "ingest probe".into(),
        severity: "SEV3".into(),
        service: String::new(),
        started: 0,
        ended: None,
    };
    store.insert_incident(&incident).await?;
    let started = Instant::now();
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (store, id) = (store.clone(), incident.id.clone());
        clients.push(tokio::spawn(async move {
            run_client(&store, &id, client).await
        }));
    }
    let mut latencies = Vec::new();
    for client in clients {
        latencies.extend(client.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let events = CLIENTS * BATCHES_PER_CLIENT * BATCH;
    println!(
        "{:?}: {events} events in {:.2}s = {:.0} events/s; batch latency p50 {:.2} ms, p99 {:.2} ms",
        store.backend(),
        elapsed.as_secs_f64(),
        events as f64 / elapsed.as_secs_f64(),
        ms(latencies[latencies.len() / 2]),
        ms(latencies[latencies.len() * 99 / 100]),
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

async fn run_client(
    store: &Store,
    incident: &str,
    client: usize,
) -> Result<Vec<Duration>, rhyme_store::Error> {
    let mut latencies = Vec::new();
    for batch in 0..BATCHES_PER_CLIENT {
        let events: Vec<TimelineEvent> = (0..BATCH)
            .map(|i| TimelineEvent {
                id: format!("c{client}-b{batch}-e{i}"),
                at: (batch * BATCH + i) as i64,
                actor: "probe".into(),
                role: String::new(),
                kind: "message".into(),
                text: "checkout p99 is climbing again after the cache flush".into(),
                change: None,
            })
            .collect();
        let sent = Instant::now();
        store.add_events(incident, &events).await?;
        latencies.push(sent.elapsed());
    }
    Ok(latencies)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
