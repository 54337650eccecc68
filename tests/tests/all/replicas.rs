//! Two `rhyme serve` replicas over one PostgreSQL, as behind a load balancer: each incident's
//! error-rate series reaches both at once, and the deploy-correlator (which proposes a rollback
//! only when it has not proposed one for that deploy yet) must propose once per incident. Two
//! plugin runs of one incident at once on two replicas would both read "not proposed yet".

use rhyme_tests::server::{Backend, Server, unique};

use crate::deploy_correlator::{incident_with_deploy, install, post_error_rate, proposals};

/// Incidents raced: one race can be lost by luck, six in a row hardly.
const INCIDENTS: usize = 6;

#[test]
fn two_replicas_run_one_incidents_plugin_jobs_one_at_a_time() {
    let Some(url) = std::env::var("RHYME_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("note: RHYME_TEST_DATABASE_URL is not set; replicas need PostgreSQL, skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let replica = |name: &str| Backend {
        data: dir.path().join(name),
        database_url: Some(url.clone()),
    };
    let (a, b) = (replica("a"), replica("b"));
    install(&a, dir.path());
    install(&b, dir.path());
    let responder = a.token("responder", &unique("resp"));
    let reviewer = a.token("reviewer", &unique("rev"));
    let (one, two) = (Server::start(&a, &[]), Server::start(&b, &[]));

    let incidents: Vec<String> = (0..INCIDENTS)
        .map(|_| incident_with_deploy(&one, &responder, 20))
        .collect();
    for incident in &incidents {
        std::thread::scope(|s| {
            s.spawn(|| post_error_rate(&one, &responder, incident, 35));
            s.spawn(|| post_error_rate(&two, &responder, incident, 36));
        });
    }
    one.wait_for("every series call on both replicas", || {
        let calls =
            |server: &Server| server.plugin_calls("deploy-correlator", "metric-series", None);
        (calls(&one) + calls(&two) == 2 * INCIDENTS).then_some(())
    });
    for incident in &incidents {
        let pending = proposals(&one, &reviewer, incident);
        assert_eq!(
            pending.len(),
            1,
            "one rollback proposal for incident {incident}, not one per replica: {pending:#?}"
        );
    }
}
