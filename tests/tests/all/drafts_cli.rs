//! `rhyme draft` and `rhyme eval drafts` through the real binary and the built drafting
//! plugin: a CAN draft with every part, citations that exist, no blame.

use rhyme_tests::{eval_summary, install_builtin, outcome, repo_root, rhyme, shared_data};

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "draft-summary");
    (tmp, data)
}

#[test]
fn drafts_a_cited_status_update_as_a_proposal() {
    let (_tmp, data) = setup();
    let example = repo_root().join("examples/incidents/checkout-outage.json");
    let args = [
        "--json",
        "draft",
        example.to_str().unwrap(),
        "--at",
        "2026-03-09T10:40:00Z",
    ];
    let (code, out, err) = outcome(&rhyme(&data, &args));
    assert_eq!(code, 0, "{err}");
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    let body = answer["proposals"][0]["body"].as_str().unwrap();
    for part in [
        "**Condition**",
        "**Action**",
        "**Need**",
        "**Next update: 11:00 UTC**",
    ] {
        assert!(body.contains(part), "{part} missing from:\n{body}");
    }
    assert!(body.contains("[#1]"), "statements cite events: {body}");
    assert!(
        !body.contains("10:45"),
        "nothing after the draft time is used: {body}"
    );
}

#[test]
fn a_postmortem_draft_has_every_section() {
    let (_tmp, data) = setup();
    let example = repo_root().join("examples/incidents/checkout-outage.json");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &[
            "--json",
            "draft",
            example.to_str().unwrap(),
            "--kind",
            "postmortem",
        ],
    ));
    assert_eq!(code, 0, "{err}");
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    let body = answer["proposals"][0]["body"]
        .as_str()
        .unwrap()
        .to_lowercase();
    for section in [
        "summary",
        "timeline",
        "impact",
        "contributing factors",
        "detection",
        "mitigation",
        "resolution",
        "what went well",
        "what could be better",
        "action items",
    ] {
        assert!(
            body.contains(section),
            "section `{section}` missing:\n{body}"
        );
    }
}

#[test]
fn every_timeline_gets_a_complete_cited_blameless_draft() {
    let Some(shared) = shared_data() else { return };
    let (_tmp, data) = setup();
    let folder = shared.join("timelines");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["eval", "drafts", "--timelines", folder.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{err}");
    let s = eval_summary(&out);
    eprintln!("drafts: {s}");
    assert_eq!(s["complete_can_drafts"], s["timelines"], "{s}");
    assert_eq!(
        s["statements_citing_existing_events"], s["statements"],
        "{s}"
    );
    assert_eq!(s["blame_phrases"], 0, "{s}");
    // Against what responders posted: a draft at the moment of every real status update, from
    // the events before it. Measured 2026-12-06 (closing note of issue 14): affected 0.29 of
    // the real condition's words, done 0.21, since-time 0.92, next-update promise 1.00, 0
    // hypotheses reported as impact, 49% of Condition lines never needed. Floors sit under.
    let real = &s["against_real_updates"];
    let per_update = out
        .lines()
        .filter(|l| l.contains("\"real_update\""))
        .count();
    assert_eq!(
        real["updates"].as_u64().unwrap() as usize,
        per_update,
        "{real}"
    );
    assert!(per_update >= 50, "the timelines hold real updates: {real}");
    let carried = |part: &str| real[part]["carried"].as_f64().unwrap();
    assert!(
        carried("affected") >= 0.2 && carried("done") >= 0.15,
        "{real}"
    );
    assert!(
        carried("since") >= 0.8 && carried("next_update") >= 0.9,
        "{real}"
    );
    assert_eq!(real["hypotheses_as_impact"], 0, "{real}");
}
