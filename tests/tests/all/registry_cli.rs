//! `rhyme plugin ...` as a user runs it: the real binary, real components, a fresh data
//! folder per test, and the exit codes scripts branch on.

use rhyme_tests::{component, outcome, plugin_folder, rhyme};

const REFUSED: i32 = 3;
const CALL_FAILED: i32 = 4;
const NOT_FOUND: i32 = 5;

fn misbehave_manifest(extra: &str) -> String {
    format!(
        "name = \"misbehave\"\nversion = \"0.1.0\"\ndescription = \"Breaks rules\"\ncapabilities = [\"log\"]\n{extra}"
    )
}

#[test]
fn install_list_call_disable_enable() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = plugin_folder(
        tmp.path(),
        &component("guest_misbehave"),
        &misbehave_manifest(""),
    );

    let (code, out, err) = outcome(&rhyme(&data, &["plugin", "check", dir.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("ok: misbehave 0.1.0") && out.contains("imports: log"),
        "{out}"
    );

    let (code, out, err) = outcome(&rhyme(
        &data,
        &["plugin", "install", dir.to_str().unwrap(), "--grant", "log"],
    ));
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = outcome(&rhyme(&data, &["--json", "plugin", "list"]));
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list[0]["name"], "misbehave");
    assert_eq!(list[0]["granted"][0], "log");
    assert_eq!(list[0]["enabled"], true);

    let (code, out, _) = outcome(&rhyme(
        &data,
        &["--json", "plugin", "call", "misbehave", "--query", "hello"],
    ));
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["findings"][0]["detail"], "hello");

    assert_eq!(
        outcome(&rhyme(&data, &["plugin", "disable", "misbehave"])).0,
        0
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["plugin", "call", "misbehave", "--query", "hello"],
    ));
    assert_eq!(code, REFUSED, "{err}");
    assert!(err.contains("disabled"), "{err}");
    assert_eq!(
        outcome(&rhyme(&data, &["plugin", "enable", "misbehave"])).0,
        0
    );
    assert_eq!(
        outcome(&rhyme(
            &data,
            &["plugin", "call", "misbehave", "--query", "hello"]
        ))
        .0,
        0
    );
}

#[test]
fn a_failing_call_exits_4_and_names_plugin_and_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = plugin_folder(
        tmp.path(),
        &component("guest_misbehave"),
        &misbehave_manifest("[limits]\ndeadline-ms = 100\nfuel = 1000000000000\n"),
    );
    assert_eq!(
        outcome(&rhyme(
            &data,
            &["plugin", "install", dir.to_str().unwrap(), "--grant", "log"]
        ))
        .0,
        0
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["plugin", "call", "misbehave", "--query", "loop"],
    ));
    assert_eq!(code, CALL_FAILED, "{err}");
    assert!(
        err.contains("plugin `misbehave` stopped: deadline limit exceeded"),
        "{err}"
    );
}

#[test]
fn a_bad_manifest_is_refused_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = plugin_folder(
        tmp.path(),
        &component("guest_misbehave"),
        &misbehave_manifest("[limits]\ndeadline_ms = 100\n"),
    );
    let (code, _, err) = outcome(&rhyme(&data, &["plugin", "check", dir.to_str().unwrap()]));
    assert_eq!(code, REFUSED, "{err}");
    assert!(
        err.contains("plugin.toml:6:") && err.contains("deadline_ms"),
        "{err}"
    );
}

#[test]
fn forbidden_imports_are_refused_at_install_and_nothing_lands() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let sockets = plugin_folder(
        tmp.path(),
        &component("guest_sockets"),
        "name = \"sockets\"\nversion = \"0.1.0\"\n",
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["plugin", "install", sockets.to_str().unwrap()],
    ));
    assert_eq!(code, REFUSED, "{err}");
    assert!(
        err.contains("wasi:sockets/") && err.contains("no network"),
        "{err}"
    );
    let (_, out, _) = outcome(&rhyme(&data, &["plugin", "list"]));
    assert!(out.contains("no plugins installed"), "{out}");
}

#[test]
fn capabilities_must_be_asked_for_and_granted() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let llm = component("guest_ungranted");

    // Imports llm without asking for it in the manifest: refused at install.
    let silent = plugin_folder(
        &tmp.path().join("a"),
        &llm,
        "name = \"ungranted\"\nversion = \"0.1.0\"\n",
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["plugin", "install", silent.to_str().unwrap()],
    ));
    assert_eq!(code, REFUSED, "{err}");
    assert!(
        err.contains("rhyme:plugin/llm") && err.contains("manifest"),
        "{err}"
    );

    // Asks for it: installs, but is refused at load until the operator grants it.
    let honest = plugin_folder(
        &tmp.path().join("b"),
        &llm,
        "name = \"ungranted\"\nversion = \"0.1.0\"\ncapabilities = [\"llm\"]\n",
    );
    assert_eq!(
        outcome(&rhyme(
            &data,
            &["plugin", "install", honest.to_str().unwrap()]
        ))
        .0,
        0
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &["plugin", "call", "ungranted", "--query", "hi"],
    ));
    assert_eq!(code, REFUSED, "{err}");
    assert!(
        err.contains("rhyme:plugin/llm") && err.contains("not granted"),
        "{err}"
    );

    assert_eq!(
        outcome(&rhyme(&data, &["plugin", "grant", "ungranted", "llm"])).0,
        0
    );
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["plugin", "call", "ungranted", "--query", "hi"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no reply"), "{out}");

    // Granting what the manifest does not ask for is refused.
    let (code, _, err) = outcome(&rhyme(&data, &["plugin", "grant", "ungranted", "embed"]));
    assert_eq!(code, REFUSED, "{err}");
    assert_eq!(
        outcome(&rhyme(&data, &["plugin", "revoke", "ungranted", "llm"])).0,
        0
    );
    assert_eq!(
        outcome(&rhyme(
            &data,
            &["plugin", "call", "ungranted", "--query", "hi"]
        ))
        .0,
        REFUSED
    );
}

#[test]
fn unknown_plugins_exit_5() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = outcome(&rhyme(tmp.path(), &["plugin", "enable", "nope"]));
    assert_eq!(code, NOT_FOUND, "{err}");
    assert!(err.contains("no plugin named `nope`"), "{err}");
}
