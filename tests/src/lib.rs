//! Helpers shared by Rhyme's end-to-end tests: where the built plugins and the `rhyme` binary
//! are, and how to lay out a plugin folder.
//!
//! The test plugins under `tests/guests/` are built by `make test` (or `make guests`) for
//! `wasm32-wasip2` before the tests run; they are never committed.

pub mod chat_server;
mod http;
pub mod receiver;
pub mod server;
pub mod slack_server;
pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs an async step of the library (a plugin loaded or called) to its end, on a
/// single-threaded runtime of its own: the tests that call the sandbox directly are plain
/// `#[test]`s, some calling from several threads at once.
pub fn wait<F: std::future::Future>(step: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the test")
        .block_on(step)
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The cargo target folder in use.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// A built WebAssembly component, by its crate's file stem (`guest_trivial`).
pub fn component(stem: &str) -> PathBuf {
    let path = target_dir()
        .join("wasm32-wasip2/release")
        .join(format!("{stem}.wasm"));
    assert!(
        path.exists(),
        "{} is missing: run `make guests` (or `make test`) first",
        path.display()
    );
    path
}

/// The `rhyme` binary of the profile these tests were built with.
pub fn rhyme_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("rhyme");
    assert!(
        binary.exists(),
        "{} is missing: `make test` builds it before the tests",
        binary.display()
    );
    binary
}

/// Runs `rhyme --data DATA ARGS...` and returns its output.
pub fn rhyme(data: &Path, args: &[&str]) -> Output {
    Command::new(rhyme_binary())
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("RHYME_DATA")
        .output()
        .expect("running rhyme")
}

/// Writes a plugin folder: `plugin.wasm` copied from `component`, `plugin.toml` from `manifest`.
pub fn plugin_folder(parent: &Path, component: &Path, manifest: &str) -> PathBuf {
    let name = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or("plugin");
    let dir = parent.join(name);
    std::fs::create_dir_all(&dir).expect("plugin folder");
    std::fs::copy(component, dir.join("plugin.wasm")).expect("copying the component");
    std::fs::write(dir.join("plugin.toml"), manifest).expect("writing the manifest");
    dir
}

/// The `plugin.toml` of the built-in plugin in `plugins/FOLDER`, its component renamed to the
/// `plugin.wasm` that [`plugin_folder`] lays out.
pub fn builtin_manifest(folder: &str) -> String {
    let path = repo_root().join("plugins").join(folder).join("plugin.toml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|line| {
            if line.starts_with("component = ") {
                "component = \"plugin.wasm\""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The manifest of the test plugin `guest_proposer` (it asks for `incidents`).
pub const PROPOSER_MANIFEST: &str = "name = \"proposer\"\nversion = \"0.2.0\"\ndescription = \"test\"\ncomponent = \"plugin.wasm\"\ncapabilities = [\"incidents\"]\n";

/// Exit code, stdout and stderr of a finished command, as text.
pub fn outcome(output: &Output) -> (i32, String, String) {
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `../shared/data` beside the checkout, where the labelled sets live; `None` on a user's
/// clone, where data-dependent tests print a note and pass.
pub fn shared_data() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} not found; skipping the evaluation on labelled data",
            dir.display()
        );
        None
    }
}

/// The embedding model's folder (`models/all-MiniLM-L6-v2`), or `None` with a note when its
/// files are missing (`make models`).
pub fn embedding_model() -> Option<PathBuf> {
    let dir = repo_root().join("models/all-MiniLM-L6-v2");
    if dir.join("model.safetensors").exists() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} has no model files (run `make models`); skipping",
            dir.display()
        );
        None
    }
}

/// Calls `check` every `every` until it returns `Some`, for up to `limit`; `None` when the
/// time ran out. `check` runs once more after the deadline has passed before giving up.
pub fn wait_until<T>(
    limit: Duration,
    every: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(every);
    }
}

/// Installs a built-in plugin from `plugins/NAME` into the registry under `data`, granted
/// what it asks for. The component must have been built (`make plugins`).
pub fn install_builtin(data: &Path, name: &str) {
    let dir = repo_root().join("plugins").join(name);
    let (code, out, err) = outcome(&rhyme(
        data,
        &["plugin", "install", dir.to_str().unwrap(), "--grant-asked"],
    ));
    assert_eq!(
        code, 0,
        "installing {name}: {out}{err} (run `make plugins` first)"
    );
}

/// The `{"summary": ...}` line that closes `rhyme eval` output.
pub fn eval_summary(stdout: &str) -> serde_json::Value {
    let last = stdout.lines().last().expect("eval printed nothing");
    let value: serde_json::Value = serde_json::from_str(last).expect("the last line is JSON");
    value["summary"].clone()
}
