//! `rhyme corpus import`, `rhyme ask` and `rhyme eval seen-before` through the real binary
//! and the built seen-before plugin. Tests that embed need the model's files (`make models`,
//! which `make test` runs first) and print a note and pass without them.

use std::path::{Path, PathBuf};

use rhyme_tests::{
    embedding_model, eval_summary, install_builtin, outcome, repo_root, rhyme, shared_data,
};

fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "seen-before");
    (tmp, data)
}

fn examples() -> String {
    repo_root()
        .join("examples/postmortems")
        .to_string_lossy()
        .into_owned()
}

fn stored_ids(data: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(data.join("seen-before/corpus.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn importing_markdown_then_jsonl_again_updates_and_never_duplicates() {
    if embedding_model().is_none() {
        return;
    }
    let (tmp, data) = setup();
    let (code, out, err) = outcome(&rhyme(&data, &["corpus", "import", &examples()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("7 added, 0 updated"), "{out}");
    let first = stored_ids(&data);
    assert_eq!(first.len(), 7);

    let (code, out, err) = outcome(&rhyme(&data, &["corpus", "import", &examples()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 added, 7 updated") && out.contains("0 embedded"),
        "re-import embeds nothing new: {out}"
    );

    // One entry new, one known by its URL under another id, one known by its id.
    let jsonl = tmp.path().join("more.jsonl");
    let lines = [
        r#"{"id": "new-1", "company": "Example Co", "title": "Queue consumers stuck", "summary": "Consumers stopped acknowledging messages and the backlog grew."}"#,
        r#"{"id": "renamed", "title": "Pricing timeouts, revised", "summary": "Calls without a timeout held pooled connections.", "url": "https://example.org/postmortems/bramblecart-pricing-timeouts"}"#,
        r#"{"id": "ex-northwind-clock-skew", "title": "Clock drift logged players out", "summary": "Hosts without time sync issued tokens that other hosts rejected."}"#,
    ];
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["--json", "corpus", "import", jsonl.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (report["added"].as_u64(), report["updated"].as_u64()),
        (Some(1), Some(2)),
        "{out}"
    );
    let ids = stored_ids(&data);
    assert_eq!(ids.len(), 8);
    assert!(
        ids.contains(&"renamed".to_string())
            && !ids.contains(&"ex-bramblecart-pricing-timeouts".to_string())
    );
}

#[test]
fn a_bad_line_or_front_matter_is_named_with_file_and_line() {
    let (tmp, data) = setup();
    let jsonl = tmp.path().join("broken.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"a\", \"title\": \"fine\"}\n{\"id\": \"b\", \"title\": oops}\n",
    )
    .unwrap();
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["corpus", "import", jsonl.to_str().unwrap()],
    ));
    assert_ne!(code, 0);
    assert!(err.contains("broken.jsonl:2"), "{err}");

    let dir = tmp.path().join("md");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("bad.md"),
        "---\nid: x\nno colon on this line\n---\n# Title\n",
    )
    .unwrap();
    let (code, _, err) = outcome(&rhyme(&data, &["corpus", "import", dir.to_str().unwrap()]));
    assert_ne!(code, 0);
    assert!(err.contains("bad.md:3"), "{err}");
    assert!(
        !data.join("seen-before/corpus.jsonl").exists(),
        "nothing is stored from a bad source"
    );
}

#[test]
fn ask_answers_with_what_broke_the_fix_why_and_the_link() {
    if embedding_model().is_none() {
        return;
    }
    let (_tmp, data) = setup();
    let (code, _, err) = outcome(&rhyme(&data, &["ask", "anything"]));
    assert_ne!(code, 0);
    assert!(
        err.contains("rhyme corpus import"),
        "an empty corpus says how to fill it: {err}"
    );

    assert_eq!(
        outcome(&rhyme(&data, &["corpus", "import", &examples()])).0,
        0
    );
    let question = "checkout requests collapsed right after a deploy; the connection pool is pinned at max but the database looks idle";
    let (code, out, err) = outcome(&rhyme(&data, &["ask", question, "-k", "2"]));
    assert_eq!(code, 0, "{out}{err}");
    let first = out
        .lines()
        .find(|l| l.starts_with("1. "))
        .expect("a numbered match");
    assert!(first.contains("ex-bramblecart-pricing-timeouts"), "{out}");
    for label in [
        "What broke:",
        "Fix or lesson:",
        "Why it matched:",
        "Read: https://example.org/",
    ] {
        assert!(out.contains(label), "missing {label}: {out}");
    }
    assert!(!out.contains("\n3. "), "-k 2 shows two: {out}");

    let (code, out, _) = outcome(&rhyme(
        &data,
        &[
            "--json",
            "ask",
            "TLS handshakes failing for partners, browsers fine",
            "-k",
            "3",
        ],
    ));
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "ex-lumenpay-expired-cert");
    assert_eq!(lines[0]["company"], "Lumenpay (example)");
}

/// Issue 20, point 4: postmortems imported but no index where this host looks (dropped,
/// imported into another backend, a wiped server) is said, with a non-zero exit, never
/// "Nothing similar". Runs on Qdrant too when `RHYME_QDRANT_URL` is set.
#[test]
fn a_missing_index_is_said_and_fails_instead_of_answering_nothing_similar() {
    if embedding_model().is_none() {
        return;
    }
    let (_tmp, data) = setup();
    let question = "TLS handshakes failing for partners, browsers fine";
    assert_eq!(
        outcome(&rhyme(&data, &["corpus", "import", &examples()])).0,
        0
    );
    let (code, out, err) = outcome(&rhyme(&data, &["ask", question]));
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, err) = outcome(&rhyme(&data, &["corpus", "drop"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Deleted this data folder's vector collections"),
        "{out}"
    );
    let (code, out, err) = outcome(&rhyme(&data, &["ask", question]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains("Nothing similar"), "{out}");
    assert!(
        err.contains("missing or empty") && err.contains("rhyme corpus import"),
        "{err}"
    );
    assert!(
        !data.join("vectors/qdrant-index").exists(),
        "asking creates no index name"
    );

    assert_eq!(
        outcome(&rhyme(&data, &["corpus", "import", &examples()])).0,
        0
    );
    let (code, out, err) = outcome(&rhyme(&data, &["ask", question]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ex-lumenpay-expired-cert"), "{out}");
}

/// Issue 20, point 4 with Qdrant (only when `RHYME_QDRANT_URL` names a server): imported
/// into the built-in index, then asked with Qdrant configured.
#[test]
fn imported_without_qdrant_and_asked_with_it_says_the_index_is_missing() {
    let Some(url) = std::env::var("RHYME_QDRANT_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        eprintln!("note: RHYME_QDRANT_URL is not set; this check needs a Qdrant server");
        return;
    };
    if embedding_model().is_none() {
        return;
    }
    let (_tmp, data) = setup();
    let run = |args: &[&str], qdrant: bool| {
        let mut command = std::process::Command::new(rhyme_tests::rhyme_binary());
        command
            .arg("--data")
            .arg(&data)
            .args(args)
            .env_remove("RHYME_DATA");
        if qdrant {
            command.env("RHYME_QDRANT_URL", &url);
        } else {
            command.env_remove("RHYME_QDRANT_URL");
        }
        outcome(&command.output().unwrap())
    };
    assert_eq!(run(&["corpus", "import", &examples()], false).0, 0);
    let (code, out, err) = run(&["ask", "checkout 502s since the cert rotation"], true);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("missing or empty"), "{err}");
    assert!(!data.join("vectors/qdrant-index").exists());
}

/// Issue 20, points 2 and 5, without a Qdrant server: a server that refuses the connection
/// and one that takes it and never answers are both "cannot answer now", said in words
/// (no client debug text, no credentials from the URL), and the hung one within the
/// question deadline rather than the client's minute.
#[test]
fn an_unreachable_or_hung_qdrant_is_said_plainly_and_quickly() {
    if embedding_model().is_none() {
        return;
    }
    let (_tmp, data) = setup();
    assert_eq!(
        outcome(&rhyme(&data, &["corpus", "import", &examples()])).0,
        0
    );
    // As if an import into Qdrant had named this folder's collections.
    std::fs::write(
        data.join("vectors/qdrant-index"),
        "rhyme-corpus-0123456789ab\n",
    )
    .unwrap();
    let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_url = format!("http://ops:s3cret@{}", hung.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for connection in hung.incoming() {
            held.push(connection);
        }
    });
    let ask = |url: &str| {
        let started = std::time::Instant::now();
        let output = std::process::Command::new(rhyme_tests::rhyme_binary())
            .arg("--data")
            .arg(&data)
            .args(["ask", "checkout 502s since the cert rotation"])
            .env_remove("RHYME_DATA")
            .env("RHYME_QDRANT_URL", url)
            .env("RHYME_QDRANT_QUESTION_TIMEOUT_S", "1")
            .output()
            .unwrap();
        (outcome(&output), started.elapsed())
    };
    for (url, said) in [
        ("http://ops:s3cret@127.0.0.1:9", "cannot be reached"),
        (hung_url.as_str(), "did not answer within 1 s"),
    ] {
        let ((code, out, err), took) = ask(url);
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            err.contains("the vector index cannot answer now") && err.contains(said),
            "{err}"
        );
        for internal in ["s3cret", "tonic", "HostError", "\\\""] {
            assert!(!err.contains(internal), "{internal} in {err}");
        }
        // Model load and two reads of at most 1 s each, not the client's 60 s.
        assert!(took < std::time::Duration::from_secs(30), "{took:?}");
    }
}

/// Floors a little under what the plugin reaches through the sandbox on the dev queries
/// (recall@5 0.651, MRR 0.941, low-overlap MRR 0.840; BM25 alone 0.487 / 0.823 / 0.593).
#[test]
fn eval_through_the_sandbox_holds_its_floor_and_beats_both_halves() {
    let (Some(_), Some(shared)) = (embedding_model(), shared_data()) else {
        return;
    };
    let (_tmp, data) = setup();
    let corpus = shared.join("postmortems/corpus.jsonl");
    let queries = shared.join("postmortems/queries.jsonl");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &[
            "eval",
            "seen-before",
            "--corpus",
            corpus.to_str().unwrap(),
            "--queries",
            queries.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{err}");
    let items: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        items[..items.len() - 1]
            .iter()
            .all(|i| i["ranked"].as_array().is_some_and(|r| r.len() == 10))
    );
    let s = eval_summary(&out);
    eprintln!("seen-before eval: {s}");
    let figure = |v: &serde_json::Value, key: &str| v[key].as_f64().unwrap();
    assert!(figure(&s, "recall_at_5") >= 0.63, "{s}");
    assert!(figure(&s, "mrr") >= 0.92, "{s}");
    assert!(figure(&s["low_overlap"], "mrr") >= 0.80, "{s}");
    for baseline in ["bm25", "dense"] {
        assert!(
            figure(&s, "mrr") > figure(&s[baseline], "mrr") + 0.05,
            "{baseline}: {s}"
        );
        assert!(
            figure(&s["low_overlap"], "mrr") > figure(&s[baseline]["low_overlap"], "mrr") + 0.1,
            "{baseline}: {s}"
        );
    }
}
