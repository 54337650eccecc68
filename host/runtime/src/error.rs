//! Errors of plugin calls and plugin loading. Each names the plugin; a limit error also names
//! the limit, so an operator knows which knob to turn.

use std::fmt;

/// The per-call limits of the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Wall-clock deadline (epoch interruption).
    Deadline,
    /// Fuel.
    Fuel,
    /// Linear memory cap.
    Memory,
    /// Table size cap.
    Table,
    /// WebAssembly call stack.
    Stack,
    /// Size of the returned output.
    Output,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Deadline => "deadline",
            Limit::Fuel => "fuel",
            Limit::Memory => "memory",
            Limit::Table => "table",
            Limit::Stack => "stack",
            Limit::Output => "output size",
        })
    }
}

/// Why a plugin could not be loaded or a call did not produce a valid answer.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The plugin went past a limit and was stopped.
    #[error("plugin `{plugin}` stopped: {limit} limit exceeded ({detail})")]
    LimitExceeded {
        /// The plugin's name, from its manifest.
        plugin: String,
        /// Which limit it went past.
        limit: Limit,
        /// How far it went and what the cap was, in words.
        detail: String,
    },
    /// The plugin trapped (a panic, `unreachable`, a bad memory access).
    #[error("plugin `{plugin}` crashed: {detail}")]
    Trapped {
        /// The plugin's name, from its manifest.
        plugin: String,
        /// The trap, with a hint and what the plugin last wrote to stderr (or the error in full).
        detail: String,
    },
    /// The plugin answered with an error of its own.
    #[error("plugin `{plugin}` reported an error: {message}")]
    Reported {
        /// The plugin's name, from its manifest.
        plugin: String,
        /// The plugin's own error message.
        message: String,
    },
    /// The plugin's answer does not respect the contract.
    #[error("plugin `{plugin}` broke the contract: {detail}")]
    Contract {
        /// The plugin's name, from its manifest.
        plugin: String,
        /// Which rule of the contract the answer broke.
        detail: String,
    },
    /// The component may not run here: a forbidden or ungranted import, a missing export.
    #[error("plugin `{plugin}` refused: {reason}")]
    Refused {
        /// The plugin's name, from its manifest.
        plugin: String,
        /// Why it may not run, in words.
        reason: String,
    },
    /// The component could not be compiled or instantiated for a reason of the host.
    #[error("plugin `{plugin}`: {detail}")]
    Host {
        /// The plugin's name, from its manifest.
        plugin: String,
        /// The host-side error, with its causes.
        detail: String,
    },
}

impl PluginError {
    /// The plugin at fault.
    pub fn plugin(&self) -> &str {
        match self {
            PluginError::LimitExceeded { plugin, .. }
            | PluginError::Trapped { plugin, .. }
            | PluginError::Reported { plugin, .. }
            | PluginError::Contract { plugin, .. }
            | PluginError::Refused { plugin, .. }
            | PluginError::Host { plugin, .. } => plugin,
        }
    }

    /// The limit hit, when that is what happened.
    pub fn limit(&self) -> Option<Limit> {
        match self {
            PluginError::LimitExceeded { limit, .. } => Some(*limit),
            _ => None,
        }
    }
}
