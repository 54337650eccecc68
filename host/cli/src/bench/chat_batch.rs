//! The timeline batches the load benchmarks post (`rhyme bench ingest`, `rhyme bench burst`):
//! each client numbers its events on from batch to batch, one second apart from a fixed
//! epoch, so that ids never collide between clients and no batch repeats an earlier one
//! (the ingest path would take a repeat as a replay and store nothing).

/// What one event says; the id and time come from its number.
pub(super) struct ChatLine {
    pub(super) actor: String,
    pub(super) kind: &'static str,
    pub(super) text: String,
}

/// The moment event 0 happened, in milliseconds since the epoch (November 2023).
const EPOCH_MS: i64 = 1_700_000_000_000;

/// Batch `batch_no` of `size` events from client `client`, as `{"events": [...]}`; event `n`
/// (counted over the client's batches) says `line(n)`.
pub(super) fn batch(
    client: usize,
    batch_no: usize,
    size: usize,
    line: impl Fn(usize) -> ChatLine,
) -> serde_json::Value {
    let events: Vec<_> = (0..size)
        .map(|i| {
            let n = batch_no * size + i;
            let ChatLine { actor, kind, text } = line(n);
            serde_json::json!({
                "id": format!("c{client}-e{n}"),
                "at": EPOCH_MS + n as i64 * 1000,
                "actor": actor,
                "kind": kind,
                "text": text,
            })
        })
        .collect();
    serde_json::json!({ "events": events })
}
