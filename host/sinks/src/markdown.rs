//! The Markdown sink: writes each approved draft as its own `.md` file in a folder, named
//! `<incident>-<kind>-<proposal>.md`, with a front-matter header saying which incident it is
//! about and who approved it when, then the draft as approved.
//!
//! The file appears whole or not at all (written beside, synced, then linked into place), and
//! never replaces another file: a re-delivery of the same action (same idempotency key) finds
//! its own file and succeeds without writing; a file of that name holding anything else is
//! left alone and the delivery refused.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt as _;

use crate::{Delivery, Sink, SinkError, SinkFuture};

/// Writes approved drafts as Markdown files.
#[derive(Debug, Clone)]
pub struct MarkdownSink {
    dir: PathBuf,
}

impl MarkdownSink {
    /// A sink writing into `dir` (created when missing).
    pub fn new(dir: impl AsRef<Path>) -> Self {
        MarkdownSink {
            dir: dir.as_ref().to_path_buf(),
        }
    }

    /// The folder this sink writes into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    async fn write(&self, delivery: &Delivery) -> Result<(), SinkError> {
        let path = self.dir.join(file_name(&delivery.payload));
        let text = document(&delivery.key, &delivery.payload);
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| retry(&self.dir, e))?;
        if let Some(existing) = read(&path).await? {
            return same_delivery(&path, &existing, &delivery.key);
        }
        let temporary = self
            .dir
            .join(format!(".{}.{}.tmp", delivery.key, delivery.attempt));
        let mut file = tokio::fs::File::create(&temporary)
            .await
            .map_err(|e| retry(&temporary, e))?;
        file.write_all(text.as_bytes())
            .await
            .map_err(|e| retry(&temporary, e))?;
        file.sync_all().await.map_err(|e| retry(&temporary, e))?;
        drop(file);
        // A hard link fails if the name is taken, where a rename would silently replace it.
        let linked = tokio::fs::hard_link(&temporary, &path).await;
        let _ = tokio::fs::remove_file(&temporary).await;
        match linked {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let existing = read(&path).await?.unwrap_or_default();
                same_delivery(&path, &existing, &delivery.key)
            }
            Err(e) => Err(retry(&path, e)),
        }
    }
}

impl Sink for MarkdownSink {
    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> SinkFuture<'a> {
        Box::pin(self.write(delivery))
    }
}

async fn read(path: &Path) -> Result<Option<String>, SinkError> {
    match tokio::fs::read_to_string(path).await {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(retry(path, e)),
    }
}

/// Success when the file already there is this delivery's; refusal when it is another's.
fn same_delivery(path: &Path, existing: &str, key: &str) -> Result<(), SinkError> {
    let front = existing
        .strip_prefix("---\n")
        .and_then(|rest| rest.split("\n---\n").next())
        .unwrap_or("");
    let wanted = format!("idempotency_key: {}", quoted(key));
    if front.lines().any(|l| l == wanted) {
        Ok(())
    } else {
        Err(SinkError::Permanent {
            why: format!(
                "{} already holds a different draft; it is left as it is",
                path.display()
            ),
        })
    }
}

fn retry(path: &Path, error: std::io::Error) -> SinkError {
    SinkError::Retryable {
        why: format!("{}: {error}", path.display()),
        after: None,
    }
}

fn field<'a>(payload: &'a serde_json::Value, name: &str) -> &'a str {
    payload.get(name).and_then(|v| v.as_str()).unwrap_or("")
}

/// `<incident>-<kind>-<proposal>.md`, with anything but letters, digits, `-` and `_` made `-`.
pub fn file_name(payload: &serde_json::Value) -> String {
    let parts = [
        field(payload, "incident"),
        field(payload, "kind"),
        field(payload, "proposal"),
    ];
    let stem: Vec<String> = parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| safe(p))
        .collect();
    format!(
        "{}.md",
        if stem.is_empty() {
            "draft".to_string()
        } else {
            stem.join("-")
        }
    )
}

fn safe(part: &str) -> String {
    let cleaned: String = part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    cleaned.chars().take(80).collect()
}

/// The front matter (YAML; values quoted as JSON strings, which YAML reads as they are) and
/// the draft.
pub fn document(key: &str, payload: &serde_json::Value) -> String {
    let approvers: Vec<String> = payload
        .get("approved_by")
        .and_then(|a| a.as_array())
        .map_or(Vec::new(), |a| {
            a.iter().filter_map(|v| v.as_str()).map(quoted).collect()
        });
    let approved_at = payload
        .get("approved_at")
        .and_then(|v| v.as_i64())
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map_or(String::new(), |t| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        });
    let edited = payload
        .get("edited")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let mut text = String::from("---\n");
    for (name, value) in [
        ("incident", quoted(field(payload, "incident"))),
        ("kind", quoted(field(payload, "kind"))),
        ("title", quoted(field(payload, "title"))),
        ("proposal", quoted(field(payload, "proposal"))),
        ("approved_by", format!("[{}]", approvers.join(", "))),
        ("approved_at", quoted(&approved_at)),
        ("edited_by_reviewer", edited.to_string()),
        ("idempotency_key", quoted(key)),
    ] {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push_str("---\n\n");
    text.push_str(field(payload, "body").trim_end());
    text.push('\n');
    text
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(proposal: &str) -> serde_json::Value {
        serde_json::json!({
            "incident": "inc/7", "kind": "draft-postmortem", "proposal": proposal, "title": "Postmortem draft: \"DNS\"",
            "body": "# Postmortem (draft)\n\n## Summary\n- DNS failed [#1]\n", "approved_by": ["rita"], "approved_at": 1_773_051_600_000i64,
        })
    }

    fn delivery(key: &str, proposal: &str) -> Delivery {
        Delivery {
            key: key.into(),
            payload: payload(proposal),
            attempt: 1,
            at: 0,
        }
    }

    #[test]
    fn names_and_front_matter() {
        assert_eq!(file_name(&payload("p1")), "inc-7-draft-postmortem-p1.md");
        let doc = document("k1", &payload("p1"));
        assert!(doc.starts_with("---\nincident: \"inc/7\"\nkind: \"draft-postmortem\"\ntitle: \"Postmortem draft: \\\"DNS\\\"\"\n"), "{doc}");
        assert!(
            doc.contains("approved_by: [\"rita\"]\napproved_at: \"2026-03-09T10:20:00Z\"\n"),
            "{doc}"
        );
        assert!(
            doc.ends_with("---\n\n# Postmortem (draft)\n\n## Summary\n- DNS failed [#1]\n"),
            "{doc}"
        );
    }

    #[tokio::test]
    async fn writes_once_and_never_overwrites_another_draft() {
        let dir = tempfile::tempdir().unwrap();
        let sink = MarkdownSink::new(dir.path().join("drafts"));
        sink.deliver(&delivery("k1", "p1")).await.unwrap();
        sink.deliver(&delivery("k1", "p1")).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(sink.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            files,
            ["inc-7-draft-postmortem-p1.md"],
            "one file, no temporary left"
        );
        let path = sink.dir().join("inc-7-draft-postmortem-p1.md");
        let before = std::fs::read_to_string(&path).unwrap();
        let other = sink.deliver(&delivery("k2", "p1")).await;
        assert!(
            matches!(other, Err(SinkError::Permanent { .. })),
            "{other:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
}
