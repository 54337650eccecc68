//! The plugin author's kit as a user meets it: `docs/writing-a-plugin.md` performed step by
//! step, `rhyme plugin new` refusing what it must, and `rhyme plugin test` passing the
//! built-in plugins and naming the rule each misbehaving guest breaks.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rhyme_tests::{component, outcome, plugin_folder, repo_root, rhyme, rhyme_binary};

const CHECKS_FAILED: i32 = 4;

/// The doc's `sh` blocks in order, and the `text` blocks that directly follow one (the output
/// those steps must print).
fn doc_steps(markdown: &str) -> (Vec<String>, Vec<String>) {
    let (mut scripts, mut expected) = (Vec::new(), Vec::new());
    let mut previous = String::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(lang)) => open = Some((lang.trim().to_string(), String::new())),
            (Some((lang, body)), Some(_)) => {
                match lang.as_str() {
                    "sh" => scripts.push(body.clone()),
                    "text" if previous == "sh" => expected.push(body.clone()),
                    _ => {}
                }
                previous = lang.clone();
                open = None;
            }
            (Some((_, body)), None) => {
                body.push_str(line.trim_start());
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    (scripts, expected)
}

#[test]
fn the_documented_path_works_as_written() {
    let doc = std::fs::read_to_string(repo_root().join("docs/writing-a-plugin.md")).unwrap();
    let (scripts, expected) = doc_steps(&doc);
    assert!(scripts.len() >= 6, "the doc lost its steps: {scripts:?}");
    let script = format!("set -euo pipefail\n{}", scripts.join("\n"));
    let tmp = tempfile::tempdir().unwrap();
    let bin = rhyme_binary().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = Instant::now();
    // A new user's shell: no cargo target folder or data folder of ours leaks in.
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp.path())
        .env("PATH", path)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RHYME_DATA")
        .output()
        .expect("running bash");
    let took = started.elapsed();
    let (code, out, err) = outcome(&output);
    assert_eq!(
        code, 0,
        "the documented steps failed\n--- script\n{script}\n--- stdout\n{out}\n--- stderr\n{err}"
    );
    for block in &expected {
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            assert!(
                out.lines().any(|o| o.trim() == line),
                "the doc promises `{line}`, the steps printed:\n{out}"
            );
        }
    }
    eprintln!(
        "documented path: {:.0} s wall, first build of the scaffold included",
        took.as_secs_f64()
    );
}

#[test]
fn plugin_new_refuses_bad_names_and_existing_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = tmp.path().to_str().unwrap();
    for bad in ["Deploy", "1st", "has_underscore", "dots.in.it", ""] {
        let (code, _, err) = outcome(&rhyme(&data, &["plugin", "new", bad, "--dir", dir]));
        assert_ne!(code, 0, "`{bad}` was accepted");
        assert!(err.contains("lowercase letters, digits and `-`"), "{err}");
        assert!(!tmp.path().join(bad).exists() || bad.is_empty());
    }
    let (code, out, err) = outcome(&rhyme(&data, &["plugin", "new", "ok-name", "--dir", dir]));
    assert_eq!(code, 0, "{out}{err}");
    std::fs::write(tmp.path().join("ok-name/src/lib.rs"), "// mine").unwrap();
    let (code, _, err) = outcome(&rhyme(&data, &["plugin", "new", "ok-name", "--dir", dir]));
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("ok-name/src/lib.rs")).unwrap(),
        "// mine"
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["plugin", "new", "other", "--dir", dir, "--checkout", dir],
    ));
    assert_ne!(code, 0);
    assert!(err.contains("is not a Rhyme checkout"), "{err}");
}

/// `rhyme --json plugin test PATH ARGS...`: exit code and the failed checks' names.
fn conformance(path: &Path, args: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = vec!["--json", "plugin", "test", path.to_str().unwrap()];
    all.extend_from_slice(args);
    let (code, out, err) = outcome(&rhyme(&tmp.path().join("data"), &all));
    let report: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let failed = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    (code, failed, report)
}

#[test]
fn built_in_plugins_conform() {
    for stem in [
        "graph_signature",
        "anti_patterns",
        "seen_before",
        "draft_summary",
    ] {
        let (code, failed, report) = conformance(&component(stem), &[]);
        assert_eq!(
            (code, &failed),
            (0, &Vec::<String>::new()),
            "{stem}: {report:#}"
        );
        assert!(report["checks"].as_array().unwrap().len() >= 16, "{report}");
    }
}

#[test]
fn each_broken_rule_is_named_with_what_was_expected() {
    let (code, failed, report) = conformance(&component("guest_sloppy"), &[]);
    assert_eq!(code, CHECKS_FAILED);
    assert_eq!(
        failed,
        [
            "on-event:output",
            "on-tick:deterministic",
            "on-series:returns",
            "on-query:output"
        ],
        "{report:#}"
    );
    let check = |name: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(
        check("on-event:output")["found"]
            .as_str()
            .unwrap()
            .contains("cites event `ghost-0`")
    );
    assert!(
        check("on-series:returns")["found"]
            .as_str()
            .unwrap()
            .contains("cannot handle series")
    );
    assert!(
        check("on-query:output")["found"]
            .as_str()
            .unwrap()
            .contains("does not list")
    );
    assert!(
        !check("on-tick:deterministic")["expected"]
            .as_str()
            .unwrap()
            .is_empty()
    );

    for (query, check) in [
        ("long-title", "on-query:output"),
        ("panic", "on-query:returns"),
        ("bad-confidence", "on-query:output"),
    ] {
        let (code, failed, report) =
            conformance(&component("guest_misbehave"), &["--query", query]);
        assert_eq!(
            (code, failed),
            (CHECKS_FAILED, vec![check.to_string()]),
            "{query}: {report:#}"
        );
    }
    let (code, failed, _) = conformance(&component("guest_misbehave"), &["--query", "err"]);
    assert_eq!(
        (code, failed),
        (0, vec![]),
        "an error string is a fine answer"
    );

    let (code, failed, _) = conformance(&component("guest_sockets"), &[]);
    assert_eq!((code, failed), (CHECKS_FAILED, vec!["imports".to_string()]));
}

#[test]
fn a_folder_must_agree_with_its_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    // The component imports `log` and says version 0.1.0; the manifest asks for nothing.
    let manifest = "name = \"misbehave\"\nversion = \"0.2.0\"\ncapabilities = []\n";
    let dir = plugin_folder(tmp.path(), &component("guest_misbehave"), manifest);
    let (code, failed, report) = conformance(&dir, &[]);
    assert_eq!(code, CHECKS_FAILED);
    assert_eq!(
        failed,
        ["imports-match-manifest", "describe-matches-manifest"],
        "{report:#}"
    );
    let text = report.to_string();
    assert!(
        text.contains("imports `log`, which plugin.toml's `capabilities` does not list"),
        "{text}"
    );
    assert!(
        text.contains("`describe` says version `0.1.0`, plugin.toml says `0.2.0`"),
        "{text}"
    );
}
