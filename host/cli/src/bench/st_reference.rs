//! sentence-transformers' embedding throughput on the same sentences and batch size, for
//! `rhyme bench seen-before` to print beside rhyme-embed's: `models/st_throughput.py` run
//! by the interpreter `RHYME_ST_PYTHON` names, or by the venv `models/st-venv.sh` makes.
//! The reference is optional (it needs torch); without it the bench says how to get it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};
use serde_json::json;

/// Names the interpreter to run the reference with.
pub(crate) const ST_PYTHON: &str = "RHYME_ST_PYTHON";

/// What the reference script measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReferenceThroughput {
    pub sentences_per_s: f64,
    pub sentences: usize,
    pub batch_size: usize,
    pub sentence_transformers: String,
    pub torch: String,
    /// Torch's CPU threads.
    pub threads: usize,
}

/// The reference's figure, or the one line to print instead.
pub(crate) fn measure(
    models: &Path,
    sentences: &[String],
    batch_size: usize,
) -> Result<ReferenceThroughput, String> {
    let python = interpreter(models).ok_or_else(|| {
        format!("not measured: run `make bench-reference` (a venv with sentence-transformers, several GB) or set {ST_PYTHON} to a python that has it")
    })?;
    let script = models.join("st_throughput.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    let request = json!({ "sentences": sentences, "batch_size": batch_size }).to_string();
    let sent = child
        .stdin
        .take()
        .expect("piped")
        .write_all(request.as_bytes());
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    sent.map_err(|e| format!("writing the sentences to {}: {e}", script.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return Err(format!(
            "{} {} failed ({}): {last}",
            python.display(),
            script.display(),
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_default();
    serde_json::from_str(line).map_err(|e| {
        format!(
            "{} printed no result line ({e}): {}",
            script.display(),
            stdout.trim()
        )
    })
}

/// `RHYME_ST_PYTHON`, else the venv of `models/st-venv.sh` when it exists.
fn interpreter(models: &Path) -> Option<PathBuf> {
    if let Some(named) = std::env::var_os(ST_PYTHON).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(named));
    }
    Some(models.join(".venv/bin/python")).filter(|p| p.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_interpreter_says_how_to_get_one() {
        if std::env::var_os(ST_PYTHON).is_some() {
            return;
        }
        let err = measure(Path::new("/nonexistent-models"), &["a".into()], 32).unwrap_err();
        assert!(
            err.contains("make bench-reference") && err.contains(ST_PYTHON),
            "{err}"
        );
    }
}
