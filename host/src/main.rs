//! `rhyme`: the one binary. Thin: it parses arguments, calls the library, prints.

mod cli;

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
