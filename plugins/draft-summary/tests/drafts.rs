//! Drafts from hand-written timelines: what lands in each CAN part and postmortem section,
//! what is cited, and what is kept out.

use draft_summary::{
    Event, Finding, Incident, LintKind, Statement, lint, postmortem, status_update,
};

const T0: i64 = 1_800_000_000 - 1_800_000_000 % 86_400 + 10 * 3_600; // some day, 10:00 UTC

fn incident(cadence: Option<u32>) -> Incident {
    Incident {
        id: "inc-7".into(),
        title: "Checkout errors after deploy".into(),
        severity: Some("SEV2".into()),
        service: Some("checkout".into()),
        started: T0,
        update_cadence_minutes: cadence,
    }
}

fn ev(id: &str, minute: i64, actor: &str, role: &str, kind: &str, text: &str) -> Event {
    Event {
        id: id.into(),
        at: T0 + minute * 60,
        actor: Some(actor.into()),
        role: Some(role.into()),
        kind: kind.into(),
        text: text.into(),
    }
}

fn timeline() -> Vec<Event> {
    vec![
        ev(
            "1",
            0,
            "alertmanager",
            "system",
            "alert",
            "checkout 5xx rate 12%",
        ),
        ev(
            "2",
            2,
            "Lea Brun",
            "ic",
            "role_change",
            "Lea is IC. Omar ops, Kim comms.",
        ),
        ev(
            "3",
            4,
            "Omar Diaz",
            "ops",
            "message",
            "Customers see payment errors since the 09:58 deploy.",
        ),
        ev(
            "4",
            5,
            "Kim Park",
            "comms",
            "status_update",
            "Condition: Checkout failing for some users. Action: Investigating. Need: nothing.",
        ),
        ev(
            "5",
            8,
            "Lea Brun",
            "ic",
            "decision",
            "Roll back the 09:58 checkout deploy.",
        ),
        ev(
            "6",
            9,
            "Omar Diaz",
            "ops",
            "action",
            "Rolling back checkout to the previous release.",
        ),
        ev(
            "7",
            12,
            "Sam Roy",
            "stakeholder",
            "message",
            "Sales here: any ETA for checkout?",
        ),
        ev(
            "8",
            13,
            "Omar Diaz",
            "ops",
            "message",
            "Omar should have checked the canary before promoting.",
        ),
        ev(
            "9",
            16,
            "Omar Diaz",
            "ops",
            "message",
            "Root cause: the new config set the payment timeout too low.",
        ),
        ev(
            "10",
            20,
            "Lea Brun",
            "ic",
            "mitigation",
            "Mitigated: 5xx back under 0.1%.",
        ),
        ev(
            "11",
            30,
            "Lea Brun",
            "ic",
            "resolution",
            "Resolved. Follow-up: add a canary gate on payment errors; alert on timeout config changes.",
        ),
    ]
}

fn cited_ids(statements: &[Statement]) -> Vec<&str> {
    statements
        .iter()
        .flat_map(|s| s.cites.iter().map(String::as_str))
        .collect()
}

#[test]
fn can_draft_has_condition_action_need_and_next_update() {
    let events = timeline();
    let now = T0 + 14 * 60;
    let u = status_update(&incident(Some(30)), &events, &[], now, 30);
    assert_eq!(u.next_update, now + 30 * 60);
    assert!(
        u.condition[0]
            .text
            .starts_with("Since 10:00 UTC (checkout): checkout 5xx"),
        "{:?}",
        u.condition
    );
    assert!(
        cited_ids(&u.action).contains(&"5"),
        "the rollback decision is an action: {:?}",
        u.action
    );
    assert!(
        u.action
            .iter()
            .any(|s| s.text.starts_with("Under way since 10:09")),
        "{:?}",
        u.action
    );
    assert!(
        u.need
            .iter()
            .any(|s| s.text.starts_with("Stakeholder asks (10:12)")),
        "{:?}",
        u.need
    );
    assert!(
        u.condition
            .iter()
            .any(|s| s.text.starts_with("Affected (10:04): Customers")),
        "{:?}",
        u.condition
    );
    // Nothing after `now` is used.
    for s in u.condition.iter().chain(&u.action).chain(&u.need) {
        assert!(
            s.cites.iter().all(|c| c.parse::<i64>().unwrap() <= 8),
            "{s:?}"
        );
    }
    let md = u.to_markdown();
    for part in [
        "**Condition**",
        "**Action**",
        "**Need**",
        "**Next update: 10:44 UTC**",
        "[#1]",
    ] {
        assert!(md.contains(part), "{part} missing from\n{md}");
    }
}

#[test]
fn can_draft_says_plainly_when_nothing_is_needed() {
    let events = timeline();
    let u = status_update(&incident(Some(30)), &events, &[], T0 + 6 * 60, 30);
    assert_eq!(u.need.len(), 1);
    assert!(
        u.need[0].text.starts_with("Nothing needed right now"),
        "{:?}",
        u.need
    );
    assert_eq!(u.need[0].cites, ["4"]);
    let done = status_update(&incident(Some(30)), &events, &[], T0 + 31 * 60, 30);
    assert!(
        done.need[0]
            .text
            .starts_with("Nothing needed: resolved at 10:30")
    );
    assert!(
        done.condition
            .iter()
            .any(|s| s.text.starts_with("Resolved at 10:30")
                || s.text.starts_with("10:30: Resolved"))
    );
}

#[test]
fn blaming_lines_stay_out_of_every_draft() {
    let events = timeline();
    let u = status_update(&incident(Some(30)), &events, &[], T0 + 14 * 60, 30);
    let p = postmortem(&incident(Some(30)), &events, &[], T0 + 40 * 60);
    for md in [u.to_markdown(), p.to_markdown()] {
        assert!(!md.contains("should have"), "{md}");
        assert!(review_lint::blame::scan(&md).is_empty(), "{md}");
    }
    // The timeline keeps the moment, cited, without the words.
    let tl = p.section("Timeline").unwrap();
    assert!(
        tl.statements
            .iter()
            .any(|s| s.cites == ["8"] && s.text.contains("left out"))
    );
}

#[test]
fn postmortem_sections_come_from_the_timeline() {
    let p = postmortem(&incident(Some(30)), &timeline(), &[], T0 + 40 * 60);
    let ids = |h: &str| {
        cited_ids(&p.section(h).unwrap().statements)
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert!(
        ids("Summary").contains(&"1".to_string()) && ids("Summary").contains(&"10".to_string())
    );
    assert_eq!(
        ids("Contributing factors"),
        ["9"],
        "{:?}",
        p.section("Contributing factors")
    );
    assert!(ids("Detection").starts_with(&["1".to_string()]));
    let mut early = timeline();
    early.insert(
        0,
        ev(
            "0",
            -5,
            "Omar Diaz",
            "ops",
            "deploy",
            "Deployed the fraud detection rules to checkout.",
        ),
    );
    let p2 = postmortem(&incident(Some(30)), &early, &[], T0 + 40 * 60);
    let detection = &p2.section("Detection").unwrap().statements;
    assert!(
        detection
            .iter()
            .all(|s| !s.cites.contains(&"0".to_string())),
        "{detection:?}"
    );
    assert!(
        ids("Mitigation").contains(&"5".to_string())
            && ids("Mitigation").contains(&"10".to_string())
    );
    assert!(ids("Resolution").contains(&"11".to_string()));
    assert!(
        ids("What went well").contains(&"2".to_string()),
        "IC named at minute 2"
    );
    let items = &p.section("Action items").unwrap().statements;
    let texts: Vec<&str> = items.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "add a canary gate on payment errors",
            "alert on timeout config changes"
        ]
    );
    let timeline = p.section("Timeline").unwrap();
    assert!(timeline.statements[0].text.starts_with("10:00 — "));
}

#[test]
fn contributing_factors_never_name_a_person() {
    let mut events = timeline();
    events.push(ev(
        "12",
        35,
        "Kim Park",
        "comms",
        "message",
        "The outage happened because Omar pushed the config.",
    ));
    let p = postmortem(&incident(Some(30)), &events, &[], T0 + 40 * 60);
    let factors = &p.section("Contributing factors").unwrap().statements;
    assert!(
        factors.iter().all(|s| !s.cites.contains(&"12".to_string())),
        "{factors:?}"
    );
}

#[test]
fn an_empty_section_asks_the_team_instead_of_inventing() {
    let events = vec![ev(
        "1",
        0,
        "alertmanager",
        "system",
        "alert",
        "queue depth high",
    )];
    let p = postmortem(&incident(None), &events, &[], T0 + 60);
    for h in [
        "Contributing factors",
        "Mitigation",
        "Resolution",
        "Action items",
    ] {
        let s = p.section(h).unwrap();
        assert!(s.statements.is_empty(), "{h}: {:?}", s.statements);
        assert!(
            s.prompt
                .as_deref()
                .unwrap()
                .starts_with("(to be written by the team: ")
        );
    }
    assert!(
        p.to_markdown()
            .contains("(to be written by the team: what stopped the impact")
    );
}

#[test]
fn slow_updates_and_nudges_go_to_what_could_be_better() {
    let mut events = timeline();
    events.retain(|e| e.id != "4");
    let nudge = Finding {
        kind: "nudge".into(),
        subject: "update-black-hole".into(),
        title: "No stakeholder update for 20 min".into(),
        detail: String::new(),
        evidence: vec!["7".into(), "404".into()],
    };
    let p = postmortem(&incident(Some(15)), &events, &[nudge], T0 + 40 * 60);
    let better = &p.section("What could be better").unwrap().statements;
    assert!(
        better
            .iter()
            .any(|s| s.text.starts_with("No status update for 20 min") && s.cites == ["1", "10"]),
        "{better:?}"
    );
    let from_nudge = better
        .iter()
        .find(|s| s.text.contains("No stakeholder update"))
        .unwrap();
    assert_eq!(from_nudge.cites, ["7"], "unknown evidence is not cited");
}

#[test]
fn a_multi_day_timeline_carries_dates() {
    let events = vec![
        ev("1", 0, "pager", "system", "alert", "replication stopped"),
        ev(
            "2",
            26 * 60,
            "Ana",
            "ops",
            "mitigation",
            "Restored from snapshot.",
        ),
    ];
    let p = postmortem(&incident(None), &events, &[], T0 + 27 * 3_600);
    assert!(p.dated);
    let first = &p.section("Timeline").unwrap().statements[0].text;
    assert!(first.len() > 16 && first.as_bytes()[4] == b'-', "{first}");
}

#[test]
fn review_of_a_draft_names_missing_action_item_elements() {
    let p = postmortem(&incident(Some(30)), &timeline(), &[], T0 + 40 * 60);
    let notes = p.review();
    let items: Vec<_> = notes
        .iter()
        .filter(|n| n.kind == LintKind::ActionItem)
        .collect();
    assert_eq!(items.len(), 2, "{notes:?}");
    assert!(
        items
            .iter()
            .all(|n| n.message.contains("owner") && n.message.contains("deadline"))
    );
    assert!(notes.iter().all(|n| n.kind != LintKind::Blame));
    let blamed = lint("## Contributing factors\n- Ops should have checked the disk usage first.");
    assert_eq!(blamed.len(), 1);
    assert_eq!(blamed[0].kind, LintKind::Blame);
}

#[test]
fn a_terse_approval_carries_the_line_it_answers_and_the_effect_is_the_latest_state() {
    let events = vec![
        ev("1", 0, "alertmanager", "system", "alert", "sink lag 2.1M"),
        ev(
            "2",
            5,
            "noor",
            "responder",
            "message",
            "restart the whole worker, it re-reads broker metadata",
        ),
        ev("3", 6, "marta", "ic", "decision", "do it"),
        ev("4", 7, "yusuf", "ops", "action", "restarted worker pods"),
        ev("5", 9, "yusuf", "ops", "message", "task 3 RUNNING again"),
    ];
    let u = status_update(&incident(Some(60)), &events, &[], T0 + 10 * 60, 60);
    let decided = u
        .action
        .iter()
        .find(|s| s.text.starts_with("10:06 decided: do it (re: restart"))
        .unwrap();
    assert_eq!(decided.cites, ["2", "3"]);
    assert!(
        u.condition
            .iter()
            .any(|s| s.text == "Latest (10:09): task 3 RUNNING again"),
        "{:?}",
        u.condition
    );
}

#[test]
fn a_guess_about_the_cause_is_not_reported_as_what_is_affected() {
    let mut events = timeline();
    events.truncate(3);
    events.push(ev(
        "g",
        5,
        "Kim Roy",
        "responder",
        "message",
        "probably the orders table migration locking the payment rows",
    ));
    let u = status_update(&incident(Some(30)), &events, &[], T0 + 6 * 60, 30);
    assert!(
        u.condition
            .iter()
            .all(|s| !s.cites.contains(&"g".to_string())),
        "a hypothesis landed under Condition: {:?}",
        u.condition
    );
    // The report of who is hurt is still there.
    assert!(
        u.condition
            .iter()
            .any(|s| s.cites.contains(&"3".to_string())),
        "{:?}",
        u.condition
    );
}
