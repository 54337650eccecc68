//! A second check of generalisation: sentences and action items written for this crate,
//! labelled by the data folder's rules before the lint was run on them, in wordings the
//! labelled set does not use. The figures print with `--nocapture`; the floors sit a little
//! under what the lint reaches.

use review_lint::{action_item, blame};

/// (sentence, blame?) in the README's sense: does it put the cause on a person's failing?
const SENTENCES: &[(&str, bool)] = &[
    (
        "The on-call didn't check the dashboard before declaring the incident resolved.",
        true,
    ),
    (
        "Priya forgot to renew the TLS certificate, so the API went dark.",
        true,
    ),
    (
        "Our DBA mistakenly ran the migration against production instead of staging.",
        true,
    ),
    (
        "The outage was caused by operator error during the failover.",
        true,
    ),
    (
        "If the release captain had waited for the canary, we would have caught the regression.",
        true,
    ),
    (
        "Had the SRE looked at the error budget, the deploy would have been paused.",
        true,
    ),
    (
        "Engineers need to be more careful when editing firewall rules.",
        true,
    ),
    ("The developer who wrote the retry loop was sloppy.", true),
    (
        "We failed to notice the replication lag for six hours.",
        true,
    ),
    (
        "Someone disabled the alert and never turned it back on.",
        true,
    ),
    (
        "The intern ran the cleanup script with the wrong account.",
        true,
    ),
    (
        "The operator should have confirmed the target cluster before pressing enter.",
        true,
    ),
    ("Root cause: a careless mistake in the DNS change.", true),
    (
        "The support team ignored the customer reports for two days.",
        true,
    ),
    (
        "Jamal skipped the pre-deploy checklist because he was in a hurry.",
        true,
    ),
    (
        "The network engineer misconfigured the BGP session, taking down the region.",
        true,
    ),
    ("This was a human mistake, plain and simple.", true),
    (
        "The incident commander panicked and rolled back the wrong service.",
        true,
    ),
    (
        "The engineer pushed the change without testing it in staging.",
        true,
    ),
    (
        "Nobody on the team bothered to read the vendor's deprecation notice.",
        true,
    ),
    (
        "The deploy pipeline failed to run the migration check because the step was marked optional.",
        false,
    ),
    (
        "The alert should have fired when the queue passed 10,000 messages, but its threshold was set per shard.",
        false,
    ),
    (
        "There was no human error involved; the scheduler double-booked the node.",
        false,
    ),
    (
        "We stopped writing \"the engineer forgot\" in reviews and now ask what the checklist was missing.",
        false,
    ),
    (
        "An engineer restarted the service at 14:02 as the runbook prescribed.",
        false,
    ),
    (
        "The load balancer mistakenly routed health checks to the drained pool.",
        false,
    ),
    (
        "The config file was accidentally truncated during the upload.",
        false,
    ),
    (
        "Nothing in the tooling prevented a single command from deleting every replica.",
        false,
    ),
    (
        "Our process let one person approve their own change.",
        false,
    ),
    (
        "The team could not see the error rate because the dashboard was broken.",
        false,
    ),
    (
        "The runbook should have mentioned that the cache needs warming.",
        false,
    ),
    (
        "The retry logic ignored the Retry-After header and hammered the upstream.",
        false,
    ),
    (
        "This is not about who made the change; it is about why the change was possible.",
        false,
    ),
    (
        "Automation failed to promote a healthy replica within the expected window.",
        false,
    ),
    (
        "A typo in the YAML went unnoticed because the linter does not check that field.",
        false,
    ),
    (
        "The on-call engineer was paged at 03:10 and joined the bridge within five minutes.",
        false,
    ),
    (
        "Human error is a symptom of deeper trouble in the system, not a cause.",
        false,
    ),
    (
        "The migration tool incorrectly assumed every table had a primary key.",
        false,
    ),
    (
        "Operators had no way to tell which region a command would hit.",
        false,
    ),
    (
        "Kubernetes evicted the pods because the node ran out of memory.",
        false,
    ),
];

/// A second round, written after the first had been used to fix two bugs, and run once.
const SENTENCES_ROUND_2: &[(&str, bool)] = &[
    (
        "Honestly the root cause here is that Alex didn't read the migration guide.",
        true,
    ),
    ("QA signed off without running the regression suite.", true),
    (
        "The vendor's engineer overlooked the expired certificate during the visit.",
        true,
    ),
    ("We should have caught this in code review.", true),
    (
        "The responders were slow to react and the outage dragged on.",
        true,
    ),
    (
        "A careless rm -rf by one of the admins wiped the build cache.",
        true,
    ),
    ("The root cause was an engineer's mistake.", true),
    ("Mistakes were made by the deploy team.", true),
    ("The DBA neglected to enable point-in-time recovery.", true),
    (
        "Our developers keep forgetting to update the schema docs.",
        true,
    ),
    ("It boils down to operator negligence.", true),
    (
        "The reviewer rubber-stamped the pull request without looking at the tests.",
        true,
    ),
    (
        "If only someone had checked the backups, we would not have lost a day of data.",
        true,
    ),
    ("The engineer on call slept through the page.", true),
    (
        "Staff must remember to double-check the target environment.",
        true,
    ),
    (
        "The page went to an engineer whose phone was on silent because the rota had not been updated.",
        false,
    ),
    (
        "Should the primary fail, the replica should have taken over within seconds.",
        false,
    ),
    (
        "The on-call followed the escalation policy and paged the storage team at 02:40.",
        false,
    ),
    ("Our runbook forgot to mention the flag.", false),
    (
        "We have added a guard so that a mistyped region can no longer reach production.",
        false,
    ),
    (
        "The team was unaware that the library changed its default timeout.",
        false,
    ),
    (
        "The deploy tool did not check for pending migrations.",
        false,
    ),
    (
        "Blaming the operator would miss the point: the UI put delete next to refresh.",
        false,
    ),
    (
        "The backup job never ran because its cron entry was commented out.",
        false,
    ),
    (
        "An engineer accidentally discovered the leak while profiling another service.",
        false,
    ),
    (
        "The script should not have been able to delete a production database.",
        false,
    ),
    (
        "Alerts were ignored for hours because they fired dozens of times a day.",
        false,
    ),
    ("We failed over to the secondary region at 04:12.", false),
    (
        "The customer mistakenly believed the outage was on their side.",
        false,
    ),
    (
        "Nobody was at fault; the alert routing sent the page to a retired rota.",
        false,
    ),
];

/// A third round, written after the second had been used for fixes; its first run is the
/// figure to trust for unseen wording. Not tuned on.
const SENTENCES_ROUND_3: &[(&str, bool)] = &[
    (
        "Root cause: the deploying engineer did not verify the config diff before rollout.",
        true,
    ),
    (
        "The on-call engineer misread the graph and scaled the wrong cluster.",
        true,
    ),
    (
        "Unfortunately, the operator chose to ignore the low-disk warning.",
        true,
    ),
    ("We were sloppy with the release checklist this time.", true),
    ("The SRE on shift should've rolled back immediately.", true),
    (
        "The migration was run by hand, and the engineer running it skipped step 3.",
        true,
    ),
    (
        "The support engineers failed to recognise the phishing email.",
        true,
    ),
    (
        "An engineer inadvertently pushed debug logging to all production hosts.",
        true,
    ),
    (
        "Carelessness during the cutover left the old DNS records in place.",
        true,
    ),
    (
        "If the developers had written a test for leap years, this would have been caught.",
        true,
    ),
    (
        "Had anyone looked at the queue depth, the backlog would have been obvious.",
        true,
    ),
    (
        "The team needs to be more disciplined about reviewing alerts.",
        true,
    ),
    (
        "Operators mistakenly believed the failover was complete because the dashboard showed green.",
        true,
    ),
    (
        "The deployment controller failed to roll back because the health endpoint returned 200 during the crash loop.",
        false,
    ),
    (
        "An engineer noticed the error spike at 10:14 and opened an incident.",
        false,
    ),
    (
        "The certificate should have been renewed by the automation, but the renewal job had been disabled during the migration.",
        false,
    ),
    (
        "A misconfigured retry policy caused every client to hammer the auth service.",
        false,
    ),
    (
        "There is no evidence of human error; the firmware bug reproduces on a fresh install.",
        false,
    ),
    (
        "The engineer who wrote the original script left the company in 2021.",
        false,
    ),
    (
        "The on-call did not get paged because the integration key had expired.",
        false,
    ),
    (
        "Responders could not reach the database because the bastion host was down.",
        false,
    ),
    (
        "We chose to fail over rather than wait for the primary to recover.",
        false,
    ),
    (
        "Our checklist has no step for verifying the target region.",
        false,
    ),
    (
        "The cache layer accidentally served stale data for 20 minutes.",
        false,
    ),
    (
        "This isn't a case of someone being careless; the prompt looked identical for both environments.",
        false,
    ),
    (
        "A junior engineer was left alone on call with no escalation path.",
        false,
    ),
];

/// (item, [owner, verb, outcome, ticket, deadline]).
const ITEMS: &[(&str, [bool; 5])] = &[
    (
        "Add a disk-usage alert at 85% on all database hosts.",
        [false, true, true, false, false],
    ),
    (
        "Investigate why the cache hit rate dropped.",
        [false, false, false, false, false],
    ),
    (
        "Owner: Mei Tanaka. Rotate the CI deploy token; INFRA-1402; due 2027-02-28.",
        [true, true, false, true, true],
    ),
    (
        "@r.okafor will document the rollback procedure by 10 March 2027.",
        [true, true, false, false, true],
    ),
    (
        "Improve our incident communication.",
        [false, false, false, false, false],
    ),
    (
        "Platform team to enable pod disruption budgets for every stateful service (#912).",
        [false, true, false, true, false],
    ),
    (
        "Reduce deploy time to under 10 minutes by Q2 2027.",
        [false, false, true, false, true],
    ),
    (
        "Consider moving logs to cold storage after 30 days.",
        [false, false, true, false, false],
    ),
    (
        "Write a postmortem template with a section for contributing factors.",
        [false, true, false, false, false],
    ),
    (
        "Set max connections to 200 on the primary and verify no 5xx during the load test. Owner: Luis Ortega. DB-88. Due 2027-01-09.",
        [true, true, true, true, true],
    ),
    (
        "Look into flaky integration tests next sprint.",
        [false, false, false, false, false],
    ),
    (
        "Schedule a game day for the payments failover before the end of Q3 2027.",
        [false, true, false, false, true],
    ),
    (
        "Ensure on-call engineers get proper training.",
        [false, false, false, false, false],
    ),
    (
        "Kenji Mori to disable the legacy cron job; done when no runs appear in the scheduler for 7 days.",
        [true, true, true, false, false],
    ),
    (
        "Migrate the session store to Redis Cluster, tracked in https://tracker.example.org/issues/5531",
        [false, true, false, true, false],
    ),
    (
        "Evaluate managed Kafka offerings and pick one by 2027-04-01.",
        [false, false, false, false, true],
    ),
    (
        "Better runbooks for the search cluster.",
        [false, false, false, false, false],
    ),
    (
        "Create an SLO dashboard showing p99 latency against the 400 ms target.",
        [false, true, true, false, false],
    ),
    (
        "Discuss with Arjun whether to shard the users table.",
        [false, false, false, false, false],
    ),
    (
        "Add a runbook link to every paging alert.",
        [false, true, false, false, false],
    ),
];

const ITEMS_ROUND_2: &[(&str, [bool; 5])] = &[
    (
        "Sam Patel: add retries with jitter to the billing client (PAY-301), by 2027-05-01.",
        [true, true, false, true, true],
    ),
    (
        "Review all IAM roles for least privilege.",
        [false, false, false, false, false],
    ),
    (
        "Document how to fail over the queue, and make sure the doc is reviewed by two SREs.",
        [false, true, true, false, false],
    ),
    (
        "Raise the JVM heap to 4 GB on the indexer nodes.",
        [false, true, true, false, false],
    ),
    (
        "We will try to reduce alert noise.",
        [false, false, false, false, false],
    ),
    (
        "Automate certificate renewal with cert-manager before the March 2027 expiry.",
        [false, true, false, false, true],
    ),
    (
        "Add a dashboard panel for consumer lag. Tracked as #77.",
        [false, true, false, true, false],
    ),
    (
        "Owner: Ops team. Rotate credentials quarterly.",
        [false, true, false, false, false],
    ),
    (
        "Explore chaos testing for the checkout flow in 2027.",
        [false, false, false, false, false],
    ),
    (
        "Replace the hand-written DNS zone with Terraform; verify with a plan that shows no changes.",
        [false, true, true, false, false],
    ),
    (
        "Nadia Costa will look into the flaky canary.",
        [true, false, false, false, false],
    ),
    (
        "Page the secondary on-call if the primary does not acknowledge within 5 minutes.",
        [false, true, true, false, false],
    ),
    (
        "Fix the off-by-one in the retention job by end of week.",
        [false, true, false, false, false],
    ),
    (
        "Migrate to the new cluster; see https://wiki.example.com/migration-plan.",
        [false, true, false, false, false],
    ),
    (
        "Tighten alert thresholds.",
        [false, false, false, false, false],
    ),
];

const ITEMS_ROUND_3: &[(&str, [bool; 5])] = &[
    (
        "Owner: Priya Nair — add a pre-deploy check that blocks config pushes to prod without a diff review; INFRA-2231; 2027-06-30.",
        [true, true, false, true, true],
    ),
    (
        "Make alerts less noisy.",
        [false, false, false, false, false],
    ),
    (
        "Introduce a two-person rule for production database deletes.",
        [false, true, false, false, false],
    ),
    (
        "Set the connection pool to 50 and confirm error rate < 1% in staging.",
        [false, true, true, false, false],
    ),
    (
        "Look at adopting feature flags for risky migrations (see #455).",
        [false, false, false, true, false],
    ),
    (
        "Train all on-call engineers on the new failover runbook by 31 July 2027.",
        [false, true, false, false, true],
    ),
    (
        "@marco.b to schedule a review of alert routing by Sept 2027.",
        [true, true, false, false, true],
    ),
    (
        "Ensure that logs are retained for 90 days.",
        [false, false, true, false, false],
    ),
    (
        "Disable SSH password authentication on all bastions; verified when the audit script reports 0 hosts with it enabled.",
        [false, true, true, false, false],
    ),
    (
        "Think about how to reduce toil for the on-call.",
        [false, false, false, false, false],
    ),
    (
        "Upgrade the ingress controller (PLAT-88).",
        [false, true, false, true, false],
    ),
    (
        "Kira Holm owns the follow-up: migrate secrets to Vault.",
        [true, true, false, false, false],
    ),
];

/// Precision and recall of the detector on labelled sentences, printing each mismatch.
fn blame_figures(name: &str, sentences: &[(&str, bool)]) -> (f64, f64) {
    let mut counts = [0usize; 4]; // tp, fp, fn, tn
    for &(sentence, label) in sentences {
        let found = blame::detect(sentence).is_some();
        counts[match (label, found) {
            (true, true) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
        }] += 1;
        if found != label {
            println!("  probe mismatch (label {label}): {sentence}");
        }
    }
    let [tp, fp, fn_, _] = counts;
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    println!(
        "{name} blame: n={} P={precision:.3} R={recall:.3} (tp {tp} fp {fp} fn {fn_})",
        sentences.len()
    );
    (precision, recall)
}

/// Accuracy per element on labelled items, printing each mismatch.
fn element_figures(name: &str, items: &[(&str, [bool; 5])]) -> [f64; 5] {
    let mut correct = [0usize; 5];
    for &(item, label) in items {
        let c = action_item::check(item);
        let got = [c.owner, c.verb, c.outcome, c.ticket, c.deadline];
        for (k, name) in ["owner", "verb", "outcome", "ticket", "deadline"]
            .iter()
            .enumerate()
        {
            if got[k] == label[k] {
                correct[k] += 1;
            } else {
                println!("  probe mismatch {name} (label {}): {item}", label[k]);
            }
        }
    }
    let accuracy = correct.map(|c| c as f64 / items.len() as f64);
    println!(
        "{name} items: n={} owner/verb/outcome/ticket/deadline = {accuracy:.2?}",
        items.len()
    );
    accuracy
}

#[test]
fn blame_holds_on_sentences_written_apart_from_the_data() {
    let (p1, r1) = blame_figures("round 1", SENTENCES);
    let (p2, r2) = blame_figures("round 2", SENTENCES_ROUND_2);
    assert!(p1 >= 0.90 && r1 >= 0.85, "round 1: P={p1:.3} R={r1:.3}");
    assert!(p2 >= 0.90 && r2 >= 0.90, "round 2: P={p2:.3} R={r2:.3}");
}

#[test]
fn action_items_hold_on_items_written_apart_from_the_data() {
    let round_1 = element_figures("round 1", ITEMS);
    let round_2 = element_figures("round 2", ITEMS_ROUND_2);
    assert!(round_1.iter().all(|&a| a >= 0.90), "{round_1:?}");
    assert!(round_2.iter().all(|&a| a >= 0.80), "{round_2:?}");
}

#[test]
fn figures_on_the_third_round_written_after_all_tuning() {
    let (precision, recall) = blame_figures("round 3", SENTENCES_ROUND_3);
    let accuracy = element_figures("round 3", ITEMS_ROUND_3);
    // First run: P 0.917, R 0.846, every element 1.00. Later changes: the "should've"
    // contraction, and generic precision fixes found on unlabelled corpus text (P 0.923,
    // R 0.923 now). The floors sit under the first run.
    assert!(
        precision >= 0.85 && recall >= 0.80,
        "P={precision:.3} R={recall:.3}"
    );
    assert!(accuracy.iter().all(|&a| a >= 0.90), "{accuracy:?}");
}
