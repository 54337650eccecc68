//! Word classes the blame rules lean on: who can be blamed, what cannot, and which acts only a
//! person performs.
//!
//! The lists describe the domain (roles in an incident response, parts of a software system),
//! not any evaluation set. Plural and inflected forms are matched through [`has_lemma`].

pub use crate::lemma::has_lemma;

/// Nouns for people, roles and teams: a slip attached to one of these is a person's failing.
pub const PERSON_NOUNS: &[&str] = &[
    "engineer", "operator", "developer", "dev", "technician", "admin", "administrator", "sre",
    "dba", "person", "people", "someone", "somebody", "staff", "staffer", "employee",
    "personnel", "contractor", "author", "reviewer", "approver", "manager", "lead", "on-call",
    "oncall", "on-caller", "responder", "commander", "ic", "member", "team", "colleague",
    "analyst", "intern", "architect", "captain", "ops", "tester", "trainee", "coder", "programmer",
    "we", "i", "he", "she", "who", "human", "individual", "newcomer",
];

/// Two-word roles whose second word alone would read as software (`agent`, `desk`).
pub const PERSON_BIGRAMS: &[(&str, &str)] = &[
    ("support", "agent"),
    ("service", "agent"),
    ("customer", "agent"),
    ("help", "desk"),
    ("service", "desk"),
];

/// Words for no one at all: "nobody could have seen it" blames no one.
pub const NO_ONE: &[&str] = &["nobody", "none", "no-one", "noone", "anyone", "everyone", "everybody"];

/// Heads of noun phrases that name a system, an artefact, a process or an organisation: when
/// one of these is the subject, "failed to" or "should have" describes the system.
pub const SYSTEM_NOUNS: &[&str] = &[
    "system", "automation", "script", "job", "cron", "cronjob", "alert", "alarm", "monitoring",
    "monitor", "tool", "tooling", "process", "pipeline", "code", "config", "configuration",
    "misconfiguration", "change", "deploy", "deployment", "release", "rule", "flag", "bug",
    "query", "parser", "validator", "service", "server", "database", "db", "cluster", "node",
    "proxy", "mechanism", "policy", "runbook", "document", "documentation", "doc", "changelog",
    "schema", "api", "controller", "scheduler", "balancer", "network", "switch", "router",
    "feature", "update", "upgrade", "migration", "patch", "commit", "test", "check", "ci",
    "workflow", "procedure", "organisation", "organization", "company", "business", "setup",
    "design", "architecture", "default", "software", "hardware", "component", "dependency",
    "library", "platform", "infrastructure", "bot", "agent", "daemon", "worker", "instance",
    "namespace", "version", "model", "algorithm", "logic", "attempt", "operation", "request",
    "queue", "cache", "disk", "device", "host", "pod", "container", "application", "app",
    "program", "function", "handler", "endpoint", "loop", "timeout", "limit", "threshold",
    "integration", "provider", "vendor", "backup", "replica", "table", "index", "field",
    "variable", "parameter", "value", "setting", "template", "file", "command", "input",
    "traffic", "load", "failover", "rollout", "guardrail", "safeguard", "page", "pager",
    "paging", "dashboard", "log", "metric", "probe", "sensor", "pump", "firmware", "kernel",
    "compiler", "framework", "registry", "repository", "repo", "branch", "environment",
];

/// Prepositions: a noun right after one is an object, never the doer.
pub const PREPOSITIONS: &[&str] = &[
    "of", "for", "to", "from", "by", "with", "in", "on", "at", "into", "onto", "about", "via",
    "through", "under", "over", "behind", "between", "across", "against", "toward", "towards",
    "per", "without", "within", "than", "like",
];

/// Capitalised words that start sentences and are never a person's name.
pub const NOT_NAMES: &[&str] = &[
    "the", "this", "that", "these", "those", "it", "its", "we", "our", "a", "an", "if", "when",
    "while", "during", "after", "before", "because", "since", "as", "at", "on", "in", "for",
    "to", "had", "human", "root", "status", "unfortunately", "however", "then", "there", "they",
    "some", "all", "no", "not", "one", "each", "every", "once", "also", "so", "but", "and",
    "or", "what", "why", "how", "which", "who", "where", "here", "later", "today", "yesterday",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "nobody",
    "someone", "somebody", "instead", "although", "though", "meanwhile", "finally", "initially",
    "first", "second", "next", "last", "update", "impact", "summary", "resolution", "cause",
];

/// Words that mark the token before them as a verb's subject: auxiliaries and modals.
pub const AUXILIARIES: &[&str] = &[
    "was", "were", "is", "are", "had", "has", "have", "did", "didn't", "does", "doesn't", "do",
    "don't", "should", "shouldn't", "could", "couldn't", "would", "wouldn't", "will", "won't",
    "never", "hadn't", "hasn't", "haven't", "wasn't", "weren't", "must", "might", "may",
    "can", "can't", "cannot", "kept", "keeps", "still", "just", "then", "also", "clearly",
    "simply", "again",
];

/// Common irregular past tenses, for "Marek ran ..." and "someone wrote ...".
pub const IRREGULAR_PAST: &[&str] = &[
    "ran", "made", "wrote", "took", "left", "forgot", "broke", "set", "put", "hit", "lost",
    "sent", "went", "brought", "kept", "let", "told", "thought", "knew", "saw", "did", "gave",
    "got", "cut", "shut", "began", "chose", "drove", "held", "led", "overrode", "overwrote",
    "rewrote", "threw", "understood", "misread", "mistook", "undid", "built", "rebuilt", "read",
];

/// Gerunds of work only people do: "while troubleshooting, accidentally pushed ..." has a
/// person as its implied doer even though none is named.
pub const HUMAN_ACTIVITIES: &[&str] = &[
    "troubleshooting", "debugging", "investigating", "responding", "firefighting",
    "diagnosing", "triaging",
];

/// Acts of attention or diligence: when a sentence says someone did not do, or should have
/// done, one of these, it judges that person.
pub const ATTENTIVE_ACTS: &[&str] = &[
    "check", "double-check", "verify", "read", "notice", "follow", "test", "review", "escalate",
    "ask", "tell", "inform", "notify", "communicate", "confirm", "validate", "update", "act",
    "respond", "look", "wait", "consult", "understand", "realise", "realize", "copy",
    "transmit", "pay", "bother", "think", "consider", "catch", "spot", "report", "remember",
    "answer", "acknowledge", "watch", "run", "use", "apply", "adopt", "heed", "listen",
    "double", "learn", "study", "care", "know", "see", "detect", "investigate", "prepare",
    "plan", "coordinate", "hand", "handover", "document", "stop", "abort", "roll", "revert",
];

/// Verbs that a person "did not" do without any failing: not having, not receiving, not
/// being told. These turn an omission into a gap in the system.
pub const BLAMELESS_OMISSIONS: &[&str] = &[
    "have", "has", "had", "need", "want", "receive", "get", "hear", "reach", "exist", "expect",
    "anticipate", "own", "seem", "appear", "happen", "mean", "matter", "affect", "impact", "go",
    "come", "work", "be", "been", "find", "found", "yet", "know", "realise", "realize", "intend",
    "lose", "suffer", "require", "like",
];

/// True when `word` is one of `nouns` or its plural (`engineers`, `teams`, `switches`).
pub fn is_noun_in(word: &str, nouns: &[&str]) -> bool {
    let singular = [word.strip_suffix("es"), word.strip_suffix('s')];
    nouns.contains(&word) || singular.into_iter().flatten().any(|s| nouns.contains(&s))
}

/// Looks like a finite verb: an auxiliary, an irregular past or a regular `-ed` form.
pub fn looks_like_verb(word: &str) -> bool {
    AUXILIARIES.contains(&word)
        || IRREGULAR_PAST.contains(&word)
        || (word.len() > 4 && word.ends_with("ed"))
}

/// A capitalised word shaped like a first name (`Sam`, `Tomás`), not an acronym or a product
/// written in camel case.
pub fn name_shaped(text: &str) -> bool {
    let mut chars = text.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let rest: Vec<char> = chars.collect();
    first_upper
        && rest.len() >= 2
        && rest.iter().all(|c| c.is_lowercase())
        && !NOT_NAMES.contains(&text.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_capitalised_words_not_acronyms() {
        assert!(name_shaped("Sam"));
        assert!(name_shaped("Tomás"));
        assert!(!name_shaped("KIAM"));
        assert!(!name_shaped("CrowdStrike"));
        assert!(!name_shaped("The"));
    }
}
