//! The file sink: appends one JSON line per delivered action (for the demo, and for operators
//! who feed actions to another tool through a file). Before appending it looks for the key in
//! the file, so a delivery repeated after a crash does not write a second line.

use std::path::{Path, PathBuf};

use tokio::fs::OpenOptions;
use tokio::io::AsyncWriteExt as _;
use tokio::sync::Mutex;

use crate::{Delivery, Sink, SinkError, SinkFuture};

/// Appends deliveries to a JSON-lines file.
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    /// One append at a time, so the look-then-append is not raced within this process.
    turn: Mutex<()>,
}

impl FileSink {
    /// A sink appending to the file at `path` (created on first delivery).
    pub fn new(path: impl AsRef<Path>) -> Self {
        FileSink {
            path: path.as_ref().to_path_buf(),
            turn: Mutex::new(()),
        }
    }

    /// The file this sink appends to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn append(&self, delivery: &Delivery) -> Result<(), SinkError> {
        let _turn = self.turn.lock().await;
        if self.holds(&delivery.key).await? {
            return Ok(());
        }
        let line = serde_json::json!({
            "idempotency_key": delivery.key,
            "delivered_at": delivery.at,
            "action": delivery.payload,
        });
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(|e| self.failed(e))?;
        file.write_all(format!("{line}\n").as_bytes())
            .await
            .map_err(|e| self.failed(e))?;
        file.sync_data().await.map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// Whether a line with this key is already in the file.
    async fn holds(&self, key: &str) -> Result<bool, SinkError> {
        let text = match tokio::fs::read_to_string(&self.path).await {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(self.failed(e)),
        };
        Ok(text.lines().any(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .is_some_and(|v| v.get("idempotency_key").and_then(|k| k.as_str()) == Some(key))
        }))
    }

    fn failed(&self, error: std::io::Error) -> SinkError {
        SinkError::Retryable {
            why: format!("{}: {error}", self.path.display()),
            after: None,
        }
    }
}

impl Sink for FileSink {
    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> SinkFuture<'a> {
        Box::pin(self.append(delivery))
    }
}
