//! ONNX Runtime, loaded once per process from the shared library `models/fetch.sh` fetched.

use std::path::Path;
use std::sync::OnceLock;

use ort::environment::Environment;

use crate::error::{Error, Result};

/// The process's one runtime. A process can load the library once; a later model that names
/// another copy of it runs on the one already loaded.
static RUNTIME: OnceLock<std::result::Result<Environment, String>> = OnceLock::new();

/// The environment sessions are created in, loading `library` on first use.
pub(crate) fn environment(library: &Path) -> Result<&'static Environment> {
    RUNTIME
        .get_or_init(|| load(library))
        .as_ref()
        .map_err(|reason| Error::Runtime {
            path: library.to_path_buf(),
            reason: reason.clone(),
        })
}

fn load(library: &Path) -> std::result::Result<Environment, String> {
    let builder = ort::init_from(library).map_err(|e| e.to_string())?;
    builder
        .with_name("rhyme-embed")
        .with_telemetry(false)
        .build()
        .map_err(|e| e.to_string())
}
