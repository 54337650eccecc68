//! A second check of generalisation: sentences and action items written for this crate,
//! labelled by the data folder's rules before the lint was run on them, in wordings the
//! labelled set does not use. The figures print with `--nocapture`; the floors sit a little
//! under what the lint reaches.

use review_lint::{action_item, blame};

/// (sentence, blame?) in the README's sense: does it put the cause on a person's failing?
const SENTENCES: &[(&str, bool)] = &[
    ("The on-call didn't check the dashboard before declaring the incident resolved.", true),
    ("Priya forgot to renew the TLS certificate, so the API went dark.", true),
    ("Our DBA mistakenly ran the migration against production instead of staging.", true),
    ("The outage was caused by operator error during the failover.", true),
    ("If the release captain had waited for the canary, we would have caught the regression.", true),
    ("Had the SRE looked at the error budget, the deploy would have been paused.", true),
    ("Engineers need to be more careful when editing firewall rules.", true),
    ("The developer who wrote the retry loop was sloppy.", true),
    ("We failed to notice the replication lag for six hours.", true),
    ("Someone disabled the alert and never turned it back on.", true),
    ("The intern ran the cleanup script with the wrong account.", true),
    ("The operator should have confirmed the target cluster before pressing enter.", true),
    ("Root cause: a careless mistake in the DNS change.", true),
    ("The support team ignored the customer reports for two days.", true),
    ("Jamal skipped the pre-deploy checklist because he was in a hurry.", true),
    ("The network engineer misconfigured the BGP session, taking down the region.", true),
    ("This was a human mistake, plain and simple.", true),
    ("The incident commander panicked and rolled back the wrong service.", true),
    ("The engineer pushed the change without testing it in staging.", true),
    ("Nobody on the team bothered to read the vendor's deprecation notice.", true),
    ("The deploy pipeline failed to run the migration check because the step was marked optional.", false),
    ("The alert should have fired when the queue passed 10,000 messages, but its threshold was set per shard.", false),
    ("There was no human error involved; the scheduler double-booked the node.", false),
    ("We stopped writing \"the engineer forgot\" in reviews and now ask what the checklist was missing.", false),
    ("An engineer restarted the service at 14:02 as the runbook prescribed.", false),
    ("The load balancer mistakenly routed health checks to the drained pool.", false),
    ("The config file was accidentally truncated during the upload.", false),
    ("Nothing in the tooling prevented a single command from deleting every replica.", false),
    ("Our process let one person approve their own change.", false),
    ("The team could not see the error rate because the dashboard was broken.", false),
    ("The runbook should have mentioned that the cache needs warming.", false),
    ("The retry logic ignored the Retry-After header and hammered the upstream.", false),
    ("This is not about who made the change; it is about why the change was possible.", false),
    ("Automation failed to promote a healthy replica within the expected window.", false),
    ("A typo in the YAML went unnoticed because the linter does not check that field.", false),
    ("The on-call engineer was paged at 03:10 and joined the bridge within five minutes.", false),
    ("Human error is a symptom of deeper trouble in the system, not a cause.", false),
    ("The migration tool incorrectly assumed every table had a primary key.", false),
    ("Operators had no way to tell which region a command would hit.", false),
    ("Kubernetes evicted the pods because the node ran out of memory.", false),
];

/// (item, [owner, verb, outcome, ticket, deadline]).
const ITEMS: &[(&str, [bool; 5])] = &[
    ("Add a disk-usage alert at 85% on all database hosts.", [false, true, true, false, false]),
    ("Investigate why the cache hit rate dropped.", [false, false, false, false, false]),
    ("Owner: Mei Tanaka. Rotate the CI deploy token; INFRA-1402; due 2027-02-28.", [true, true, false, true, true]),
    ("@r.okafor will document the rollback procedure by 10 March 2027.", [true, true, false, false, true]),
    ("Improve our incident communication.", [false, false, false, false, false]),
    ("Platform team to enable pod disruption budgets for every stateful service (#912).", [false, true, false, true, false]),
    ("Reduce deploy time to under 10 minutes by Q2 2027.", [false, false, true, false, true]),
    ("Consider moving logs to cold storage after 30 days.", [false, false, true, false, false]),
    ("Write a postmortem template with a section for contributing factors.", [false, true, false, false, false]),
    (
        "Set max connections to 200 on the primary and verify no 5xx during the load test. Owner: Luis Ortega. DB-88. Due 2027-01-09.",
        [true, true, true, true, true],
    ),
    ("Look into flaky integration tests next sprint.", [false, false, false, false, false]),
    ("Schedule a game day for the payments failover before the end of Q3 2027.", [false, true, false, false, true]),
    ("Ensure on-call engineers get proper training.", [false, false, false, false, false]),
    ("Kenji Mori to disable the legacy cron job; done when no runs appear in the scheduler for 7 days.", [true, true, true, false, false]),
    ("Migrate the session store to Redis Cluster, tracked in https://tracker.example.org/issues/5531", [false, true, false, true, false]),
    ("Evaluate managed Kafka offerings and pick one by 2027-04-01.", [false, false, false, false, true]),
    ("Better runbooks for the search cluster.", [false, false, false, false, false]),
    ("Create an SLO dashboard showing p99 latency against the 400 ms target.", [false, true, true, false, false]),
    ("Discuss with Arjun whether to shard the users table.", [false, false, false, false, false]),
    ("Add a runbook link to every paging alert.", [false, true, false, false, false]),
];

#[test]
fn blame_holds_on_sentences_written_apart_from_the_data() {
    let mut counts = [0usize; 4]; // tp, fp, fn, tn
    for &(sentence, label) in SENTENCES {
        let found = blame::detect(sentence).is_some();
        counts[match (label, found) { (true, true) => 0, (false, true) => 1, (true, false) => 2, (false, false) => 3 }] += 1;
        if found != label {
            println!("  probe mismatch (label {label}): {sentence}");
        }
    }
    let [tp, fp, fn_, _] = counts;
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    println!("probes blame: n={} P={precision:.3} R={recall:.3} (tp {tp} fp {fp} fn {fn_})", SENTENCES.len());
    assert!(precision >= 0.90 && recall >= 0.80, "P={precision:.3} R={recall:.3}");
}

#[test]
fn action_items_hold_on_items_written_apart_from_the_data() {
    let mut correct = [0usize; 5];
    for &(item, label) in ITEMS {
        let c = action_item::check(item);
        let got = [c.owner, c.verb, c.outcome, c.ticket, c.deadline];
        for (k, name) in ["owner", "verb", "outcome", "ticket", "deadline"].iter().enumerate() {
            if got[k] == label[k] {
                correct[k] += 1;
            } else {
                println!("  probe mismatch {name} (label {}): {item}", label[k]);
            }
        }
    }
    let accuracy = correct.map(|c| c as f64 / ITEMS.len() as f64);
    println!("probes items: n={} owner/verb/outcome/ticket/deadline = {accuracy:.2?}", ITEMS.len());
    assert!(accuracy.iter().all(|&a| a >= 0.85), "{accuracy:?}");
}
