//! The five-element action item spec: a named owner, a verb whose completion can be
//! observed, a measurable outcome, a ticket and a dated deadline.
//!
//! Each element is judged on the item's own text, as a reviewer would read it on the page:
//! a heading above the item or a team name does not make it owned or dated.
//!
//! ```
//! use review_lint::action_item::{check, Element};
//!
//! let item = check("Priya Shah to add a canary stage to the search deploy (OPS-12), due 2027-03-01.");
//! assert!(item.owner && item.verb && item.ticket && item.deadline);
//! assert_eq!(item.missing(), vec![Element::Outcome]);
//! println!("{}", Element::Outcome.hint());
//! ```

mod deadline;
mod due;
mod outcome;
mod owner;
mod ticket;
mod verb;

use serde::{Deserialize, Serialize};

use crate::text::tokenize;

pub use due::Day;

/// Which of the five elements an action item has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActionItemCheck {
    /// A named individual is responsible (a name or a handle; not a team or a role).
    pub owner: bool,
    /// The main action is concrete and its completion can be observed.
    pub verb: bool,
    /// The item says how anyone would know it is done (a target value, a verification).
    pub outcome: bool,
    /// A tracker reference (`OPS-2231`, `#4821`, a link to an issue).
    pub ticket: bool,
    /// A calendar date, or a month or quarter with its year.
    pub deadline: bool,
}

/// One of the five elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Element {
    Owner,
    Verb,
    Outcome,
    Ticket,
    Deadline,
}

impl Element {
    /// All five, in the order of the spec.
    pub const ALL: [Element; 5] = [
        Element::Owner,
        Element::Verb,
        Element::Outcome,
        Element::Ticket,
        Element::Deadline,
    ];

    /// The element's name as used in reports and data files.
    pub fn name(self) -> &'static str {
        match self {
            Element::Owner => "owner",
            Element::Verb => "verb",
            Element::Outcome => "outcome",
            Element::Ticket => "ticket",
            Element::Deadline => "deadline",
        }
    }

    /// One line telling the author how to supply the missing element.
    pub fn hint(self) -> &'static str {
        match self {
            Element::Owner => {
                "name one person who owns it (a name or @handle; a team is not an owner)"
            }
            Element::Verb => {
                "start with a concrete action whose completion can be seen (add, pin, rotate), not investigate or improve"
            }
            Element::Outcome => {
                "say how we will know it is done: a target value or a check that verifies it"
            }
            Element::Ticket => "link the tracker ticket (e.g. OPS-123 or the issue URL)",
            Element::Deadline => "give a calendar date (e.g. 2027-01-15), not soon or next sprint",
        }
    }
}

impl ActionItemCheck {
    /// Whether the item has `element`.
    pub fn has(&self, element: Element) -> bool {
        match element {
            Element::Owner => self.owner,
            Element::Verb => self.verb,
            Element::Outcome => self.outcome,
            Element::Ticket => self.ticket,
            Element::Deadline => self.deadline,
        }
    }

    /// The elements the item lacks, in the order of the spec; see [`Element::hint`].
    pub fn missing(&self) -> Vec<Element> {
        Element::ALL.into_iter().filter(|&e| !self.has(e)).collect()
    }
}

/// Checks one action item (bullet marker already removed) against the five-element spec.
pub fn check(item: &str) -> ActionItemCheck {
    let tokens = tokenize(item);
    let dates = deadline::date_tokens(&tokens);
    ActionItemCheck {
        owner: owner::has_owner(&tokens),
        verb: verb::has_concrete_verb(&tokens),
        outcome: outcome::has_outcome(&tokens, &dates),
        ticket: ticket::has_ticket(&tokens),
        deadline: !dates.is_empty(),
    }
}

/// An action item's elements as written, for keeping it: what [`check`] judges, with the
/// words that carry each element where the lint can point at them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// The item as written (bullet marker removed).
    pub text: String,
    /// Which elements it has.
    pub check: ActionItemCheck,
    /// The owner's name or handle (`Dana Reyes`, `@kai.lee`).
    pub owner: Option<String>,
    /// The concrete main verb (`add`, `pin`).
    pub verb: Option<String>,
    /// The first tracker reference (`OPS-2231`, `#4821`, an issue link).
    pub ticket: Option<String>,
    /// The deadline as written (`2027-03-12`, `Q1 2027`).
    pub deadline: Option<String>,
    /// The last day the deadline covers, when it names a year and reads one way only.
    pub due: Option<Day>,
}

/// Reads one action item (bullet marker already removed): [`check`] and the words behind it.
///
/// ```
/// let item = review_lint::action_item::read("Priya Shah to add a canary stage (OPS-12), due 2027-03-01.");
/// assert_eq!(item.owner.as_deref(), Some("Priya Shah"));
/// assert_eq!(item.ticket.as_deref(), Some("OPS-12"));
/// assert_eq!(item.due.map(|d| (d.year, d.month, d.day)), Some((2027, 3, 1)));
/// ```
pub fn read(item: &str) -> ActionItem {
    let tokens = tokenize(item);
    let dates = deadline::date_tokens(&tokens);
    let (deadline, due) = match due::first_date(&tokens, &dates) {
        Some((text, due)) => (Some(text), due),
        None => (None, None),
    };
    ActionItem {
        text: item.to_string(),
        check: check(item),
        owner: owner::find_owner(&tokens),
        verb: verb::concrete_verb(&tokens).map(|i| tokens[i].lower.clone()),
        ticket: ticket::find_ticket(&tokens),
        deadline,
        due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vague_item_misses_everything() {
        let item = check("Look into making the deploys more robust soon.");
        assert_eq!(item.missing(), Element::ALL.to_vec());
    }

    #[test]
    fn a_complete_item_misses_nothing() {
        let item = check(
            "Owner: Hana Ito. Cap the bulk-delete API at 100 objects per call; verified by the e2e suite. STOR-77, due 12 March 2027.",
        );
        assert!(item.missing().is_empty(), "{item:?}");
    }
}
