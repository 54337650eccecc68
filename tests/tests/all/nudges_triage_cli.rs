//! `rhyme nudges list|ack|mute|unmute` against a real `rhyme serve` running the built
//! anti-pattern plugin: an acknowledged nudge shows as such; a muted pattern stays quiet on a
//! later episode while other patterns still fire (and, on an identical incident left alone, the
//! same episode does fire); a responder is refused with the role it needs; typos, unknown
//! incidents and an unreachable server are named; every answer is in the audit log.

use std::process::Output;

use rhyme_tests::receiver::free_port;
use rhyme_tests::server::{Backend, Server, unique};
use rhyme_tests::{outcome, rhyme_binary};
use serde_json::{Value, json};

/// A SEV1 with an IC where nobody posts a stakeholder update for the first 20 minutes.
fn first_stretch() -> Vec<Value> {
    vec![
        event(
            "a1",
            "10:00",
            "alertmanager",
            "system",
            "alert",
            "checkout error rate above 20%",
        ),
        event(
            "a2",
            "10:02",
            "Ines",
            "ic",
            "role_change",
            "I'm IC. Omar on ops, Lea on comms.",
        ),
        event(
            "a3",
            "10:05",
            "Omar",
            "ops",
            "message",
            "payment pods restarting, looking at why",
        ),
        event(
            "a4",
            "10:20",
            "Omar",
            "ops",
            "action",
            "rolled back the payment config change from 09:50",
        ),
    ]
}

/// An update at 10:40, then silence past the next due time (an update black hole again), then a
/// status note that blames a person.
fn second_stretch() -> Vec<Value> {
    vec![
        event(
            "b1",
            "10:40",
            "Lea",
            "comms",
            "status_update",
            "Checkout failing for some card payments. Rolled back a config change. Next update 10:55.",
        ),
        event(
            "b2",
            "10:45",
            "Omar",
            "ops",
            "message",
            "error rate falling slowly after the rollback",
        ),
        event(
            "b3",
            "11:02",
            "Omar",
            "ops",
            "message",
            "still some 502s from one pool",
        ),
        event(
            "b4",
            "11:04",
            "Lea",
            "comms",
            "status_update",
            "Cause: human error. Omar should have checked the config before pushing it.",
        ),
    ]
}

fn event(id: &str, hhmm: &str, actor: &str, role: &str, kind: &str, text: &str) -> Value {
    json!({"id": id, "at": format!("2026-01-05T{hhmm}:00Z"), "actor": actor, "role": role, "kind": kind, "text": text})
}

struct Room {
    backend: Backend,
    server: Server,
    responder: String,
    ic: String,
    calls: usize,
}

impl Room {
    fn open(dir: &std::path::Path) -> Room {
        let backend = Backend {
            data: dir.join("data"),
            database_url: None,
        };
        backend.install_plugin(
            &dir.join("src"),
            "anti_patterns",
            // The plugin's own manifest: the patterns the server accepts for triage are the ones
            // it declares.
            &rhyme_tests::builtin_manifest("anti-patterns"),
            &["incidents"],
        );
        let responder = backend.token("responder", "sam");
        let ic = backend.token("ic", "ines");
        // No clock ticks during the test: every nudge comes from an event, at the event's time.
        let server = Server::start(&backend, &["--tick-seconds", "3600"]);
        Room {
            backend,
            server,
            responder,
            ic,
            calls: 0,
        }
    }

    fn create(&self, incident: &str) {
        let body = json!({"id": incident, "title": "Card payments failing", "severity": "SEV1", "started": "2026-01-05T10:00:00Z"});
        self.server.create_incident(&self.responder, &body);
    }

    /// Sends events one at a time and waits for the plugin's call on each, so every call sees the
    /// nudges the previous ones stored, as in a live channel.
    fn send(&mut self, incident: &str, events: &[Value]) {
        for e in events {
            let mut e = e.clone();
            e["id"] = json!(format!("{incident}-{}", e["id"].as_str().unwrap()));
            self.server
                .post_events(&self.responder, incident, &json!([e]));
            self.calls += 1;
            let want = self.calls;
            self.server.wait_for("the anti-pattern plugin's call", || {
                let calls = self
                    .server
                    .plugin_calls("anti-patterns", "timeline-event", None);
                (calls >= want).then_some(())
            });
        }
    }

    /// Nudge findings of `pattern` stored for `incident`.
    fn nudges_of(&self, incident: &str, pattern: &str) -> usize {
        let findings = self
            .server
            .call(
                "GET",
                &format!("/v1/incidents/{incident}/findings"),
                Some(&self.responder),
                None,
            )
            .json();
        findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "nudge" && f["subject"] == pattern)
            .count()
    }

    /// `rhyme [--json] nudges ARGS... --server URL` with `token` in RHYME_TOKEN.
    fn cli(&self, token: &str, json: bool, args: &[&str]) -> (i32, String, String) {
        let mut command = std::process::Command::new(rhyme_binary());
        if json {
            command.arg("--json");
        }
        let output: Output = command
            .arg("nudges")
            .args(args)
            .args(["--server", &format!("http://{}", self.server.addr)])
            .env("RHYME_TOKEN", token)
            .env_remove("RHYME_SERVER")
            .output()
            .expect("running rhyme nudges");
        outcome(&output)
    }

    fn listed(&self, incident: &str) -> Value {
        let (code, out, err) = self.cli(&self.responder, true, &["list", "--incident", incident]);
        assert_eq!(code, 0, "{out}{err}");
        serde_json::from_str(out.trim()).unwrap()
    }
}

fn state_of(list: &Value, pattern: &str) -> Value {
    let nudge = list["nudges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["pattern"] == pattern);
    nudge.unwrap_or_else(|| panic!("no {pattern} nudge listed: {list}"))["state"].clone()
}

#[test]
fn the_ic_acknowledges_and_mutes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut room = Room::open(dir.path());
    let (muted, control) = (unique("muted"), unique("control"));
    for incident in [&muted, &control] {
        room.create(incident);
        room.send(incident, &first_stretch());
        assert_eq!(
            room.nudges_of(incident, "update-black-hole"),
            1,
            "no update for 20 minutes of a SEV1"
        );
    }

    let (code, out, err) = room.cli(&room.responder, false, &["list", "--incident", &muted]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("update-black-hole") && out.contains("NEW"),
        "{out}"
    );

    let (code, out, err) = room.cli(
        &room.responder,
        false,
        &["ack", "--incident", &muted, "update-black-hole"],
    );
    assert_eq!(code, 3, "a responder may not acknowledge: {out}{err}");
    assert!(
        err.contains("ic role"),
        "the refusal names the role needed: {err}"
    );
    assert_eq!(
        state_of(&room.listed(&muted), "update-black-hole"),
        "new",
        "a refused ack changed nothing"
    );

    let (code, out, err) = room.cli(
        &room.ic,
        false,
        &["ack", "--incident", &muted, "update-black-hole"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("acknowledged update-black-hole"), "{out}");
    let list = room.listed(&muted);
    assert_eq!(state_of(&list, "update-black-hole"), "acknowledged");
    assert_eq!(list["nudges"][0]["by"], "ines");
    let (_, text, _) = room.cli(&room.responder, false, &["list", "--incident", &muted]);
    assert!(text.contains("ACKNOWLEDGED by ines"), "{text}");

    let (code, out, err) = room.cli(
        &room.ic,
        false,
        &["unmute", "--incident", &muted, "update-black-hole"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(state_of(&room.listed(&muted), "update-black-hole"), "new");
    let (code, out, err) = room.cli(
        &room.ic,
        false,
        &["mute", "--incident", &muted, "update-black-hole"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(state_of(&room.listed(&muted), "update-black-hole"), "muted");

    for incident in [&muted, &control] {
        room.send(incident, &second_stretch());
        assert_eq!(
            room.nudges_of(incident, "blame-language"),
            1,
            "other patterns still fire on {incident}"
        );
    }
    assert_eq!(
        room.nudges_of(&control, "update-black-hole"),
        2,
        "left alone, the second silence is nudged"
    );
    assert_eq!(
        room.nudges_of(&muted, "update-black-hole"),
        1,
        "muted, the second silence is not"
    );

    assert_bad_input_is_named(&room, &muted);
    assert_audited(&room, &muted);
}

fn assert_bad_input_is_named(room: &Room, incident: &str) {
    let (code, _, err) = room.cli(
        &room.ic,
        false,
        &["mute", "--incident", incident, "tunnel-visoin"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("tunnel-visoin")
            && err.contains("tunnel-vision")
            && err.contains("stalled-loop"),
        "{err}"
    );
    let (code, _, err) = room.cli(
        &room.ic,
        false,
        &["ack", "--incident", "no-such-incident", "stalled-loop"],
    );
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("no-such-incident"), "{err}");
    let (code, _, err) = room.cli(
        &room.ic,
        false,
        &["unmute", "--incident", incident, "stalled-loop"],
    );
    assert_eq!(code, 5, "nothing to unmute: {err}");
    let (code, _, err) = room.cli(
        "rhyme_not-a-token",
        false,
        &["list", "--incident", incident],
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not one this server issued"), "{err}");

    let closed = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()));
    let output = std::process::Command::new(rhyme_binary())
        .args([
            "nudges",
            "list",
            "--incident",
            incident,
            "--server",
            &format!("http://{closed}"),
            "--token",
            &room.ic,
        ])
        .output()
        .unwrap();
    let (code, _, err) = outcome(&output);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot reach") && err.contains(&closed.to_string()),
        "{err}"
    );
}

fn assert_audited(room: &Room, incident: &str) {
    let admin = room.backend.token("admin", "root");
    let log = room.server.audit_log(&admin);
    let ours: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == incident)
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = ["nudge.acknowledged", "nudge.unmuted", "nudge.muted"]
        .iter()
        .map(|a| (a.to_string(), "ines".to_string()))
        .collect();
    assert_eq!(
        ours, expected,
        "each answer once, by the IC, and nothing for the refused ones"
    );
}
