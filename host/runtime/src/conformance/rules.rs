//! The contract's rules on one handler's output, each broken rule named with where it was
//! broken: titles short and present, confidences in range, evidence that points at things
//! that exist, proposals a reviewer can act on, and silence from handlers whose trigger the
//! plugin does not subscribe to.

use super::Fixture;
use crate::output::MAX_TITLE_CHARS;
use rhyme_world::types::{Evidence, Output};

/// One sentence stating the rules, for reports.
pub const RULES: &str = "titles of 1-80 characters, confidence in 0..=1, evidence citing events and series of the incident, proposals with a body and a rationale, nothing for triggers it does not subscribe to";

/// Every rule `output` breaks; `subscribed` says whether the plugin subscribes to the trigger
/// of the handler that returned it.
pub fn problems(output: &Output, fixture: &Fixture, subscribed: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let said_something = !output.findings.is_empty() || !output.proposals.is_empty();
    if !subscribed && said_something {
        problems.push("returned findings or proposals for a trigger `describe` does not list (expected an empty output)".into());
    }
    for (i, f) in output.findings.iter().enumerate() {
        let at = format!("finding {i}");
        title_problems(&at, &f.title, &mut problems);
        if f.subject.trim().is_empty() {
            problems.push(format!("{at} has an empty subject"));
        }
        if !(0.0..=1.0).contains(&f.confidence) {
            problems.push(format!(
                "{at} has confidence {}, outside 0..=1",
                f.confidence
            ));
        }
        evidence_problems(&at, &f.evidence, fixture, &mut problems);
    }
    for (i, p) in output.proposals.iter().enumerate() {
        let at = format!("proposal {i}");
        title_problems(&at, &p.title, &mut problems);
        if p.body.trim().is_empty() {
            problems.push(format!("{at} has an empty body"));
        }
        if p.rationale.trim().is_empty() {
            problems.push(format!(
                "{at} has no rationale: a reviewer needs to know why"
            ));
        }
        evidence_problems(&at, &p.evidence, fixture, &mut problems);
    }
    problems
}

fn title_problems(at: &str, title: &str, problems: &mut Vec<String>) {
    let chars = title.chars().count();
    if title.trim().is_empty() {
        problems.push(format!("{at} has an empty title"));
    } else if chars > MAX_TITLE_CHARS {
        problems.push(format!(
            "{at} has a title of {chars} characters (at most {MAX_TITLE_CHARS})"
        ));
    }
}

fn evidence_problems(
    at: &str,
    evidence: &[Evidence],
    fixture: &Fixture,
    problems: &mut Vec<String>,
) {
    for e in evidence {
        match e {
            Evidence::Event(id) if !fixture.has_event(id) => {
                problems.push(format!(
                    "{at} cites event `{id}`, which is not in the incident's timeline"
                ));
            }
            Evidence::Window(w) if !fixture.has_series(&w.series) => {
                problems.push(format!(
                    "{at} cites series `{}`, which the incident does not have",
                    w.series
                ));
            }
            Evidence::Window(w) if w.start > w.end => {
                problems.push(format!(
                    "{at} cites a window of `{}` that ends before it starts",
                    w.series
                ));
            }
            Evidence::Postmortem(id) | Evidence::Finding(id) if id.trim().is_empty() => {
                problems.push(format!("{at} cites an empty id"));
            }
            _ => {}
        }
    }
}
