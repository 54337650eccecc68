//! Exit codes scripts can branch on, and how a failure is printed.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | anything else went wrong (I/O, configuration) |
//! | 2 | bad command line (from clap), an argument the server rejected (an unknown pattern), or a bad report window (`--since`) |
//! | 3 | refused: an invalid plugin or manifest, a forbidden import, an ungranted capability; or the server refused the token or its role |
//! | 4 | a plugin call failed: limit hit, trap, its own error, contract broken; or a conformance check failed |
//! | 5 | not found: no such plugin, or (from the server) no such incident |

use std::process::ExitCode;

use rhyme_runtime::PluginError;
use rhyme_runtime::registry::RegistryError;

use super::remote::RemoteError;

/// Prints `error` (to stderr, or as JSON on stdout) and returns its exit code.
pub(super) fn report(error: &anyhow::Error, json: bool) -> ExitCode {
    let code = code_of(error);
    // `rhyme plugin test` has printed its report, the JSON object included.
    if json
        && error
            .downcast_ref::<super::plugin_test::ChecksFailed>()
            .is_some()
    {
        return ExitCode::from(code);
    }
    if json {
        let body = serde_json::json!({ "error": format!("{error:#}"), "exit_code": code });
        println!("{body}");
    } else {
        eprintln!("error: {error:#}");
    }
    ExitCode::from(code)
}

fn code_of(error: &anyhow::Error) -> u8 {
    if error
        .downcast_ref::<super::plugin_test::ChecksFailed>()
        .is_some()
    {
        return 4;
    }
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<RegistryError>() {
            return match e {
                RegistryError::NotFound(_) => 5,
                RegistryError::Manifest(_)
                | RegistryError::NotRequested { .. }
                | RegistryError::Disabled(_) => 3,
                RegistryError::Plugin(p) => plugin_code(p),
                RegistryError::Operator(_) | RegistryError::Io { .. } => 1,
            };
        }
        if let Some(p) = cause.downcast_ref::<PluginError>() {
            return plugin_code(p);
        }
        if let Some(rhyme_report::Error::Invalid { .. }) =
            cause.downcast_ref::<rhyme_report::Error>()
        {
            return 2;
        }
        if let Some(r) = cause.downcast_ref::<RemoteError>() {
            return match r {
                RemoteError::NoToken
                | RemoteError::Unauthenticated { .. }
                | RemoteError::Forbidden { .. } => 3,
                RemoteError::NotFound { .. } => 5,
                RemoteError::Invalid { .. } | RemoteError::BadUrl { .. } => 2,
                RemoteError::Unreachable { .. } | RemoteError::Failed { .. } => 1,
            };
        }
    }
    1
}

fn plugin_code(error: &PluginError) -> u8 {
    match error {
        PluginError::Refused { .. } => 3,
        PluginError::Host { .. } => 1,
        _ => 4,
    }
}
