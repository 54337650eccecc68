//! The first-mover finding in words: a title for a tired reader and a detail listing every
//! onset. Times are epoch milliseconds.

use crate::onsets::Ordering;

/// The finding's subject; the host groups findings by it.
pub const SUBJECT: &str = "first-mover";

/// "cart_latency moved first, 10 min before checkout_errors"; `None` unless two series moved.
pub fn title(order: &Ordering) -> Option<String> {
    let (first, next, lead) = order.lead()?;
    Some(format!(
        "{} moved first, {} before {}",
        first.series,
        minutes(lead),
        next.series
    ))
}

/// One line per series: when it moved, relative to the first, and how far; then the calm ones.
pub fn detail(order: &Ordering) -> String {
    let Some(first) = order.moved.first() else {
        return String::new();
    };
    let mut lines = vec!["Onsets, earliest first:".to_string()];
    for o in &order.moved {
        let size = if o.peak.is_finite() {
            format!(" ({:+.0} spreads of its own past)", o.peak)
        } else {
            String::new()
        };
        let when = if o.at == first.at {
            "at the first onset".to_string()
        } else {
            format!("{} later", minutes(o.at - first.at))
        };
        lines.push(format!("- {}: {when}{size}", o.series));
    }
    if !order.still.is_empty() {
        lines.push(format!("Did not move: {}.", order.still.join(", ")));
    }
    lines.push(
        "First check: what feeds the first mover; the later ones may be effects, not causes."
            .to_string(),
    );
    lines.join("\n")
}

fn minutes(ms: i64) -> String {
    let m = ms as f64 / 60_000.0;
    if m < 1.0 {
        format!("{} s", (ms as f64 / 1000.0).round())
    } else {
        format!("{} min", m.round())
    }
}
