//! General knowledge of failure mechanisms: how write-ups name each mechanism, and how a
//! responder who has not found the cause yet describes what they see.
//!
//! This is what lets a symptom-only question ("name lookups come back empty since the
//! apply") meet a postmortem that names the mechanism ("DNS record deleted"). The entries are
//! written from general operations experience, one per mechanism, and cover common failure
//! families broadly; they name no company, product incident or query. Add entries for
//! mechanisms a team sees that are missing here; do not tune wording to a test set.

/// One failure mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mechanism {
    /// Short, stable name, shown in explanations ("mechanism: dns").
    pub name: &'static str,
    /// Words postmortems use for the mechanism and its parts.
    pub terms: &'static str,
    /// What a responder typically observes, in plain words.
    pub symptoms: &'static str,
}

impl Mechanism {
    /// Text embedded to recognise the mechanism in a postmortem.
    pub fn description(&self) -> String {
        format!(
            "{}: {}. {}",
            self.name.replace('-', " "),
            self.terms,
            self.symptoms
        )
    }
}

/// The catalogue, in no particular order.
pub const MECHANISMS: &[Mechanism] = &[
    Mechanism {
        name: "certificate-expiry",
        terms: "certificate expired expiration tls ssl x509 cert renewal chain root intermediate signing key validity",
        symptoms: "handshake errors, clients refuse to connect, trust failure, everything stopped at a fixed time such as midnight, nothing was deployed, signature invalid",
    },
    Mechanism {
        name: "dns",
        terms: "dns resolver nameserver record zone domain registrar ttl resolution nxdomain route53",
        symptoms: "name lookups fail or come back empty, hosts cannot be found, cannot resolve the address, some clients reach us and others do not",
    },
    Mechanism {
        name: "bgp-routing",
        terms: "bgp route withdrawal announcement peering prefix upstream transit provider backbone router asn",
        symptoms: "unreachable from the internet or from some carriers, peering sessions down, whole network disappeared from outside, internal tools also unreachable",
    },
    Mechanism {
        name: "firewall-acl",
        terms: "firewall iptables acl security group rule blocked port traffic filtering",
        symptoms: "connections dropped or refused from outside while local checks pass, only some source addresses get through, after tightening network rules",
    },
    Mechanism {
        name: "load-balancer",
        terms: "load balancer haproxy nginx proxy frontend backend pool 502 503 health check routing rule",
        symptoms: "bad gateway or service unavailable pages, front door errors, requests sent to the wrong or dead backends",
    },
    Mechanism {
        name: "health-check",
        terms: "health check timeout probe failing removed from rotation flapping liveness readiness",
        symptoms: "healthy but slow servers keep being pulled out, instances restarted in a loop, capacity shrinks under load",
    },
    Mechanism {
        name: "global-config-push",
        terms: "configuration change pushed globally rule propagated fleet wide edge network bad config file generated",
        symptoms: "every node everywhere failed within the same minute, crash or reboot loop across all locations right after a settings or rule update",
    },
    Mechanism {
        name: "feature-flag",
        terms: "feature flag toggle rollout enabled release switch dark launch",
        symptoms: "problems started right after turning something on for all users at once, extra load or errors from a new feature",
    },
    Mechanism {
        name: "bad-deploy",
        terms: "deploy deployment release rollback regression bug new version build code change",
        symptoms: "errors or crashes right after a release, reverting fixes it, broken links or wrong behaviour after shipping",
    },
    Mechanism {
        name: "partial-deploy-version-mix",
        terms: "partial deployment version mismatch old code servers not updated inconsistent fleet repurposed flag",
        symptoms: "some servers behave differently, one host still runs the old build, mixed behaviour across the fleet",
    },
    Mechanism {
        name: "missing-config",
        terms: "environment variable configuration missing secret setting not propagated config management",
        symptoms: "app fails at startup because a setting is missing or wrong in one environment",
    },
    Mechanism {
        name: "credential-rotation",
        terms: "credential rotation password key secret token rotated revoked expired authentication",
        symptoms: "access denied or login failures after changing secrets, some hosts accept and others reject, automation cannot log in",
    },
    Mechanism {
        name: "db-failover-replication",
        terms: "database failover replication replica primary master promotion split brain lag orchestrator consistency",
        symptoms: "writes lost or conflicting after a network blip, stale data served, rows only exist on one side, reads behind writes",
    },
    Mechanism {
        name: "db-migration-locking",
        terms: "database migration schema change alter table index lock query plan",
        symptoms: "database stalls or locks up after a schema change, queries time out, tables unavailable",
    },
    Mechanism {
        name: "manual-db-operation",
        terms: "manual operation operator ran command production database typo deleted wrong table human error",
        symptoms: "someone ran a hand-written command on the live system and things broke or data vanished",
    },
    Mechanism {
        name: "db-capacity",
        terms: "database capacity instance size cpu connections pool exhaustion overload downgrade slow queries",
        symptoms: "everything slow and timing out at peak, too many connections, pool exhausted, database at full cpu",
    },
    Mechanism {
        name: "disk-full",
        terms: "disk full storage space exhausted volume log growth inode quota",
        symptoms: "writes fail, no space left, services crash when logs or data fill the volume",
    },
    Mechanism {
        name: "memory-leak",
        terms: "memory leak oom out of memory garbage collection heap exhaustion killed",
        symptoms: "memory climbs steadily until the process is killed, periodic crashes and restarts, slow degradation over days",
    },
    Mechanism {
        name: "cpu-regex",
        terms: "regular expression regex backtracking cpu exhaustion pathological input",
        symptoms: "cpu pinned at 100 percent on one kind of request, servers go unhealthy one after another on specific input",
    },
    Mechanism {
        name: "integer-overflow-limits",
        terms: "integer overflow limit maximum id column 32-bit counter exceeded hard limit",
        symptoms: "everything failed at the same moment without a deploy when a counter or table crossed a round size, numeric range errors",
    },
    Mechanism {
        name: "time-leap-dst",
        terms: "leap second clock time zone daylight saving dst date calendar year ntp timestamp",
        symptoms: "failures at midnight, new year, or when the clocks changed, jobs run twice, timestamps off by hours, cpu spin in the kernel",
    },
    Mechanism {
        name: "cache-stampede",
        terms: "cache invalidation stampede thundering herd cold cache memcached flush miss",
        symptoms: "backend overwhelmed after the cache emptied, every request hits the database at once",
    },
    Mechanism {
        name: "retry-storm-cascade",
        terms: "cascading failure retry storm backoff overload dependency timeouts feedback loop",
        symptoms: "one failing service drags down the others, callers hammer a struggling backend, errors spread from service to service",
    },
    Mechanism {
        name: "traffic-spike",
        terms: "traffic spike load surge capacity scaling launch peak demand concurrency",
        symptoms: "far more users than usual after an announcement or event, everything slows down then falls over",
    },
    Mechanism {
        name: "rate-limit-quota",
        terms: "rate limit quota throttling api limit exceeded allowance",
        symptoms: "requests rejected as over the limit, too many requests errors, limits hit unexpectedly",
    },
    Mechanism {
        name: "queue-backlog",
        terms: "queue backlog message broker kafka rabbitmq consumer lag bus",
        symptoms: "jobs pile up and are processed late, producers block or time out, events delayed by hours",
    },
    Mechanism {
        name: "power-datacenter",
        terms: "power outage datacenter generator ups utility cooling electrical failure facility",
        symptoms: "a whole zone or facility went dark during a storm, many instances and volumes dropped at once and some will not come back",
    },
    Mechanism {
        name: "hardware-failure",
        terms: "hardware failure disk drive raid controller nic memory module server failure firmware",
        symptoms: "one machine keeps erroring, io errors, corrupted reads, a node disappears",
    },
    Mechanism {
        name: "network-partition",
        terms: "network partition connectivity loss link failure packet loss split",
        symptoms: "regions cannot talk to each other, intermittent timeouts, packet loss between sites",
    },
    Mechanism {
        name: "network-device-bug",
        terms: "switch router firmware bug network device upgrade software defect",
        symptoms: "the network froze or dropped traffic after maintenance or an upgrade on network gear, links go down on a specific traffic pattern",
    },
    Mechanism {
        name: "cloud-provider-outage",
        terms: "aws ec2 ebs s3 region availability zone cloud provider outage service event",
        symptoms: "many unrelated services in one region failing at once, provider status page shows problems",
    },
    Mechanism {
        name: "third-party-dependency",
        terms: "third party vendor dependency external service provider upstream outage",
        symptoms: "our service broke because a provider we depend on failed, nothing changed on our side",
    },
    Mechanism {
        name: "supply-chain",
        terms: "malicious package dependency compromise npm maven pypi typosquatting impersonation supply chain",
        symptoms: "a library update does something harmful, a package that looks like a popular one belongs to someone else",
    },
    Mechanism {
        name: "security-breach",
        terms: "security breach compromise unauthorized access attacker credentials leaked vulnerability exploit",
        symptoms: "someone outside got in, suspicious access, customer data exposed, keys found in public",
    },
    Mechanism {
        name: "public-data-exposure",
        terms: "public bucket s3 permissions acl exposed data leak misconfigured access",
        symptoms: "private files or backups can be read without logging in, outsiders can list or download our data",
    },
    Mechanism {
        name: "data-loss-backup",
        terms: "data loss backup restore deleted replication corruption recovery",
        symptoms: "data gone after an operation, backups did not work, restoring takes hours",
    },
    Mechanism {
        name: "data-corruption-bad-push",
        terms: "bad data corrupt data file push update invalid input pipeline",
        symptoms: "wrong results everywhere right after a periodic data update, every item flagged or mislabelled",
    },
    Mechanism {
        name: "automation-cleanup",
        terms: "automation script cleanup deleted resources tool removed decommission garbage collection",
        symptoms: "resources we still need disappeared overnight, an automated job removed live things",
    },
    Mechanism {
        name: "monitoring-gap",
        terms: "monitoring alerting detection telemetry missing alert blind",
        symptoms: "nobody was alerted, customers noticed first, dashboards stayed green during the outage",
    },
    Mechanism {
        name: "race-condition",
        terms: "race condition concurrency lock deadlock ordering conflict simultaneous",
        symptoms: "rare intermittent failures under load, two things happening at the same time corrupt state, hangs",
    },
    Mechanism {
        name: "kernel-os-bug",
        terms: "kernel operating system bug driver patch os update panic",
        symptoms: "hosts hang or panic, machines crash after an os update or at a specific moment",
    },
    Mechanism {
        name: "in-memory-store",
        terms: "redis memcached in-memory cache store primary failover migrated",
        symptoms: "timeouts talking to the cache or session store, its primary node failed over or restarted",
    },
    Mechanism {
        name: "orchestration-control-plane",
        terms: "kubernetes control plane api server etcd scheduler admission webhook cluster",
        symptoms: "cluster api requests hang or time out, pods not scheduled, deployments stuck",
    },
    Mechanism {
        name: "service-discovery-coordination",
        terms: "service discovery consul zookeeper etcd coordination leader election quorum",
        symptoms: "services cannot find each other, coordination cluster unhealthy, writes slow, leader flapping",
    },
    Mechanism {
        name: "cdn-cache-config",
        terms: "cdn edge cache varnish vcl caching headers purge",
        symptoms: "wrong content served from the edge, downloads break, private pages cached",
    },
    Mechanism {
        name: "data-leak-memory-bug",
        terms: "memory disclosure buffer overrun parser bug leaked data uninitialized memory",
        symptoms: "other users' data or secrets appear in responses, caches hold private data from other customers",
    },
    Mechanism {
        name: "embedded-realtime",
        terms: "embedded real-time priority inversion watchdog task scheduler firmware spacecraft",
        symptoms: "device keeps resetting because of the watchdog, a task starves waiting on a lock",
    },
    Mechanism {
        name: "sharding-placement",
        terms: "shard placement partition hot spot rebalancing uneven distribution cell",
        symptoms: "a few hosts overloaded while others idle, hot keys, one partition takes all the traffic",
    },
    Mechanism {
        name: "storage-system",
        terms: "storage system object store volume replication rebalancing metadata",
        symptoms: "reads and writes to storage fail or are slow, metadata unreachable, volumes stuck",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_entries_complete() {
        let mut names: Vec<&str> = MECHANISMS.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MECHANISMS.len());
        assert!(
            MECHANISMS
                .iter()
                .all(|m| !m.terms.is_empty() && !m.symptoms.is_empty())
        );
    }
}
