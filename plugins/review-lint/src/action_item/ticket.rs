//! Ticket: a reference a tracker can resolve, such as `OPS-2231`, `#4821` or a link to an
//! issue. "Issue created" with no reference, and links to documentation, are not tickets.

use crate::text::Token;

/// Prefixes shaped like tracker keys that are standards, severities or identifiers instead.
const NOT_TRACKERS: &[&str] = &[
    "SHA", "AES", "UTF", "ISO", "RSA", "MD", "TLS", "SSL", "HTTP", "IPV", "CVE", "GHSA", "CWE",
    "COVID", "ARM", "RFC", "IEEE", "PCI", "SOC", "SEV", "P", "T", "X", "US", "EU", "AZ", "PEP",
    "ECMA", "DDR", "USB", "GPT", "TCP", "UDP", "HTTP2", "H", "Q",
];

/// Path segments that mark a link into an issue tracker.
const TRACKER_PATHS: &[&str] = &[
    "/issues/",
    "/issue/",
    "/pull/",
    "/browse/",
    "/tickets/",
    "/ticket/",
    "/jira/",
    "/-/issues/",
    "/work_items/",
];

/// True when the item carries a tracker reference.
pub(super) fn has_ticket(tokens: &[Token]) -> bool {
    find_ticket(tokens).is_some()
}

/// The item's first tracker reference as written (`OPS-2231`, `#4821`, an issue link).
pub(super) fn find_ticket(tokens: &[Token]) -> Option<String> {
    // Someone who writes without capitals ("ops-2231 due friday") cannot mark a key by case.
    let lower_case_writer = !tokens
        .iter()
        .any(|t| t.text.chars().any(char::is_uppercase));
    tokens.iter().enumerate().find_map(|(i, t)| {
        let key = if lower_case_writer {
            is_key(&t.text.to_ascii_uppercase())
        } else {
            is_key(t.text)
        };
        if key || is_tracker_link(t.text) {
            Some(format!("{}{}", scheme_before(tokens, i), t.text))
        } else if t.text == "#" && hash_number(tokens, i) {
            Some(format!("#{}", tokens[i + 1].text))
        } else {
            glued_link(tokens, i)
        }
    })
}

/// A link the tokenizer cut into pieces where a mark stands between marks (GitLab's
/// `.../payroll/-/issues/118`): the run of tokens written without spaces, read whole.
fn glued_link(tokens: &[Token], i: usize) -> Option<String> {
    let starts_run = i == 0 || tokens[i - 1].end < tokens[i].start;
    if !starts_run || tokens[i].text != "https" && tokens[i].text != "http" {
        return None;
    }
    let last = (i..tokens.len())
        .take_while(|&k| k == i || tokens[k - 1].end == tokens[k].start)
        .last()?;
    // A comma or full stop right after the link ends the sentence, not the link.
    let last = (i..=last)
        .rev()
        .find(|&k| !matches!(tokens[k].text, "," | "." | ";" | ")"))?;
    let text: String = tokens[i..=last].iter().map(|t| t.text).collect();
    is_tracker_link(&text).then_some(text)
}

/// `https://` when the tokens just before `i` spell it with no space between (the tokenizer
/// splits a link after its scheme); empty otherwise.
fn scheme_before(tokens: &[Token], i: usize) -> String {
    let Some(start) = i.checked_sub(4) else {
        return String::new();
    };
    let run = &tokens[start..=i];
    let joined = run.windows(2).all(|w| w[0].end == w[1].start);
    let shaped = matches!(run[0].lower.as_str(), "http" | "https")
        && run[1].text == ":"
        && run[2].text == "/"
        && run[3].text == "/";
    if joined && shaped {
        format!("{}://", run[0].text)
    } else {
        String::new()
    }
}

/// `OPS-2231`: uppercase project key, hyphen, number.
pub(super) fn is_key(text: &str) -> bool {
    let key_of_link = text.rsplit('/').next().unwrap_or(text);
    let Some((project, number)) = key_of_link.split_once('-') else {
        return false;
    };
    let project_ok = project.len() >= 2
        && project
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && project
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !NOT_TRACKERS.contains(&project);
    project_ok && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
}

fn is_tracker_link(text: &str) -> bool {
    TRACKER_PATHS.iter().any(|path| {
        text.split_once(path).is_some_and(|(_, rest)| {
            rest.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

/// `#4821`, written as a reference: the `#` starts a word and is followed by digits.
fn hash_number(tokens: &[Token], i: usize) -> bool {
    let next = tokens.get(i + 1).filter(|n| n.start == tokens[i].end);
    next.is_some_and(|n| n.text.len() >= 2 && n.text.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use crate::text::tokenize;

    fn ticket(text: &str) -> bool {
        super::has_ticket(&tokenize(text))
    }

    #[test]
    fn keys_hashes_and_issue_links_are_tickets() {
        assert!(ticket("Add backups (BKP-12)."));
        assert!(ticket("Fix it, see #7781."));
        assert!(ticket("Fix it: https://git.example.com/acme/api/issues/31"));
        assert!(ticket("[jira](https://acme.atlassian.net/browse/SAAS-9)"));
        assert!(ticket("add backups ops-2231 due friday"));
        assert!(!ticket("Add backups in sa-east-1 and move ops-2231 later"));
        assert!(!ticket("pin utf-8 and sha-256 everywhere"));
    }

    #[test]
    fn the_ticket_is_read_as_written() {
        let found = |text: &str| super::find_ticket(&tokenize(text));
        assert_eq!(found("Fix it (BKP-12)."), Some("BKP-12".into()));
        assert_eq!(found("Fix it, see #7781."), Some("#7781".into()));
        assert_eq!(
            found("Fix it: https://git.example.com/acme/api/issues/31"),
            Some("https://git.example.com/acme/api/issues/31".into())
        );
        assert_eq!(
            found("Tracked in https://gitlab.example.com/fin/pay/-/issues/118, due May."),
            Some("https://gitlab.example.com/fin/pay/-/issues/118".into())
        );
    }

    #[test]
    fn standards_promises_and_doc_links_are_not() {
        assert!(!ticket("Switch to SHA-256 and UTF-8 everywhere."));
        assert!(!ticket(
            "Check the alert. An issue has been created for this."
        ));
        assert!(!ticket("Read https://docs.example.com/guide/setup first."));
        assert!(!ticket(
            "Read https://gitlab.example.com/fin/pay/-/wikis/setup first."
        ));
        assert!(!ticket("Page for every SEV-1."));
    }
}
