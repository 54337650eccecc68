//! The records the store keeps, mirroring `wit/0.2.0/types.wit` field for field where the contract
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
use crate::limits::{MAX_NAME, check_len};

/// Checks that an id is present, at most [`MAX_NAME`] bytes and free of control characters.
pub(crate) fn check_id(field: &str, id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    check_len(field, id, MAX_NAME)?;
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(())
}
