//! The records the store keeps, mirroring `wit/types.wit` field for field where the contract
//! defines them, so the host converts between the two without thought.

mod evidence;
mod finding;
mod incident;
mod postmortem;
mod series;

pub use evidence::{Evidence, SeriesWindow};
pub use finding::{Finding, FindingKind, PluginRef, StoredFinding};
pub use incident::{Incident, TimelineEvent};
pub use postmortem::Postmortem;
pub use series::{MetricSeries, Point};

use crate::error::{Error, Result};

/// Longest id the store accepts; ids end up in URLs and log lines.
pub const MAX_ID_LEN: usize = 200;

/// Checks that an id is present, not too long and free of control characters.
pub(crate) fn check_id(field: &str, id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            field,
            format!("longer than {MAX_ID_LEN} bytes"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(())
}
