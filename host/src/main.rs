//! `rhyme`: the one binary. Thin: it parses arguments, calls the library, prints.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
