//! Action items from promise to verified, against `rhyme serve` on SQLite and (when
//! `RHYME_TEST_DATABASE_URL` is set) PostgreSQL: an approved postmortem draft's items are kept
//! with their elements (an incomplete one flagged); GitHub's `issues` closed and Jira's
//! `jira:issue_updated` webhooks, in the shapes those senders post, move the matching item to
//! done once (a bad or missing signature is a 401, a replayed delivery changes nothing); people
//! move items along with role checks, each move audited; `rhyme actions` does the same from a
//! terminal; an overdue item becomes a finding on the next incident of its service; and the
//! review page's action items tab shows and moves them in headless Chromium.

use hmac::{Hmac, Mac};
use rhyme_tests::server::{Backend, Response, Server, backends, raw, unique};
use rhyme_tests::webdriver::{Browser, driver};
use rhyme_tests::{PROPOSER_MANIFEST, outcome};
use serde_json::{Value, json};

const GITHUB_SECRET: &str = "gh-webhook-secret";
const JIRA_SECRET: &str = "jira-webhook-secret";

/// The draft the proposer plugin hands in (it proposes an event's text as a postmortem).
const POSTMORTEM: &str = "# Postmortem: card payments failing\n\n\
## Summary\n- Card payments failed for 20 minutes [#e1]\n\n\
## Action items\n\
- Ana Souza to add an alert on payment pool saturation above 80%, verified by a load test (https://github.com/acme/checkout/issues/42), due 2099-01-15\n\
- Owner: Kai Lee. Pin the payment client to 4.2 so that retries stay under 3 per call (PAY-77), due 2099-02-01\n\
- Owner: Dana Reyes. Rotate the payment API key and confirm zero 401s for a day (PAY-80), due 2026-11-30\n\
- Look into making deploys safer\n";

#[test]
fn action_items_from_approval_to_verified() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        from_approval_to_verified(&backend, &dir.path().join("src"));
    }
}

/// The review page's action items tab in headless Chromium: every item with its elements, the
/// incomplete one's gaps and the overdue one marked; a reviewer moves one and the card shows
/// the new status and who moved it.
#[test]
fn the_review_page_tab_shows_and_moves_action_items() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    backend.install_plugin(
        &dir.path().join("src"),
        "guest_proposer",
        PROPOSER_MANIFEST,
        &["incidents"],
    );
    let reviewer_name = unique("rita");
    let tokens = Tokens {
        responder: backend.token("responder", &unique("resp")),
        ic: backend.token("ic", &unique("ic")),
        reviewer: backend.token("reviewer", &reviewer_name),
        admin: backend.token("admin", &unique("adm")),
    };
    let server = Server::start(&backend, &[]);
    let items = approve_postmortem(&server, &tokens, &unique("inc"), &unique("checkout"));

    let browser = Browser::start(&driver);
    browser.goto(&format!("http://{}/review/actions", server.addr));
    browser.type_text(&browser.find("#token"), &tokens.reviewer);
    browser.click(&browser.find("#sign-in"));
    browser.wait_css_text("#actions-heading", "4 action items · 4 open · 1 overdue");
    let card = |item: &Value| {
        browser.find(&format!(
            ".action[data-id=\"{}\"]",
            item["id"].as_str().unwrap()
        ))
    };
    let vague = card(&items[3]);
    assert!(
        browser
            .text(&vague)
            .contains("Lacks: owner, verb, outcome, ticket, deadline")
    );
    let overdue = browser.text(&card(&items[2]));
    assert!(
        overdue.contains("overdue") && overdue.contains("PAY-80"),
        "{overdue}"
    );

    // The first move a planned item offers is in-progress.
    browser.click(&browser.find_in(&vague, "button.primary"));
    // (The card's move list names in-progress too, so wait for who moved it.)
    let moved = browser.wait_text(&card(&items[3]), &format!("by {reviewer_name}"));
    assert!(
        moved.contains("in-progress\n") || moved.contains("in-progress ·"),
        "{moved}"
    );
    let stored = server.call(
        "GET",
        &format!("/v1/actions/{}", items[3]["id"].as_str().unwrap()),
        Some(&tokens.ic),
        None,
    );
    assert_eq!(stored.json()["status"], "in-progress");
}

struct Tokens {
    responder: String,
    ic: String,
    reviewer: String,
    admin: String,
}

fn from_approval_to_verified(backend: &Backend, src: &std::path::Path) {
    backend.install_plugin(src, "guest_proposer", PROPOSER_MANIFEST, &["incidents"]);
    std::fs::write(
        backend.data.join("rhyme.toml"),
        format!("[server]\ngithub-webhook-secret = \"{GITHUB_SECRET}\"\njira-webhook-secret = \"{JIRA_SECRET}\"\n"),
    )
    .unwrap();
    let tokens = Tokens {
        responder: backend.token("responder", &unique("resp")),
        ic: backend.token("ic", &unique("ic")),
        reviewer: backend.token("reviewer", &unique("rev")),
        admin: backend.token("admin", &unique("adm")),
    };
    let server = Server::start(backend, &[]);
    let service = unique("checkout");
    let incident = unique("inc");
    let items = approve_postmortem(&server, &tokens, &incident, &service);
    let [alert, pin, rotate, vague] = items.as_slice() else {
        panic!("four items: {items:?}")
    };

    github_closes_the_linked_issue(&server, &tokens, alert);
    jira_done_moves_the_keyed_item(&server, pin);
    people_move_items_by_role(&server, &tokens, alert, vague);
    cli_lists_and_moves(backend, &server, &tokens, &incident, pin);
    audited(&server, &tokens, alert);
    overdue_on_the_next_incident(&server, &tokens, &service, rotate);
}

/// The draft is proposed, approved, and its four items kept with their elements.
fn approve_postmortem(
    server: &Server,
    tokens: &Tokens,
    incident: &str,
    service: &str,
) -> Vec<Value> {
    server.create_incident(
        &tokens.responder,
        &json!({"id": incident, "title": "Card payments failing", "severity": "SEV2", "service": service, "started": 1_000}),
    );
    let events = json!([{"id": "e1", "at": 2_000, "actor": "ana", "kind": "draft-postmortem", "text": POSTMORTEM}]);
    server.post_events(&tokens.responder, incident, &events);
    let list = format!("/v1/proposals?incident={incident}");
    let proposal = server.wait_for("the postmortem draft", || {
        let found = server
            .call("GET", &list, Some(&tokens.reviewer), None)
            .json();
        found.as_array().unwrap().first().cloned()
    });
    let id = proposal["id"].as_str().unwrap();
    let before = server.call(
        "GET",
        &format!("/v1/actions?postmortem={id}"),
        Some(&tokens.responder),
        None,
    );
    assert_eq!(before.json(), json!([]), "nothing is kept before approval");
    let approved = server.call(
        "POST",
        &format!("/v1/proposals/{id}/approve"),
        Some(&tokens.reviewer),
        None,
    );
    assert_eq!(approved.status, 200, "{}", approved.text());

    let items = server
        .call(
            "GET",
            &format!("/v1/actions?incident={incident}"),
            Some(&tokens.responder),
            None,
        )
        .json();
    let items = items.as_array().unwrap().clone();
    assert_eq!(items.len(), 4, "{items:#?}");
    for item in &items {
        assert_eq!(item["postmortem"], json!(id));
        assert_eq!(item["incident"], json!(incident));
        assert_eq!(item["service"], json!(service));
        assert_eq!(item["status"], "planned");
    }
    assert_eq!(items[0]["owner"], "Ana Souza");
    assert_eq!(items[0]["verb"], "add");
    assert_eq!(
        items[0]["ticket"],
        "https://github.com/acme/checkout/issues/42"
    );
    assert_eq!(items[0]["deadline"], "2099-01-15");
    assert_eq!(items[0]["missing"], json!([]), "{:#}", items[0]);
    assert_eq!(items[1]["owner"], "Kai Lee");
    assert_eq!(items[1]["ticket"], "PAY-77");
    assert_eq!(
        items[2]["overdue"], true,
        "due 2026-11-30 and still planned"
    );
    assert_eq!(items[0]["overdue"], false);
    assert_eq!(items[3]["text"], "Look into making deploys safer");
    assert_eq!(
        items[3]["missing"],
        json!(["owner", "verb", "outcome", "ticket", "deadline"]),
        "an incomplete item is kept and flagged"
    );
    assert_eq!(items[3]["owner"], Value::Null);
    items
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// POSTs `body` to `path` with `headers`, as a tracker would (no bearer token).
fn webhook(server: &Server, path: &str, headers: &[(&str, String)], body: &str) -> Response {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(body);
    raw(&server.addr, head.as_bytes())
}

/// GitHub's `issues` webhook for issue 42 closed as completed, as GitHub posts it.
fn github_closed(state_reason: &str) -> String {
    json!({
        "action": "closed",
        "issue": {
            "url": "https://api.github.com/repos/acme/checkout/issues/42",
            "repository_url": "https://api.github.com/repos/acme/checkout",
            "html_url": "https://github.com/acme/checkout/issues/42",
            "id": 2_710_345_611_u64, "node_id": "I_kwDOKq4mXc6hjv2L", "number": 42,
            "title": "Alert on payment pool saturation",
            "user": {"login": "ana-souza", "id": 5_810_233, "type": "User", "site_admin": false},
            "labels": [{"id": 1, "name": "postmortem", "color": "d73a4a", "default": false}],
            "state": "closed", "locked": false, "assignee": null, "assignees": [], "milestone": null,
            "comments": 3, "created_at": "2026-11-21T09:14:00Z", "updated_at": "2026-12-05T16:02:11Z",
            "closed_at": "2026-12-05T16:02:11Z", "author_association": "MEMBER",
            "state_reason": state_reason, "body": "From the card payments postmortem."
        },
        "repository": {
            "id": 701_234_567, "node_id": "R_kgDOKq4mXc", "name": "checkout", "full_name": "acme/checkout",
            "private": true, "owner": {"login": "acme", "id": 9_100_200, "type": "Organization"},
            "html_url": "https://github.com/acme/checkout", "default_branch": "main"
        },
        "organization": {"login": "acme", "id": 9_100_200},
        "sender": {"login": "ana-souza", "id": 5_810_233, "type": "User"}
    })
    .to_string()
}

fn github_headers(secret: &str, delivery: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("X-GitHub-Event", "issues".into()),
        ("X-GitHub-Delivery", delivery.into()),
        ("X-GitHub-Hook-ID", "480211977".into()),
        ("User-Agent", "GitHub-Hookshot/7c5b0f6".into()),
        (
            "X-Hub-Signature-256",
            format!("sha256={}", hmac_hex(secret, body.as_bytes())),
        ),
    ]
}

fn github_closes_the_linked_issue(server: &Server, tokens: &Tokens, alert: &Value) {
    let path = "/v1/ingest/github";
    let body = github_closed("completed");
    let delivery = unique("delivery");

    let unsigned = webhook(server, path, &[("X-GitHub-Event", "issues".into())], &body);
    assert_eq!(unsigned.status, 401, "{}", unsigned.text());
    assert!(
        unsigned.text().contains("X-Hub-Signature-256"),
        "{}",
        unsigned.text()
    );
    let forged = webhook(
        server,
        path,
        &github_headers("not-the-secret", &delivery, &body),
        &body,
    );
    assert_eq!(forged.status, 401, "{}", forged.text());
    assert!(
        forged.text().contains("does not match"),
        "{}",
        forged.text()
    );
    let bearer = server.call("POST", path, Some(&tokens.admin), Some(&body));
    assert_eq!(bearer.status, 401, "a bearer token is no signature");
    assert_eq!(
        item(server, tokens, alert)["status"],
        "planned",
        "refused deliveries change nothing"
    );

    let not_planned = github_closed("not_planned");
    let ignored = webhook(
        server,
        path,
        &github_headers(GITHUB_SECRET, &unique("d"), &not_planned),
        &not_planned,
    );
    assert_eq!(ignored.status, 200, "{}", ignored.text());
    assert!(
        ignored.json()["ignored"]
            .as_str()
            .unwrap()
            .contains("not_planned")
    );
    assert_eq!(item(server, tokens, alert)["status"], "planned");

    let closed = webhook(
        server,
        path,
        &github_headers(GITHUB_SECRET, &delivery, &body),
        &body,
    );
    assert_eq!(closed.status, 200, "{}", closed.text());
    let answer = closed.json();
    assert_eq!(answer["replayed"], false);
    let moved: Vec<&Value> = answer["moved"].as_array().unwrap().iter().collect();
    assert_eq!(moved.len(), 1, "{answer:#}");
    assert_eq!(moved[0]["id"], alert["id"]);
    let now = item(server, tokens, alert);
    assert_eq!(
        now["status"], "done",
        "closed in GitHub: done, not verified"
    );
    assert_eq!(now["status_by"], "github");
    assert!(
        now["status_reason"]
            .as_str()
            .unwrap()
            .contains("by ana-souza")
    );

    let replay = webhook(
        server,
        path,
        &github_headers(GITHUB_SECRET, &delivery, &body),
        &body,
    );
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json()["replayed"], true);
    assert_eq!(replay.json()["moved"], json!([]));
}

/// Jira's `jira:issue_updated` for PAY-77 moved to Done, as Jira posts it.
fn jira_done(to: &str, category: &str) -> String {
    json!({
        "timestamp": 1_765_040_531_000_i64,
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_generic",
        "user": {
            "self": "https://acme.atlassian.net/rest/api/2/user?accountId=5b10ac8d82e05b22cc7d4ef5",
            "accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Kai Lee", "active": true,
            "timeZone": "Europe/Berlin", "accountType": "atlassian"
        },
        "issue": {
            "id": "10077", "self": "https://acme.atlassian.net/rest/api/2/10077", "key": "PAY-77",
            "fields": {
                "summary": "Pin the payment client to 4.2",
                "issuetype": {"id": "10001", "name": "Task", "subtask": false},
                "project": {"id": "10000", "key": "PAY", "name": "Payments"},
                "status": {
                    "self": "https://acme.atlassian.net/rest/api/2/status/10002", "description": "",
                    "name": to, "id": "10002",
                    "statusCategory": {"self": "https://acme.atlassian.net/rest/api/2/statuscategory/3", "id": 3, "key": category, "colorName": "green", "name": to}
                }
            }
        },
        "changelog": {
            "id": "10400",
            "items": [{"field": "status", "fieldtype": "jira", "fieldId": "status", "from": "3", "fromString": "In Progress", "to": "10002", "toString": to}]
        }
    })
    .to_string()
}

fn jira_headers(secret: &str, delivery: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("X-Atlassian-Webhook-Identifier", delivery.into()),
        ("X-Atlassian-Webhook-Flow", "Primary".into()),
        (
            "X-Hub-Signature",
            format!("sha256={}", hmac_hex(secret, body.as_bytes())),
        ),
    ]
}

fn jira_done_moves_the_keyed_item(server: &Server, pin: &Value) {
    let path = "/v1/ingest/jira";
    let review = jira_done("In Review", "indeterminate");
    let ignored = webhook(
        server,
        path,
        &jira_headers(JIRA_SECRET, &unique("j"), &review),
        &review,
    );
    assert_eq!(ignored.status, 200, "{}", ignored.text());
    assert!(
        ignored.json()["ignored"]
            .as_str()
            .unwrap()
            .contains("In Review")
    );

    let body = jira_done("Done", "done");
    let delivery = unique("jira");
    let forged = webhook(
        server,
        path,
        &jira_headers("wrong", &delivery, &body),
        &body,
    );
    assert_eq!(forged.status, 401, "{}", forged.text());
    let mut malformed = jira_headers(JIRA_SECRET, &delivery, &body);
    malformed[2].1 = "md5=abc".into();
    assert_eq!(webhook(server, path, &malformed, &body).status, 401);

    let done = webhook(
        server,
        path,
        &jira_headers(JIRA_SECRET, &delivery, &body),
        &body,
    );
    assert_eq!(done.status, 200, "{}", done.text());
    let moved = done.json()["moved"].clone();
    assert_eq!(moved.as_array().unwrap().len(), 1, "{moved:#}");
    assert_eq!(moved[0]["id"], pin["id"]);
    assert_eq!(moved[0]["status"], "done");
    assert!(
        moved[0]["status_reason"]
            .as_str()
            .unwrap()
            .contains("PAY-77 closed by Kai Lee")
    );
    let replay = webhook(
        server,
        path,
        &jira_headers(JIRA_SECRET, &delivery, &body),
        &body,
    );
    assert_eq!(replay.json()["replayed"], true);
}

fn item(server: &Server, tokens: &Tokens, item: &Value) -> Value {
    let id = item["id"].as_str().unwrap();
    let answer = server.call(
        "GET",
        &format!("/v1/actions/{id}"),
        Some(&tokens.responder),
        None,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

fn set(server: &Server, token: &str, item: &Value, body: Value) -> Response {
    let id = item["id"].as_str().unwrap();
    server.call(
        "POST",
        &format!("/v1/actions/{id}/status"),
        Some(token),
        Some(&body.to_string()),
    )
}

fn people_move_items_by_role(server: &Server, tokens: &Tokens, alert: &Value, vague: &Value) {
    // Verifying is the IC's or a reviewer's word, never a responder's or the tracker's.
    let refused = set(
        server,
        &tokens.responder,
        alert,
        json!({"status": "verified"}),
    );
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(
        refused.text().contains("ic or reviewer"),
        "{}",
        refused.text()
    );
    let admin = set(
        server,
        &tokens.admin,
        alert,
        json!({"status": "in-progress"}),
    );
    assert_eq!(admin.status, 403, "{}", admin.text());
    let verified = set(
        server,
        &tokens.ic,
        alert,
        json!({"status": "verified", "reason": "load test at 85% paged in 40 s"}),
    );
    assert_eq!(verified.status, 200, "{}", verified.text());
    assert_eq!(verified.json()["status"], "verified");
    let reopened = set(
        server,
        &tokens.reviewer,
        alert,
        json!({"status": "planned"}),
    );
    assert_eq!(
        reopened.status,
        409,
        "verified is final: {}",
        reopened.text()
    );

    let started = set(
        server,
        &tokens.responder,
        vague,
        json!({"status": "in-progress"}),
    );
    assert_eq!(started.status, 200, "{}", started.text());
    let skipped = set(
        server,
        &tokens.reviewer,
        vague,
        json!({"status": "verified"}),
    );
    assert_eq!(
        skipped.status,
        409,
        "only a done item can be verified: {}",
        skipped.text()
    );
    let no_reason = set(
        server,
        &tokens.reviewer,
        vague,
        json!({"status": "dropped"}),
    );
    assert_eq!(no_reason.status, 422, "{}", no_reason.text());
    assert_eq!(no_reason.json()["field"], "reason");
    let unknown = set(
        server,
        &tokens.reviewer,
        vague,
        json!({"status": "finished"}),
    );
    assert_eq!(
        (unknown.status, unknown.json()["field"].clone()),
        (422, json!("status"))
    );
    let dropped = set(
        server,
        &tokens.reviewer,
        vague,
        json!({"status": "dropped", "reason": "covered by the deploy freeze item"}),
    );
    assert_eq!(dropped.status, 200, "{}", dropped.text());
    assert_eq!(
        dropped.json()["status_reason"],
        "covered by the deploy freeze item"
    );
    assert_eq!(
        server
            .call(
                "POST",
                "/v1/actions/no-such-item/status",
                Some(&tokens.ic),
                Some(r#"{"status":"done"}"#)
            )
            .status,
        404
    );
}

fn cli_lists_and_moves(
    backend: &Backend,
    server: &Server,
    tokens: &Tokens,
    incident: &str,
    pin: &Value,
) {
    let url = format!("http://{}", server.addr);
    let id = pin["id"].as_str().unwrap();
    let (code, out, err) = outcome(&backend.rhyme(&[
        "actions",
        "list",
        "--incident",
        incident,
        "--status",
        "done",
        "--server",
        &url,
        "--token",
        &tokens.responder,
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("1 action item") && out.contains(id) && out.contains("PAY-77"),
        "{out}"
    );
    let (code, out, err) = outcome(&backend.rhyme(&[
        "actions",
        "set-status",
        id,
        "verified",
        "--server",
        &url,
        "--token",
        &tokens.responder,
    ]));
    assert_eq!(code, 3, "a responder cannot verify: {out}{err}");
    let (code, out, err) = outcome(&backend.rhyme(&[
        "actions",
        "set-status",
        id,
        "verified",
        "--reason",
        "retries at 1.2 per call over a week",
        "--server",
        &url,
        "--token",
        &tokens.reviewer,
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("is now verified"), "{out}");
    let (code, out, err) = outcome(&backend.rhyme(&[
        "--json", "actions", "show", id, "--server", &url, "--token", &tokens.ic,
    ]));
    assert_eq!(code, 0, "{out}{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["status"], "verified");
    assert_eq!(
        shown["status_reason"],
        "retries at 1.2 per call over a week"
    );
}

fn audited(server: &Server, tokens: &Tokens, alert: &Value) {
    let entries = server.audit_log(&tokens.admin);
    let about = |id: &Value| -> Vec<(String, String, String)> {
        entries
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["subject"] == *id && e["action"] == "action-item.status")
            .map(|e| {
                let detail: Value = serde_json::from_str(e["detail"].as_str().unwrap()).unwrap();
                (
                    e["role"].as_str().unwrap().to_string(),
                    detail["status"]["before"].as_str().unwrap().to_string(),
                    detail["status"]["after"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let moves: Vec<(String, String, String)> = about(&alert["id"]);
    let expected = [("tracker", "planned", "done"), ("ic", "done", "verified")];
    assert_eq!(
        moves,
        expected.map(|(r, b, a)| (r.to_string(), b.to_string(), a.to_string())),
        "every move, with who and their role"
    );
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "action-items.recorded" && e["role"] == "reviewer"),
        "keeping the items is audited under the approving reviewer"
    );
    assert_eq!(
        server
            .call("GET", "/v1/audit/verify", Some(&tokens.admin), None)
            .status,
        200
    );
}

fn overdue_on_the_next_incident(server: &Server, tokens: &Tokens, service: &str, rotate: &Value) {
    let overdue = server
        .call(
            "GET",
            &format!("/v1/actions?service={service}&overdue=true"),
            Some(&tokens.responder),
            None,
        )
        .json();
    let ids: Vec<&Value> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, [&rotate["id"]], "only the open item past its deadline");

    let next = unique("inc");
    server.create_incident(
        &tokens.responder,
        &json!({"id": next, "title": "Card payments slow", "severity": "SEV3", "service": service, "started": 5_000}),
    );
    let findings = server
        .call(
            "GET",
            &format!("/v1/incidents/{next}/findings"),
            Some(&tokens.responder),
            None,
        )
        .json();
    let finding = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == "overdue-action-items")
        .unwrap_or_else(|| panic!("no overdue finding: {findings:#}"));
    assert_eq!(finding["plugin"]["name"], "action-items");
    assert!(
        finding["title"]
            .as_str()
            .unwrap()
            .starts_with("1 action item"),
        "{finding:#}"
    );
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("Rotate the payment API key") && detail.contains("PAY-80"),
        "{detail}"
    );
    assert!(
        !detail.contains("PAY-77"),
        "done and verified items are not overdue: {detail}"
    );

    let elsewhere = unique("inc");
    server.create_incident(
        &tokens.responder,
        &json!({"id": elsewhere, "title": "Search slow", "severity": "SEV3", "service": unique("search"), "started": 5_000}),
    );
    let findings = server
        .call(
            "GET",
            &format!("/v1/incidents/{elsewhere}/findings"),
            Some(&tokens.responder),
            None,
        )
        .json();
    assert!(
        !findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["subject"] == "overdue-action-items"),
        "another service's incident is not told: {findings:#}"
    );
}
