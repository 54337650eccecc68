//! `rhyme plugin new NAME`: a new plugin crate that builds with one command and installs with
//! `rhyme plugin install`. It depends on this checkout's PDK and harness by path: by default
//! the checkout this binary was built from, or `--checkout PATH`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail, ensure};
use clap::Args;
use serde_json::json;

use rhyme_runtime::manifest::is_plugin_name;

use super::Context;

/// The checkout this binary was built from.
const BUILT_FROM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const FILES: [(&str, &str); 7] = [
    ("Cargo.toml", include_str!("scaffold/Cargo.toml.in")),
    ("src/lib.rs", include_str!("scaffold/lib.rs.in")),
    ("plugin.toml", include_str!("scaffold/plugin.toml.in")),
    (
        "tests/plugin.rs",
        include_str!("scaffold/plugin_test.rs.in"),
    ),
    (
        "fixtures/incident.json",
        include_str!("scaffold/incident.json.in"),
    ),
    ("README.md", include_str!("scaffold/README.md.in")),
    (".gitignore", include_str!("scaffold/gitignore.in")),
];

#[derive(Debug, Args)]
pub(super) struct NewArgs {
    /// The plugin's name: 1-64 lowercase letters, digits and `-`, starting with a letter.
    name: String,
    /// Where to create the folder NAME.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// The Rhyme checkout whose PDK and harness the plugin uses (default: the one this binary
    /// was built from).
    #[arg(long, value_name = "PATH")]
    checkout: Option<PathBuf>,
}

pub(super) fn run(ctx: &Context, args: NewArgs) -> anyhow::Result<()> {
    if !is_plugin_name(&args.name) {
        bail!(
            "`{}` is not a valid plugin name: use 1-64 lowercase letters, digits and `-`, starting with a letter (e.g. `deploy-notes`)",
            args.name
        );
    }
    let checkout = checkout(args.checkout.as_deref())?;
    let folder = args.dir.join(&args.name);
    ensure!(
        !folder.exists(),
        "{} already exists; choose another name or --dir (nothing was written)",
        folder.display()
    );
    for (path, template) in FILES {
        let target = folder.join(path);
        std::fs::create_dir_all(target.parent().expect("files sit in a folder")).with_context(
            || format!("creating {}", target.parent().unwrap_or(&folder).display()),
        )?;
        std::fs::write(&target, fill(template, &args.name, &checkout))
            .with_context(|| format!("writing {}", target.display()))?;
    }
    // The checkout's lock file pins the versions Rhyme was tested with, and lets the first
    // build resolve without reaching the network when those crates are already downloaded.
    let lock = checkout.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, folder.join("Cargo.lock"))
            .with_context(|| format!("copying {}", lock.display()))?;
    }
    if ctx.json {
        println!(
            "{}",
            json!({ "created": folder, "name": args.name, "checkout": checkout })
        );
    } else {
        println!(
            "created {} (plugin `{}`, using the PDK in {})",
            folder.display(),
            args.name,
            checkout.display()
        );
        println!(
            "next: cd {} && cargo build --release --target wasm32-wasip2 && rhyme plugin test .",
            folder.display()
        );
    }
    Ok(())
}

/// The checkout to depend on, absolute, checked to hold the PDK and the harness.
fn checkout(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let candidate = given.unwrap_or(Path::new(BUILT_FROM));
    let found = candidate.join("plugins/pdk/Cargo.toml").is_file()
        && candidate.join("host/harness/Cargo.toml").is_file();
    if !found {
        let how = if given.is_some() {
            "given with --checkout"
        } else {
            "this binary was built from"
        };
        bail!(
            "{} ({how}) is not a Rhyme checkout: no plugins/pdk or host/harness there; pass --checkout PATH to one",
            candidate.display()
        );
    }
    std::fs::canonicalize(candidate).with_context(|| format!("resolving {}", candidate.display()))
}

fn fill(template: &str, name: &str, checkout: &Path) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{crate}}", &name.replace('-', "_"))
        .replace("{{checkout}}", &checkout.display().to_string())
}
