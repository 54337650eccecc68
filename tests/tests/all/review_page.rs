//! The reviewer's web page (`/review`) in headless Chromium, against a real `rhyme serve` with
//! the real draft-summary plugin and the project's example incident: a reviewer accepts a
//! draft, edits one then accepts it (the stored text has the edit, kept as a diff), rejects one
//! with a reason, and re-drafts one section without losing edits elsewhere; a responder who
//! signs in is refused by the server. The section re-draft is also tested at the API level,
//! on SQLite and PostgreSQL.

use std::path::Path;

use rhyme_tests::server::{Backend, Server, backends, unique};
use rhyme_tests::webdriver::{Browser, driver};
use rhyme_tests::{component, outcome, plugin_folder, repo_root, target_dir};
use serde_json::{Value, json};

/// A server with draft-summary installed and the example incident loaded.
struct Fixture {
    server: Server,
    responder: String,
    reviewer: String,
    incident: String,
}

fn fixture(backend: &Backend, scratch: &Path) -> Fixture {
    let manifest = "name = \"draft-summary\"\nversion = \"0.1.0\"\ndescription = \"drafts\"\ncomponent = \"plugin.wasm\"\ncapabilities = [\"incidents\", \"clock\"]\noptional-capabilities = [\"llm\"]\n";
    let folder = plugin_folder(
        &scratch.join(unique("plugins")),
        &component("draft_summary"),
        manifest,
    );
    let (code, out, err) = outcome(&backend.rhyme(&[
        "plugin",
        "install",
        folder.to_str().unwrap(),
        "--grant-asked",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    let responder = backend.token("responder", &unique("noor"));
    let reviewer = backend.token("reviewer", &unique("rita"));
    let server = Server::start(backend, &[]);
    let incident = load_example(&server, &responder);
    Fixture {
        server,
        responder,
        reviewer,
        incident,
    }
}

/// Sends `examples/incidents/checkout-outage.json` through the API; returns the incident id.
fn load_example(server: &Server, token: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join("examples/incidents/checkout-outage.json"))
        .unwrap();
    let timeline: Value = serde_json::from_str(&text).unwrap();
    let events = timeline["events"].as_array().unwrap();
    let id = unique("checkout");
    let incident = json!({"id": id, "title": timeline["title"], "severity": timeline["severity"], "started": events[0]["at"]});
    server.create_incident(token, &incident);
    let batch: Vec<Value> = events
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"id": format!("e{i}"), "at": e["at"], "actor": e["actor"], "role": e["role"], "kind": e["kind"], "text": e["text"]}))
        .collect();
    server.post_events(token, &id, &json!(batch));
    id
}

impl Fixture {
    /// Asks for a draft (`status-update` or `postmortem`); returns the queued proposal.
    fn draft(&self, kind: &str) -> Value {
        let path = format!("/v1/incidents/{}/drafts", self.incident);
        let answer = self.server.call(
            "POST",
            &path,
            Some(&self.responder),
            Some(&json!({"kind": kind}).to_string()),
        );
        assert_eq!(answer.status, 201, "{}", answer.text());
        answer.json()[0].clone()
    }

    fn proposal(&self, id: &str) -> Value {
        self.server
            .call(
                "GET",
                &format!("/v1/proposals/{id}"),
                Some(&self.reviewer),
                None,
            )
            .json()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }
}

fn sign_in(browser: &Browser, fixture: &Fixture, token: &str) {
    browser.goto(&fixture.url("/review"));
    let field = browser.find("#token");
    browser.type_text(&field, token);
    browser.click(&browser.find("#sign-in"));
}

/// The queue card of proposal `id`, once its text and evidence are shown.
fn card(browser: &Browser, id: &str) -> rhyme_tests::webdriver::Element {
    let card = browser.find(&format!(".proposal[data-id=\"{id}\"]"));
    browser.find_in(&card, ".actions .accept");
    card
}

#[test]
fn a_reviewer_accepts_edits_rejects_and_redrafts_a_section_in_the_browser() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    let fx = fixture(&backend, dir.path());
    let accept = fx.draft("status-update");
    let edit = fx.draft("status-update");
    let reject = fx.draft("postmortem");
    let redraft = fx.draft("postmortem");
    let browser = Browser::start(&driver);
    sign_in(&browser, &fx, &fx.reviewer);
    browser.wait_css_text("#queue-heading", "4 proposals waiting for review");

    // Each card shows the events it cites, looked up by id, with their time.
    let first = card(&browser, accept["id"].as_str().unwrap());
    let evidence = browser.wait_text(&browser.find_in(&first, ".evidence"), "#e13");
    assert!(
        evidence.contains("10:47") && evidence.contains("roll back cart-service"),
        "{evidence}"
    );
    assert!(
        browser
            .text(&browser.find_in(&first, ".lint"))
            .contains("Review lint")
    );
    browser.screenshot(&target_dir().join("screenshots/review-queue.png"));

    // Accept as it stands.
    browser.click(&browser.find_in(&first, ".accept"));
    browser.wait_text(&browser.find_in(&first, ".status"), "Accepted");
    assert_eq!(
        fx.proposal(accept["id"].as_str().unwrap())["proposal"]["state"],
        "approved"
    );

    // Edit, then accept: the approved text carries the typed line, and the gate kept a diff.
    let second = card(&browser, edit["id"].as_str().unwrap());
    browser.click(&browser.find_in(&second, ".edit"));
    let editor = browser.find_in(&second, "textarea.editor");
    browser.type_text(
        &editor,
        "\n- Mei posts the customer notice on the status page",
    );
    browser.click(&browser.find_in(&second, ".accept-edit"));
    browser.wait_text(&browser.find_in(&second, ".status"), "Accepted");
    let stored = fx.proposal(edit["id"].as_str().unwrap());
    assert_eq!(stored["proposal"]["state"], "approved");
    assert!(
        stored["proposal"]["body"]
            .as_str()
            .unwrap()
            .ends_with("- Mei posts the customer notice on the status page")
    );
    assert_eq!(
        stored["proposal"]["original_body"], edit["body"],
        "the plugin's text is kept beside the edit"
    );
    let diff = stored["decisions"][0]["diff"].as_str().unwrap();
    assert!(
        diff.contains("+- Mei posts the customer notice on the status page"),
        "{diff}"
    );

    // Reject: the page insists on a reason, then the gate records it.
    let third = card(&browser, reject["id"].as_str().unwrap());
    browser.click(&browser.find_in(&third, ".reject"));
    browser.click(&browser.find_in(&third, ".confirm-reject"));
    browser.wait_text(&browser.find_in(&third, ".status"), "reason is required");
    assert_eq!(
        fx.proposal(reject["id"].as_str().unwrap())["proposal"]["state"],
        "pending"
    );
    browser.type_text(
        &browser.find_in(&third, "textarea.reason"),
        "Cites the wrong deploy; redraft after the pricing timeline is in.",
    );
    browser.click(&browser.find_in(&third, ".confirm-reject"));
    browser.wait_text(&browser.find_in(&third, ".status"), "Rejected");
    let stored = fx.proposal(reject["id"].as_str().unwrap());
    assert_eq!(stored["proposal"]["state"], "rejected");
    assert_eq!(
        stored["decisions"][0]["reason"],
        "Cites the wrong deploy; redraft after the pricing timeline is in."
    );

    // Re-draft one section after a new event arrived; the reviewer's edit elsewhere survives.
    let event = json!([{"id": "late-1", "at": "2026-03-09T11:20:00Z", "actor": "Rita", "role": "responder", "kind": "message", "text": "pricing client timeout lowered to 2 s in v4.18.1"}]);
    fx.server.post_events(&fx.responder, &fx.incident, &event);
    let fourth = card(&browser, redraft["id"].as_str().unwrap());
    browser.click(&browser.find_in(&fourth, ".edit"));
    let editor = browser.find_in(&fourth, "textarea.editor");
    browser.execute(
        "arguments[0].value = arguments[0].value.replace('## Summary\\n', '## Summary\\n\\n- Reviewer: checkout was down for most buyers for 37 minutes.\\n')",
        vec![editor.json()],
    );
    let pick = browser.find_in(&fourth, "select.section");
    browser.execute("arguments[0].value = 'timeline'", vec![pick.json()]);
    browser.click(&browser.find_in(&fourth, ".regenerate"));
    browser.wait_text(&browser.find_in(&fourth, ".status"), "Section re-drafted");
    let text = browser.value(&editor);
    assert!(
        text.contains("- Reviewer: checkout was down for most buyers for 37 minutes."),
        "the edit to the summary is kept"
    );
    assert!(
        text.contains("pricing client timeout lowered to 2 s in v4.18.1 [#late-1]"),
        "the new event is in the timeline:\n{text}"
    );
    browser.screenshot(&target_dir().join("screenshots/review-redraft.png"));
    browser.click(&browser.find_in(&fourth, ".accept-edit"));
    browser.wait_text(&browser.find_in(&fourth, ".status"), "Accepted");
    let stored = fx.proposal(redraft["id"].as_str().unwrap());
    assert_eq!(stored["proposal"]["body"].as_str().unwrap(), text);
    let changes: Vec<&str> = stored["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        ["edit", "regenerate"],
        "the edit and the re-draft are both in the history"
    );
    browser.wait_css_text("#queue-heading", "0 proposals waiting");

    // The incident view: the timeline in UTC, the headings a responder looks for.
    browser.goto(&fx.url(&format!("/review/incidents/{}", fx.incident)));
    let shown = browser.wait_css_text("section.timeline", "Timeline (18 events)");
    assert!(
        shown.contains("10:47") && shown.contains("Decision: roll back cart-service"),
        "{shown}"
    );
    // What changed: the example's deploy, above the timeline, linked to its event.
    let changes = browser.wait_css_text("section.changes", "What changed (1)");
    assert!(
        changes.contains("10:11") && changes.contains("cart-service v4.18.0 rolled out"),
        "{changes}"
    );
    for heading in [
        "Nudges for the incident commander",
        "Graph signatures",
        "Seen before",
    ] {
        assert!(
            browser.text(&browser.find("main")).contains(heading),
            "{heading}"
        );
    }
    browser.screenshot(&target_dir().join("screenshots/review-incident.png"));
}

#[test]
fn a_responder_who_signs_in_is_refused_by_the_server() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    let fx = fixture(&backend, dir.path());
    let draft = fx.draft("status-update");
    let browser = Browser::start(&driver);
    sign_in(&browser, &fx, &fx.responder);
    browser.wait_css_text("#who", "(responder)");
    let card = card(&browser, draft["id"].as_str().unwrap());
    browser.click(&browser.find_in(&card, ".accept"));
    let said = browser.wait_text(&browser.find_in(&card, ".status"), "Refused by the server");
    assert!(
        said.contains("your role (responder) cannot approve"),
        "{said}"
    );
    assert_eq!(
        fx.proposal(draft["id"].as_str().unwrap())["proposal"]["state"],
        "pending"
    );

    // A token the server does not know never gets past the sign-in.
    browser.click(&browser.find("#sign-out"));
    let field = browser.find("#token");
    browser.type_text(&field, "rhyme_not-a-token");
    browser.click(&browser.find("#sign-in"));
    browser.wait_css_text("#sign-in-note", "did not accept your token");
}

#[test]
fn a_redrafted_section_keeps_the_edits_to_the_others() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        redraft_over_the_api(&backend, dir.path());
    }
}

fn redraft_over_the_api(backend: &Backend, scratch: &Path) {
    let fx = fixture(backend, scratch);
    let draft = fx.draft("status-update");
    let id = draft["id"].as_str().unwrap();
    let path = |section: &str| format!("/v1/proposals/{id}/sections/{section}/regenerate");
    let original = draft["body"].as_str().unwrap();
    let edited = original.replacen(
        "**Need**\n",
        "**Need**\n- Support: point customers at the status page\n",
        1,
    );
    let event = json!({"events": [{"id": "late-1", "at": "2026-03-09T11:20:00Z", "actor": "Dario", "role": "ops", "kind": "action", "text": "Raised the pricing client timeout alert threshold."}]});
    fx.server.call(
        "POST",
        &format!("/v1/incidents/{}/events", fx.incident),
        Some(&fx.responder),
        Some(&event.to_string()),
    );

    let refused = fx.server.call(
        "POST",
        &path("action"),
        Some(&fx.responder),
        Some(&json!({"body": edited}).to_string()),
    );
    assert_eq!(refused.status, 403, "only a reviewer re-drafts");
    let unknown = fx.server.call(
        "POST",
        &path("impact"),
        Some(&fx.reviewer),
        Some(&json!({"body": edited}).to_string()),
    );
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.json()["detail"]
            .as_str()
            .unwrap()
            .contains("condition, action, need, next-update"),
        "{}",
        unknown.text()
    );

    let answer = fx.server.call(
        "POST",
        &path("action"),
        Some(&fx.reviewer),
        Some(&json!({"body": edited, "revision": 1}).to_string()),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json()["proposal"]["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.contains("- Support: point customers at the status page\n"),
        "the edit to Need is kept:\n{body}"
    );
    assert!(
        body.contains("Raised the pricing client timeout alert threshold. [#late-1]"),
        "Action has the new event:\n{body}"
    );
    assert_eq!(
        answer.json()["proposal"]["revision"],
        3,
        "one revision for the edit, one for the re-draft"
    );
    let evidence = answer.json()["proposal"]["evidence"].clone();
    assert!(
        evidence
            .as_array()
            .unwrap()
            .contains(&json!({"event": "late-1"})),
        "{evidence}"
    );

    let stale = fx.server.call(
        "POST",
        &path("action"),
        Some(&fx.reviewer),
        Some(&json!({"revision": 1}).to_string()),
    );
    assert_eq!(
        stale.status, 409,
        "a re-draft from an old revision would drop newer words"
    );
    let view = fx.proposal(id);
    let history = view["revisions"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0]["change"].as_str(), history[1]["change"].as_str()),
        (Some("edit"), Some("regenerate"))
    );
    assert_eq!(history[1]["section"], "action");
    assert!(
        history[0]["diff"]
            .as_str()
            .unwrap()
            .contains("+- Support: point customers at the status page")
    );

    let approved = fx.server.call(
        "POST",
        &format!("/v1/proposals/{id}/approve"),
        Some(&fx.reviewer),
        Some(&json!({"revision": 3}).to_string()),
    );
    assert_eq!(approved.status, 200, "{}", approved.text());
    assert_eq!(approved.json()["proposal"]["body"].as_str().unwrap(), body);
    let late = fx
        .server
        .call("POST", &path("action"), Some(&fx.reviewer), Some("{}"));
    assert_eq!(late.status, 409, "an approved draft no longer changes");
}
