//! `POST /v1/ingest/alertmanager` with what real senders send: every payload in
//! `../shared/data/external/alertmanager/` (Prometheus Alertmanager, prometheus-msteams and
//! alertmanager-bot fixtures, Grafana-managed alerting; see `SOURCES.md` there) goes through the
//! real router over a real SQLite store, and each test says what must be stored: one event per
//! alert at the right time, and the incident open or ended. Redeliveries store nothing new.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, router};
use rhyme_store::{Actor, Gate, GateConfig, Incident, ManualClock, Role, Store, TimelineEvent};
use serde_json::Value;
use tower::ServiceExt as _;

/// The store's clock during these tests: 2026-01-01T00:00:00Z, long after every payload.
const NOW: i64 = 1_767_225_600_000;

/// A router over a fresh store whose clock stands at [`NOW`], and a responder's token.
struct Api {
    state: AppState,
    clock: ManualClock,
    responder: String,
    _jobs: rhyme_pipeline::queue::JobReceiver,
    _dir: tempfile::TempDir,
}

impl Api {
    async fn new() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(NOW);
        let store = Store::open_with_clock(dir.path(), None, Arc::new(clock.clone()))
            .await
            .unwrap();
        let responder = store
            .create_token(&Actor::operator("ops"), "alertbot", Role::Responder)
            .await
            .unwrap()
            .secret;
        let metrics = Arc::new(Metrics::new());
        // Room for every job these tests queue; the receiver is kept so the queue stays open.
        let (queue, jobs) = JobQueue::new(
            rhyme_pipeline::lines::QueueLimits::with_total(10_000),
            metrics.clone(),
        );
        let gate = Gate::new(store, GateConfig::default());
        Api {
            state: AppState::new(gate, queue, metrics),
            clock,
            responder,
            _jobs: jobs,
            _dir: dir,
        }
    }

    fn store(&self) -> &Store {
        self.state.store()
    }

    /// Posts a notification; the status and the answer as JSON.
    async fn post(&self, body: &str) -> (StatusCode, Value) {
        let request = Request::builder()
            .method("POST")
            .uri("/v1/ingest/alertmanager")
            .header(header::AUTHORIZATION, format!("Bearer {}", self.responder))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, json)
    }

    /// Posts a notification that must be accepted; the incident's id and the ids stored now.
    async fn accept(&self, body: &str) -> (String, Vec<String>) {
        let (status, ack) = self.post(body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{ack}");
        let stored = ack["stored"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_string())
            .collect();
        (ack["incident"].as_str().unwrap().to_string(), stored)
    }

    async fn incident(&self, id: &str) -> Incident {
        self.store().incident(id).await.unwrap()
    }

    async fn timeline(&self, id: &str) -> Vec<TimelineEvent> {
        self.store().events(id).await.unwrap()
    }

    /// The audit log's `incident.reopen` entries: (actor, subject).
    async fn reopenings(&self) -> Vec<(String, String)> {
        let entries = self.store().audit().entries(0, 10_000).await.unwrap();
        entries
            .into_iter()
            .filter(|e| e.action == "incident.reopen")
            .map(|e| (e.actor, e.subject))
            .collect()
    }
}

/// A payload from `../shared/data/external/alertmanager/`, read in place, as sent.
fn payload(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/external/alertmanager")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A payload changed by `edit`, for the cases no captured payload shows (a re-fire).
fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut json: Value = serde_json::from_str(&payload(name)).unwrap();
    edit(&mut json);
    json.to_string()
}

/// The events of `kind` on a timeline.
fn of_kind<'a>(events: &'a [TimelineEvent], kind: &str) -> Vec<&'a TimelineEvent> {
    events.iter().filter(|e| e.kind == kind).collect()
}

/// Every alert event's text starts with its status in capitals.
fn statuses(events: &[TimelineEvent]) -> Vec<&str> {
    of_kind(events, "alert")
        .iter()
        .map(|e| e.text.split(']').next().unwrap().trim_start_matches('['))
        .collect()
}

/// Posting the same payload again stores nothing and leaves the incident as it was.
async fn redelivery_changes_nothing(api: &Api, body: &str) {
    let (id, _) = api.accept(body).await;
    let (before, timeline) = (api.incident(&id).await, api.timeline(&id).await);
    api.clock.advance(60_000);
    let (again, stored) = api.accept(body).await;
    assert_eq!(again, id);
    assert!(stored.is_empty(), "a redelivery stored {stored:?}");
    assert_eq!(api.incident(&id).await, before);
    assert_eq!(api.timeline(&id).await, timeline);
}

#[tokio::test]
async fn zulip_two_alerts_with_different_fingerprints_are_two_events() {
    let api = Api::new().await;
    let body = payload("zulip_alertmanager_two_alerts_firing.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["FIRING", "FIRING"], "{timeline:?}");
    // 2020-02-06T00:17:58.432911368Z, to the millisecond.
    assert!(timeline.iter().all(|e| e.at == 1_580_948_278_432));
    assert!(timeline.iter().all(|e| e.actor == "alertmanager"));
    // Same labels, so the texts tell them apart by what differs: the description.
    assert!(timeline.iter().any(|e| e.text.contains("34.75C")));
    assert!(timeline.iter().any(|e| e.text.contains("17.625C")));
    let incident = api.incident(&id).await;
    assert_eq!(incident.title, "High CPU core temperature");
    assert_eq!(incident.severity, "critical");
    assert_eq!(incident.started, 1_580_948_278_432);
    assert_eq!(incident.ended, None);
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn zulip_resolved_with_the_zero_end_time_is_resolved_when_received() {
    let api = Api::new().await;
    let body = payload("zulip_alertmanager_resolved_zero_endsAt.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 1);
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["RESOLVED"]);
    // `0001-01-01T00:00:00Z` is Go's zero time: "not ended", never an end in year 1. The
    // sender says resolved without saying when, so the time is when Rhyme heard of it.
    assert_eq!(timeline[0].at, NOW, "{timeline:?}");
    assert!(
        timeline[0].text.contains("no end time"),
        "{}",
        timeline[0].text
    );
    let incident = api.incident(&id).await;
    assert_eq!(incident.started, 1_580_948_278_432);
    assert_eq!(incident.ended, Some(NOW));
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn zulip_firing_then_resolved_ends_the_incident() {
    let api = Api::new().await;
    let (id, _) = api
        .accept(&payload("zulip_alertmanager_no_generatorURL.json"))
        .await;
    assert_eq!(api.incident(&id).await.ended, None);
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["FIRING"]);
    assert_eq!(timeline[0].at, 1_580_948_278_432);
    assert!(timeline[0].text.contains("High CPU Temperature"));

    let (again, stored) = api
        .accept(&payload("zulip_alertmanager_resolved_zero_endsAt.json"))
        .await;
    assert_eq!(again, id, "one group key, one incident");
    assert_eq!(stored.len(), 1);
    assert_eq!(statuses(&api.timeline(&id).await), ["FIRING", "RESOLVED"]);
    assert_eq!(api.incident(&id).await.ended, Some(NOW));
}

#[tokio::test]
async fn msteams_alerts_without_status_or_fingerprint_are_firing_until_they_end() {
    let api = Api::new().await;
    let body = payload("msteams_prom_post_request_no_status_no_fingerprint.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 1);
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["FIRING"]);
    // 2018-03-07T06:33:21.873077559-05:00
    assert_eq!(timeline[0].at, 1_520_422_401_873);
    assert!(timeline[0].text.contains("Server High Memory usage"));
    let incident = api.incident(&id).await;
    assert_eq!(incident.title, "Prometheus Test");
    assert_eq!(incident.severity, "warning");
    assert_eq!(incident.ended, None);
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn msteams_group_of_19_alerts_is_19_events() {
    let api = Api::new().await;
    let body = payload("msteams_large_group_19_alerts.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 19, "{stored:?}");
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["FIRING"; 19]);
    // Two start times in the group: 2019-01-09T15:20:40.341Z (13) and 2019-01-10T02:58:40.360Z (6).
    let early = timeline
        .iter()
        .filter(|e| e.at == 1_547_047_240_341)
        .count();
    let late = timeline
        .iter()
        .filter(|e| e.at == 1_547_089_120_360)
        .count();
    assert_eq!((early, late), (13, 6));
    // Each event names the host and environment that make its alert differ from the others.
    assert!(timeline.iter().any(
        |e| e.text.contains("alias=database1002A") && e.text.contains("env=user3environmentc")
    ));
    let incident = api.incident(&id).await;
    assert_eq!(incident.title, "Server is down");
    assert_eq!(incident.severity, "page");
    assert_eq!(incident.service, "data_collector");
    assert_eq!(incident.started, 1_547_047_240_341);
    assert_eq!(incident.ended, None);
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn alertmanager_bot_resolved_alone_opens_and_ends_the_incident() {
    let api = Api::new().await;
    let body = payload("alertmanager_bot_resolved.json");
    let (id, _) = api.accept(&body).await;
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["RESOLVED"]);
    // endsAt 2018-11-04T22:48:13.283995108+01:00; the text is the `message` annotation.
    assert_eq!(timeline[0].at, 1_541_368_093_283);
    assert!(timeline[0].text.contains("Something is on fire"));
    let incident = api.incident(&id).await;
    assert_eq!(incident.title, "Fire");
    // It started when the alert did (startsAt), not when it was resolved.
    assert_eq!(incident.started, 1_541_367_838_283);
    assert_eq!(incident.ended, Some(1_541_368_093_283));
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn alertmanager_bot_firing_with_a_set_end_time_stays_firing() {
    let api = Api::new().await;
    let body = payload("alertmanager_bot_firing_nonzero_endsAt.json");
    let (id, _) = api.accept(&body).await;
    let timeline = api.timeline(&id).await;
    // `status: firing` is what counts; the endsAt a firing alert carries is only a timeout.
    assert_eq!(statuses(&timeline), ["FIRING"]);
    assert_eq!(timeline[0].at, 1_541_367_838_283);
    assert_eq!(api.incident(&id).await.ended, None);
    redelivery_changes_nothing(&api, &body).await;
}

/// The group fires again after it was resolved: alertmanager-bot's firing and resolved
/// payloads, then the same alert with a later start.
#[tokio::test]
async fn a_re_fire_after_resolution_reopens_the_incident_once_and_audited() {
    let api = Api::new().await;
    let (id, _) = api
        .accept(&payload("alertmanager_bot_firing_nonzero_endsAt.json"))
        .await;
    api.accept(&payload("alertmanager_bot_resolved.json")).await;
    assert_eq!(api.incident(&id).await.ended, Some(1_541_368_093_283));

    let refire = edited("alertmanager_bot_firing_nonzero_endsAt.json", |json| {
        json["alerts"][0]["startsAt"] = "2018-11-04T23:10:00+01:00".into();
        json["alerts"][0]["endsAt"] = "2018-11-04T23:13:00+01:00".into();
    });
    let (status, ack) = api.post(&refire).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ack}");
    assert_eq!(api.incident(&id).await.ended, None, "the re-fire reopens");
    assert_eq!(ack["reopened"], true, "{ack}");
    assert_eq!(ack["ended"], false, "{ack}");
    assert_eq!(
        statuses(&api.timeline(&id).await),
        ["FIRING", "RESOLVED", "FIRING"]
    );
    assert_eq!(
        api.reopenings().await,
        [("alertbot".to_string(), id.clone())]
    );

    // The same re-fire again, and the first firing payload late: nothing new, no second entry.
    let (status, ack) = api.post(&refire).await;
    assert_eq!(
        (status, &ack["reopened"]),
        (StatusCode::ACCEPTED, &false.into())
    );
    api.accept(&payload("alertmanager_bot_firing_nonzero_endsAt.json"))
        .await;
    assert_eq!(api.reopenings().await.len(), 1);
    assert_eq!(api.incident(&id).await.ended, None);
}

/// A stale firing notification, redelivered after the resolution, does not reopen: its event
/// is stored already.
#[tokio::test]
async fn a_redelivered_firing_notification_does_not_reopen() {
    let api = Api::new().await;
    let firing = payload("alertmanager_bot_firing_nonzero_endsAt.json");
    let (id, _) = api.accept(&firing).await;
    api.accept(&payload("alertmanager_bot_resolved.json")).await;
    let (status, ack) = api.post(&firing).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ack}");
    assert_eq!(ack["reopened"], false);
    assert_eq!(api.incident(&id).await.ended, Some(1_541_368_093_283));
    assert!(api.reopenings().await.is_empty());
}

#[tokio::test]
async fn grafana_docs_example_version_1_is_accepted() {
    let api = Api::new().await;
    let body = payload("grafana_docs_webhook_notifier_example.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 2);
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["FIRING", "FIRING"]);
    assert!(
        timeline.iter().all(|e| e.actor == "grafana"),
        "{timeline:?}"
    );
    // 2021-10-12T09:51:03.157076+02:00 and 09:56:03.157076+02:00
    assert_eq!(timeline[0].at, 1_634_025_063_157);
    assert_eq!(timeline[1].at, 1_634_025_363_157);
    assert!(timeline[0].text.contains("High memory usage"));
    assert!(timeline[1].text.contains("zone=eu-1"));
    // No truncation (`truncatedAlerts: 0`), so no note.
    assert!(of_kind(&timeline, "note").is_empty());
    let incident = api.incident(&id).await;
    // No common summary or alertname: the title names the group's alerts.
    assert_eq!(incident.title, "High memory usage, High CPU usage");
    assert_eq!(incident.ended, None);
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn grafana9_firing_group_with_resolved_alerts_stays_open() {
    let api = Api::new().await;
    let body = payload("zulip_grafana9_group_firing_with_resolved_alerts.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 3);
    let timeline = api.timeline(&id).await;
    // Oldest first: the firing alert started at 01:03:00.782, the two resolved at 01:08:28.652.
    assert_eq!(statuses(&timeline), ["FIRING", "RESOLVED", "RESOLVED"]);
    assert_eq!(timeline[0].at, 1_655_427_780_782);
    assert!(timeline[1..].iter().all(|e| e.at == 1_655_428_108_652));
    assert!(timeline[1..].iter().any(|e| e.text.contains("badhost")));
    assert!(timeline[1..].iter().any(|e| e.text.contains("otherhost")));
    let incident = api.incident(&id).await;
    assert_eq!(incident.started, 1_655_427_780_782);
    assert_eq!(incident.ended, None, "one alert of the group still fires");
    redelivery_changes_nothing(&api, &body).await;
}

#[tokio::test]
async fn grafana8_truncated_alerts_are_a_timeline_note() {
    let api = Api::new().await;
    let body = payload("zulip_grafana8_test_notification_truncatedAlerts_1.json");
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 2, "the alert and the note");
    let timeline = api.timeline(&id).await;
    assert_eq!(statuses(&timeline), ["RESOLVED"]);
    // endsAt 2022-08-31T10:30:00.52288431Z
    assert_eq!(of_kind(&timeline, "alert")[0].at, 1_661_941_800_522);
    let notes = of_kind(&timeline, "note");
    assert_eq!(notes.len(), 1, "{timeline:?}");
    assert!(notes[0].text.contains("1 more alert"), "{}", notes[0].text);
    assert_eq!(notes[0].at, 1_661_941_800_522);
    // Every listed alert is resolved and the group says resolved too, so the incident ends.
    let incident = api.incident(&id).await;
    assert_eq!(incident.started, 1_661_925_244_522);
    assert_eq!(incident.ended, Some(1_661_941_800_522));
    redelivery_changes_nothing(&api, &body).await;
}

/// With alerts left out, only the group's own status can say that all are resolved.
#[tokio::test]
async fn a_truncated_group_that_still_fires_is_not_ended_by_its_listed_alerts() {
    let api = Api::new().await;
    let body = edited(
        "zulip_grafana8_test_notification_truncatedAlerts_1.json",
        |json| json["status"] = "firing".into(),
    );
    let (id, _) = api.accept(&body).await;
    assert_eq!(statuses(&api.timeline(&id).await), ["RESOLVED"]);
    assert_eq!(api.incident(&id).await.ended, None);
}

/// Where an alert has no `status` (or an empty one), its end decides: none (or the zero time)
/// or one still ahead is firing, one already past is resolved.
#[tokio::test]
async fn without_status_the_end_time_decides() {
    let api = Api::new().await;
    let body = edited(
        "msteams_prom_post_request_no_status_no_fingerprint.json",
        |json| {
            let first = json["alerts"][0].clone();
            let mut ahead = first.clone();
            ahead["labels"]["instance"] = "ahead".into();
            ahead["endsAt"] = "2099-01-01T00:00:00Z".into();
            let mut past = first.clone();
            past["labels"]["instance"] = "past".into();
            past["endsAt"] = "2018-03-07T07:00:00-05:00".into();
            let mut blank = first.clone();
            blank["labels"]["instance"] = "blank".into();
            blank["status"] = "".into();
            let mut missing = first;
            missing["labels"]["instance"] = "missing".into();
            missing.as_object_mut().unwrap().remove("endsAt");
            json["alerts"] = Value::Array(vec![ahead, past, blank, missing]);
        },
    );
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 4);
    let timeline = api.timeline(&id).await;
    let status_of = |instance: &str| {
        let event = timeline
            .iter()
            .find(|e| e.text.contains(&format!("instance={instance}")))
            .unwrap_or_else(|| panic!("no event for {instance}: {timeline:?}"));
        (event.text.split(']').next().unwrap().to_string(), event.at)
    };
    assert_eq!(status_of("ahead"), ("[FIRING".into(), 1_520_422_401_873));
    // 2018-03-07T07:00:00-05:00
    assert_eq!(status_of("past"), ("[RESOLVED".into(), 1_520_424_000_000));
    assert_eq!(status_of("blank"), ("[FIRING".into(), 1_520_422_401_873));
    assert_eq!(status_of("missing"), ("[FIRING".into(), 1_520_422_401_873));
    assert_eq!(api.incident(&id).await.ended, None);
}

/// A refused payload says what was wrong and where: the field path with the alert's index.
#[tokio::test]
async fn refusals_name_the_field_and_the_alert() {
    let api = Api::new().await;
    // (the field named, where it is in the payload, what is put there, what the detail says)
    let cases = [
        ("version", "/version", Value::from("3"), "\"4\""),
        (
            "alerts[1].status",
            "/alerts/1/status",
            "pending".into(),
            "pending",
        ),
        (
            "alerts[1].startsAt",
            "/alerts/1/startsAt",
            "2020-02-06 00:17".into(),
            "RFC 3339",
        ),
        (
            "alerts[0].endsAt",
            "/alerts/0/endsAt",
            "2020-02-06T00:17:58".into(),
            "time zone",
        ),
        ("alerts", "/alerts", Value::Array(vec![]), "empty"),
        ("status", "/status", "unknown".into(), "neither"),
    ];
    for (field, pointer, value, says) in cases {
        let body = edited("zulip_alertmanager_two_alerts_firing.json", |json| {
            *json.pointer_mut(pointer).unwrap() = value;
        });
        let (status, problem) = api.post(&body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["field"], field, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{field}: {problem}"
        );
    }
    assert!(
        api.store()
            .incidents(Default::default())
            .await
            .unwrap()
            .is_empty(),
        "a refused notification stores nothing"
    );
}

/// A sender cannot shorten its alerts: an over-long summary, label or description is cut,
/// visibly, rather than the whole group refused.
#[tokio::test]
async fn over_long_summaries_labels_and_descriptions_are_cut_not_refused() {
    let api = Api::new().await;
    let long = "disk full on every shard ".repeat(400); // about 10 KB
    let body = edited("zulip_alertmanager_two_alerts_firing.json", |json| {
        json["commonAnnotations"]["summary"] = long.clone().into();
        json["commonLabels"]["severity"] = "s".repeat(500).into();
        json["alerts"][0]["annotations"]["description"] = "x".repeat(100_000).into();
    });
    let (id, stored) = api.accept(&body).await;
    assert_eq!(stored.len(), 2, "both alerts are kept");
    let incident = api.incident(&id).await;
    assert!(
        incident.title.len() <= rhyme_store::limits::MAX_TITLE,
        "{}",
        incident.title.len()
    );
    assert!(
        incident.title.starts_with("disk full on every shard") && incident.title.ends_with('…')
    );
    assert!(incident.severity.len() <= rhyme_store::limits::MAX_NAME);
    let events = api.timeline(&id).await;
    assert!(
        events
            .iter()
            .all(|e| e.text.len() <= rhyme_store::limits::MAX_EVENT_TEXT)
    );
    assert!(events.iter().any(|e| e.text.ends_with('…')));
}
