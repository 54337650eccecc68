//! `rhyme`: the one binary. Thin: it parses arguments, calls the library crates, prints.
//!
//! | module | job |
//! |---|---|
//! | `cli` | one file per command: arguments, the call, readable or JSON output, exit codes |
//! | `config` | `rhyme.toml`: the operator's one configuration file, with environment overrides |
//! | `prometheus` | range queries through Prometheus's HTTP API, for `rhyme series pull` |
//! | `bench` | `rhyme bench`: measured figures, printed (feature `bench`) |

#[cfg(feature = "bench")]
mod bench;
mod cli;
mod config;
mod prometheus;

fn main() -> std::process::ExitCode {
    restore_sigpipe();
    cli::run()
}

/// Rust ignores SIGPIPE, so `rhyme ... | head` would panic on the closed pipe; a command-line
/// tool should just stop quietly, as `cat` does.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing in `main`, before any thread exists; it only resets one
    // signal's disposition to the default.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
