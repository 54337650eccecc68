//! Naming a group: its closest catalogue mechanism, the words its members share, its members
//! in date order and the time it spans.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use seen_before_index::{MECHANISMS, terms};

use super::{Embedded, Member, Theme, cluster::dot, mechanism_text};
use crate::corpus::Postmortem;

/// Shared words shown per group.
const SHARED_TERMS: usize = 3;
/// Characters of a summary shown as the title of a postmortem without one.
const TITLE_CHARS: usize = 80;

/// The theme of `docs[members]` (two or more positions), without notes.
pub(super) fn theme(docs: &[Postmortem], embedded: &Embedded, members: &[usize]) -> Theme {
    let mut listed: Vec<Member> = members.iter().map(|&i| member(&docs[i])).collect();
    // Oldest first; undated last, then by id so the order never depends on the input's.
    listed.sort_by(|a, b| {
        (a.date.is_none(), &a.date, &a.id).cmp(&(b.date.is_none(), &b.date, &b.id))
    });
    let dates: Vec<NaiveDate> = listed
        .iter()
        .filter_map(|m| m.date.as_deref())
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect();
    let span_days = match (dates.iter().min(), dates.iter().max()) {
        (Some(first), Some(last)) if dates.len() >= 2 => Some((*last - *first).num_days()),
        _ => None,
    };
    Theme {
        mechanism: closest_mechanism(embedded, members),
        shared_terms: shared_terms(docs, members),
        members: listed,
        span_days,
        notes: Vec::new(),
    }
}

fn member(doc: &Postmortem) -> Member {
    let title = doc
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            doc.summary.as_deref().map(|s| {
                let cut: String = s.chars().take(TITLE_CHARS).collect();
                if cut.len() < s.len() {
                    format!("{}…", cut.trim_end())
                } else {
                    cut
                }
            })
        })
        .unwrap_or_else(|| doc.id.clone());
    Member {
        id: doc.id.clone(),
        title,
        date: doc.date.clone(),
        company: doc.company.clone(),
        incident: doc.incident.clone(),
    }
}

/// The catalogue entry nearest the members' mean vector.
fn closest_mechanism(embedded: &Embedded, members: &[usize]) -> String {
    let dimension = embedded.docs.first().map_or(0, Vec::len);
    let mut centroid = vec![0.0f32; dimension];
    for &i in members {
        centroid
            .iter_mut()
            .zip(&embedded.docs[i])
            .for_each(|(c, x)| *c += x);
    }
    embedded
        .mechanisms
        .iter()
        .zip(MECHANISMS)
        .map(|(v, m)| (m.name, dot(&centroid, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or_else(String::new, |(name, _)| name.to_string())
}

/// Words used by at least half the members (and two of them), most used first, rarer across
/// all `docs` breaking ties; company names left out, since a mechanism is not a company.
fn shared_terms(docs: &[Postmortem], members: &[usize]) -> Vec<String> {
    let term_sets: Vec<HashSet<String>> = docs
        .iter()
        .map(|d| terms(&mechanism_text(d)).into_iter().collect())
        .collect();
    let mut document_frequency: HashMap<&str, usize> = HashMap::new();
    for set in &term_sets {
        for t in set {
            *document_frequency.entry(t.as_str()).or_default() += 1;
        }
    }
    let companies: HashSet<String> = members
        .iter()
        .filter_map(|&i| docs[i].company.as_deref())
        .flat_map(terms)
        .collect();
    let mut in_group: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in members {
        for t in &term_sets[i] {
            *in_group.entry(t.as_str()).or_default() += 1;
        }
    }
    let needed = members.len().div_ceil(2).max(2);
    let mut shared: Vec<(&str, usize)> = in_group
        .into_iter()
        .filter(|(t, n)| *n >= needed && !companies.contains(*t))
        .collect();
    shared.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| document_frequency[a.0].cmp(&document_frequency[b.0]))
            .then_with(|| a.0.cmp(b.0))
    });
    let surface = surface_words(docs, members);
    shared
        .into_iter()
        .take(SHARED_TERMS)
        .map(|(t, _)| surface.get(t).cloned().unwrap_or_else(|| t.to_string()))
        .collect()
}

/// For each term, the word the members most often wrote for it ("expired" for `expir`).
fn surface_words(docs: &[Postmortem], members: &[usize]) -> HashMap<String, String> {
    let mut counts: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for &i in members {
        let text = mechanism_text(&docs[i]);
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if let [term] = terms(word).as_slice() {
                *counts
                    .entry(term.clone())
                    .or_default()
                    .entry(word.to_ascii_lowercase())
                    .or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter_map(|(term, words)| {
            let best = words
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
            Some((term, best.0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, date: Option<&str>, company: &str, title: &str) -> Postmortem {
        Postmortem {
            id: id.into(),
            date: date.map(str::to_string),
            company: Some(company.into()),
            title: Some(title.into()),
            ..Postmortem::default()
        }
    }

    #[test]
    fn members_by_date_span_and_shared_words() {
        let docs = vec![
            doc(
                "b",
                Some("2020-03-01"),
                "Acme",
                "Acme API down: certificate expired",
            ),
            doc("a", None, "Acme", "Expired certificate on the Acme edge"),
            doc(
                "c",
                Some("2019-01-01"),
                "Zed",
                "Zed login failed, certificate expired at midnight",
            ),
            doc(
                "d",
                Some("2019-06-01"),
                "Zed",
                "Disk full on the Zed database",
            ),
        ];
        let embedded = Embedded {
            docs: vec![vec![1.0, 0.0]; 4],
            mechanisms: vec![vec![0.0, 1.0]; MECHANISMS.len()],
        };
        let theme = theme(&docs, &embedded, &[0, 1, 2]);
        let ids: Vec<&str> = theme.members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!(theme.span_days, Some(425));
        // Words of all three first; company names never.
        assert_eq!(theme.shared_terms[..2], ["certificate", "expired"]);
        assert!(!theme.shared_terms.iter().any(|t| t == "acme" || t == "zed"));
    }
}
