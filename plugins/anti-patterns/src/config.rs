//! Thresholds per severity, with the catalog's values as defaults.
//!
//! A config file overrides any subset: every field has a default and unknown keys are refused,
//! so a misspelt threshold is an error rather than a silently ignored line.
//!
//! ```
//! use anti_patterns::{Severity, Thresholds};
//! let config = Thresholds::default();
//! assert_eq!(config.for_severity(Some(Severity::Sev2)).update_cadence_minutes, 30);
//! assert_eq!(config.for_severity(Some(Severity::Sev1)).early_update_cadence_minutes, Some(15));
//! ```

use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// The thresholds for every severity; `unknown` applies when the incident has none (or SEV4+).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub sev1: SeverityThresholds,
    pub sev2: SeverityThresholds,
    pub sev3: SeverityThresholds,
    pub unknown: SeverityThresholds,
}

impl Default for Thresholds {
    fn default() -> Self {
        let sev2 = SeverityThresholds::default();
        let sev1 = SeverityThresholds {
            early_update_cadence_minutes: Some(15),
            ..sev2.clone()
        };
        // Lower severities have no paging crowd to command and a slower public rhythm.
        let sev3 = SeverityThresholds {
            update_cadence_minutes: 60,
            command_minutes: None,
            ..sev2.clone()
        };
        Thresholds {
            sev1,
            sev2,
            unknown: sev3.clone(),
            sev3,
        }
    }
}

impl Thresholds {
    /// The thresholds that apply at this severity.
    pub fn for_severity(&self, severity: Option<Severity>) -> &SeverityThresholds {
        match severity {
            Some(Severity::Sev1) => &self.sev1,
            Some(Severity::Sev2) => &self.sev2,
            Some(Severity::Sev3) => &self.sev3,
            Some(Severity::Other) | None => &self.unknown,
        }
    }
}

/// The thresholds for one severity. Minutes are minutes of incident time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeverityThresholds {
    /// Stakeholder update cadence when the incident does not state its own.
    pub update_cadence_minutes: u32,
    /// A tighter cadence for the first `early_phase_minutes` (SEV1: 15).
    pub early_update_cadence_minutes: Option<u32>,
    pub early_phase_minutes: u32,
    /// How late an update may be before it counts as missing: a minute or two late is not silence.
    pub update_grace_minutes: u32,
    /// How long one hypothesis may be the only one discussed before it is tunnel vision.
    pub hypothesis_minutes: u32,
    /// How long without a new observation, decision or action before the loop has stalled.
    pub silence_minutes: u32,
    /// How long after the first alert an IC must be named; `None` turns the check off.
    pub command_minutes: Option<u32>,
    /// How long a passed-on IC role may wait for a handover note or the new IC's acknowledgement.
    pub handover_minutes: u32,
    /// Hands-on diagnostic steps by the IC, within `hero_window_minutes`, that make a hero.
    pub hero_actions: u32,
    pub hero_window_minutes: u32,
    /// How long after mitigation the incident may stay open without an all-clear.
    pub all_clear_minutes: u32,
    /// How long the room must be quiet after mitigation to count as gone.
    pub gone_quiet_minutes: u32,
    /// How long a decision referenced from a call may take to be written into the channel.
    pub off_channel_minutes: u32,
    /// Blame language nudges at most once in this many minutes.
    pub blame_repeat_minutes: u32,
}

impl Default for SeverityThresholds {
    fn default() -> Self {
        SeverityThresholds {
            update_cadence_minutes: 30,
            early_update_cadence_minutes: None,
            early_phase_minutes: 60,
            update_grace_minutes: 5,
            hypothesis_minutes: 15,
            silence_minutes: 20,
            command_minutes: Some(10),
            handover_minutes: 4,
            hero_actions: 3,
            hero_window_minutes: 15,
            all_clear_minutes: 60,
            gone_quiet_minutes: 30,
            off_channel_minutes: 2,
            blame_repeat_minutes: 30,
        }
    }
}
