//! Markdown postmortems: one file each, with optional front matter between `---` lines
//! (`id`, `company`, `title`, `date`, `url`, `summary`, `categories`, and `incident`: the id of
//! the incident in this host's store the write-up is about). Without front matter
//! the title is the first `#` heading, the summary the first paragraph, the id the file name.

use std::path::{Path, PathBuf};

use crate::corpus::Postmortem;

/// A Markdown postmortem that cannot be read; names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum MarkdownError {
    /// The folder or file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file at fault.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a valid postmortem (bad front matter, or no title or summary).
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file at fault.
        path: PathBuf,
        /// The line at fault, 1-based.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// Every `*.md` file of a folder, by file name.
pub fn read_dir(dir: &Path) -> Result<Vec<Postmortem>, MarkdownError> {
    let io = |source| MarkdownError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.iter().map(|f| read_file(f)).collect()
}

/// One postmortem file.
pub fn read_file(path: &Path) -> Result<Postmortem, MarkdownError> {
    let text = std::fs::read_to_string(path).map_err(|source| MarkdownError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Postmortem, MarkdownError> {
    let invalid = |line: usize, message: String| MarkdownError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut fields = serde_json::Map::new();
    let mut body_start = 0;
    if lines.first().is_some_and(|l| l.trim() == "---") {
        let end = lines
            .iter()
            .skip(1)
            .position(|l| l.trim() == "---")
            .ok_or_else(|| invalid(1, "front matter opened with `---` is never closed".into()))?
            + 1;
        for (i, line) in lines[1..end].iter().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once(':').ok_or_else(|| {
                invalid(
                    i + 2,
                    format!("expected `key: value`, found `{}`", line.trim()),
                )
            })?;
            let key = key.trim();
            let value = unquote(value.trim());
            if matches!(key, "id" | "title") && value.trim().is_empty() {
                let instead = if key == "id" {
                    "the file name"
                } else {
                    "the first `# ` heading"
                };
                return Err(invalid(
                    i + 2,
                    format!("`{key}` is empty; leave it out to use {instead}"),
                ));
            }
            if key == "incident" && value.trim().is_empty() {
                continue;
            }
            let value = match key {
                "id" | "company" | "title" | "date" | "url" | "summary" | "incident" => {
                    serde_json::Value::String(value.to_string())
                }
                "categories" => value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|c| unquote(c.trim()))
                    .filter(|c| !c.is_empty())
                    .collect(),
                other => {
                    return Err(invalid(
                        i + 2,
                        format!(
                            "unknown front-matter key `{other}` (known: id, company, title, date, url, summary, categories, incident)"
                        ),
                    ));
                }
            };
            fields.insert(key.to_string(), value);
        }
        body_start = end + 1;
    }
    let body = lines[body_start..].join("\n");
    let (heading, rest) = split_title(&body);
    fields
        .entry("title")
        .or_insert_with(|| heading.map_or(serde_json::Value::Null, |h| h.into()));
    if let Some(summary) = first_paragraph(&rest) {
        fields.entry("summary").or_insert_with(|| summary.into());
    }
    if !rest.trim().is_empty() {
        fields.insert("text".into(), rest.trim().to_string().into());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    fields.entry("id").or_insert_with(|| stem.into());
    let blank = |key: &str| {
        fields
            .get(key)
            .and_then(|v| v.as_str())
            .is_none_or(|t| t.trim().is_empty())
    };
    if blank("title") && blank("summary") {
        return Err(invalid(
            1,
            "no title (front matter or `# ` heading) and no text".into(),
        ));
    }
    serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| invalid(1, e.to_string()))
}

fn unquote(value: &str) -> &str {
    value.trim_matches('"').trim_matches('\'')
}

/// The first `# ` heading, and the text without it.
fn split_title(body: &str) -> (Option<String>, String) {
    let mut title = None;
    let mut rest = Vec::new();
    for line in body.lines() {
        match line.strip_prefix("# ") {
            Some(t) if title.is_none() => title = Some(t.trim().to_string()),
            _ => rest.push(line),
        }
    }
    (title, rest.join("\n"))
}

/// The first block of text that is not a heading, joined into one line.
fn first_paragraph(text: &str) -> Option<String> {
    text.split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
#[path = "markdown_proptests.rs"]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_heading_and_first_paragraph() {
        let text = "---\nid: pm-x\ncompany: Acme\ndate: 2024-01-02\ncategories: [dns, config]\nincident: inc-7\n---\n# DNS record removed\n\nA cleanup script removed\na live record.\n\n## Lessons\nReview deletions.\n";
        let doc = parse(Path::new("x.md"), text).unwrap();
        assert_eq!(doc.id, "pm-x");
        assert_eq!(doc.title.as_deref(), Some("DNS record removed"));
        assert_eq!(
            doc.summary.as_deref(),
            Some("A cleanup script removed a live record.")
        );
        assert_eq!(doc.categories, ["dns", "config"]);
        assert_eq!(doc.incident.as_deref(), Some("inc-7"));
        assert!(doc.text.unwrap().contains("Review deletions."));
    }

    #[test]
    fn without_front_matter_the_file_name_is_the_id() {
        let doc = parse(
            Path::new("dir/queue-backlog.md"),
            "# Queue backlog\n\nConsumers stalled.\n",
        )
        .unwrap();
        assert_eq!(doc.id, "queue-backlog");
    }

    #[test]
    fn a_bad_front_matter_line_is_named() {
        let err = parse(
            Path::new("bad.md"),
            "---\nid: a\nthis line has no colon\n---\n# T\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad.md:3: expected `key: value`, found `this line has no colon`"
        );
    }

    /// An empty `id:` became a postmortem no answer could cite, and a blank `# ` heading with
    /// no text a postmortem with nothing in it; both are refused, naming the line.
    #[test]
    fn an_empty_id_or_title_is_refused() {
        let err = parse(Path::new("a.md"), "---\nid: \"\"\n---\n# T\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.md:2: `id` is empty; leave it out to use the file name"
        );
        let err = parse(Path::new("a.md"), "#  \n\n").unwrap_err();
        assert!(err.to_string().starts_with("a.md:1: no title"), "{err}");
    }
}
