//! Owner: one named person is responsible. A team, a role, "we" or "TBD" spreads the work
//! over everyone, which in practice means no one; so only a name or a handle counts, and only
//! in an owning position ("Owner: X", "X to add", "X will", "(X call for meeting)"), not as a
//! counterpart ("talk with X").

use super::verb::{CONCRETE, VAGUE};
use crate::blame::lexicon::{SYSTEM_NOUNS, is_noun_in};
use crate::lemma::has_lemma;
use crate::text::Token;

/// Words that make a capitalised phrase a group, not a person ("Platform team").
const GROUPS: &[&str] = &[
    "team",
    "teams",
    "squad",
    "group",
    "guild",
    "crew",
    "org",
    "department",
    "platform",
    "devex",
    "sre",
    "ops",
    "infra",
    "infrastructure",
    "security",
    "engineering",
    "support",
    "tbd",
    "tba",
    "everyone",
    "someone",
    "nobody",
    "we",
    "all",
    "product",
    "owners",
    "on-call",
    "oncall",
    // Departments named like people ("(Customer Success)", "Marketing to approve").
    "success",
    "marketing",
    "sales",
    "finance",
    "legal",
    "operations",
    "networking",
    "compliance",
    "procurement",
    "design",
    "data",
    "analytics",
    "hr",
    "it",
    "helpdesk",
    "desk",
];

/// Words that, after a name, give it the work: "X to add", "X will", "X owns", "X: add".
const OWNING_WORDS: &[&str] = &[
    "to", "will", "owns", "owning", "leads", "drives", "is", "should", "must",
];

/// Words that make the next name a counterpart, not the owner.
const COUNTERPART_WORDS: &[&str] = &[
    "with", "ask", "cc", "ping", "tell", "notify", "contact", "and", "from", "by",
];

/// True when the item names an individual owner.
pub(super) fn has_owner(tokens: &[Token]) -> bool {
    (0..tokens.len()).any(|i| {
        owner_label(tokens, i)
            || handle(tokens, i)
            || named_doer(tokens, i)
            || parenthesised_doer(tokens, i)
            || first_name_to_verb(tokens, i)
            || set_apart_name(tokens, i)
            || lone_name_in_owner_slot(tokens, i)
    })
}

/// "(Gethin)", "— Ewa", "— Adaeze, by Friday", "Mandla: write a runbook", "AI (Kalpana): send
/// ...": one name alone where items put their owner: bracketed or dashed off at the end with
/// only the item's details after it, or opening the item before a colon and a verb. A vendor is
/// bracketed after what it sells ("via the vendor portal (Sectigo)"), so a bracket right after
/// such a word is not a slot.
fn lone_name_in_owner_slot(tokens: &[Token], i: usize) -> bool {
    // Who sells or hosts a thing, and the words that bring one in.
    const SOLD: &[&str] = &[
        "vendor",
        "provider",
        "reseller",
        "supplier",
        "partner",
        "carrier",
        "contractor",
        "agency",
        "company",
        "firm",
        "registrar",
        "via",
        "using",
        "from",
        "with",
        "through",
        "portal",
        "tool",
        "service",
        "product",
        "platform",
        "app",
        "library",
    ];
    let t = &tokens[i];
    if !t.is_word || !is_name_word(t.text) || is_group(tokens, i) || is_a_verb(&t.lower) {
        return false;
    }
    let before = i.checked_sub(1).map_or("", |b| tokens[b].text);
    let opens_item = !tokens[..i].iter().any(|t| t.is_word)
        || matches!(previous_word(tokens, i), "ai" | "action")
            && !tokens[..i.saturating_sub(2)]
                .iter()
                .any(|t| t.is_word && !matches!(t.lower.as_str(), "ai" | "action"));
    // An initial may follow ("Svetlana K.").
    let end = match tokens.get(i + 1) {
        Some(n)
            if n.is_word
                && n.text.chars().count() == 1
                && n.text.chars().all(char::is_uppercase) =>
        {
            if tokens.get(i + 2).is_some_and(|d| d.text == ".") {
                i + 2
            } else {
                i + 1
            }
        }
        _ => i,
    };
    let after = tokens.get(end + 1).map_or("", |n| n.text);
    let colon_then_verb = |k: usize| {
        tokens.get(k).is_some_and(|c| c.text == ":")
            && tokens.get(k + 1).is_some_and(|v| is_a_verb(&v.lower))
    };
    // "Mandla: write", "AI (Kalpana): send".
    let leading =
        opens_item && (colon_then_verb(end + 1) || after == ")" && colon_then_verb(end + 2));
    let bracketed = before == "(" && after == ")" && tokens.get(end + 2).is_none_or(|n| !n.is_word);
    let dashed = matches!(before, "-" | "–" | "—") && in_trailing_details(tokens, end);
    let listed = before == "(" && after == "," && in_trailing_details(tokens, end);
    // "the new scheduler (Airflow)": a bracket after a kind of system names the system.
    let bracketed_after = previous_word(tokens, i.saturating_sub(1));
    let sold = SOLD.contains(&bracketed_after) || is_noun_in(bracketed_after, SYSTEM_NOUNS);
    leading || dashed || (bracketed || listed) && !sold
}

/// A verb by WordNet or the item's verb lists: "Switch", "Review" open orders, not names.
fn is_a_verb(word: &str) -> bool {
    crate::wordnet::is_verb(word) || has_lemma(word, CONCRETE) || has_lemma(word, VAGUE)
}

/// "... to 10 s (Haruto Sato)", "| Rotate the keys | Lwazi Dube | SEC-771 |": a first and
/// last name standing alone in brackets or in a table cell is who the item is assigned to.
/// One word alone is as often a product or a vendor ("(Medisys)"), so two are required.
fn set_apart_name(tokens: &[Token], i: usize) -> bool {
    if i == 0
        || !matches!(
            tokens[i - 1].text,
            "(" | "[" | "|" | "-" | "–" | "—" | "," | "."
        )
    {
        return false;
    }
    let Some(end) = name_at(tokens, i).filter(|&end| end == i + 1) else {
        return false;
    };
    let closes = tokens.get(end + 1).is_some_and(|t| {
        matches!(
            (tokens[i - 1].text, t.text),
            ("(", ")") | ("[", "]") | ("|", "|")
        )
    });
    let counterpart = COUNTERPART_WORDS.contains(&previous_word(tokens, i));
    (closes || in_trailing_details(tokens, end)) && !counterpart
}

/// "(Sunita Rao, by Friday)", "- Zhang Wei, by 2026-12-20", "- PLAT-6001 - Nnamdi Okeke - Jun 30,
/// 2027": after the name, only the item's other details follow (a due date, a ticket) or
/// nothing. In a list of things ("to S3, Google Cloud, and Azure") more of the list follows.
fn in_trailing_details(tokens: &[Token], end: usize) -> bool {
    let Some(mark) = tokens.get(end + 1) else {
        return true;
    };
    if !matches!(mark.text, "," | "-" | "–" | "—" | "." | ")" | ";") {
        return false;
    }
    let next = tokens[end + 2..].iter().find(|t| t.is_word);
    next.is_none_or(|t| {
        let w = t.lower.as_str();
        w == "by"
            || w.starts_with(|c: char| c.is_ascii_digit())
            || super::deadline::names_a_month(w)
            || matches!(w, "q1" | "q2" | "q3" | "q4")
            || super::ticket::is_key(t.text)
    })
}

/// The owner's name or handle as written (`Dana Reyes`, `@kai.lee`), where
/// [`has_owner`] finds one.
pub(super) fn find_owner(tokens: &[Token]) -> Option<String> {
    let words = |from: usize, to: usize| -> String {
        tokens[from..=to]
            .iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let at_handle = |j: usize| format!("@{}", tokens[j + 1].text);
    (0..tokens.len()).find_map(|i| {
        if owner_label(tokens, i) {
            let mut j = i + 1;
            while tokens.get(j).is_some_and(|t| {
                matches!(t.text, ":" | "-" | "—" | "=")
                    || matches!(t.lower.as_str(), "by" | "to" | "is")
            }) {
                j += 1;
            }
            if tokens[j].text == "@" {
                return Some(at_handle(j));
            }
            return Some(name_at(tokens, j).map_or_else(|| words(j, j), |end| words(j, end)));
        }
        if handle(tokens, i) {
            return Some(at_handle(i));
        }
        if named_doer(tokens, i) {
            return name_at(tokens, i).map(|end| words(i, end));
        }
        if set_apart_name(tokens, i) {
            return Some(words(i, i + 1));
        }
        parenthesised_doer(tokens, i).then(|| words(i, i))
    })
}

/// "Owner: Dana Reyes", "Owner Ben Carter:", "assignee: @li.wen", "owned by Kai Lee".
fn owner_label(tokens: &[Token], i: usize) -> bool {
    if !matches!(
        tokens[i].lower.as_str(),
        "owner" | "owners" | "assignee" | "dri" | "owned" | "assigned"
    ) {
        return false;
    }
    let mut j = i + 1;
    while tokens.get(j).is_some_and(|t| {
        matches!(t.text, ":" | "-" | "—" | "=") || matches!(t.lower.as_str(), "by" | "to" | "is")
    }) {
        j += 1;
    }
    let at_handle = tokens.get(j).is_some_and(|t| t.text == "@") && handle(tokens, j);
    at_handle
        || name_at(tokens, j).is_some_and(|end| !is_group(tokens, end + 1))
        || lower_case_name_after_label(tokens, j)
}

/// "owner dana reyes add ...": someone who writes without capitals cannot mark a name by
/// case, but after an owner label a word that is neither a group, a verb nor a function word
/// can only be the name.
fn lower_case_name_after_label(tokens: &[Token], j: usize) -> bool {
    let lower_case_writer = !tokens
        .iter()
        .any(|t| t.text.chars().any(char::is_uppercase));
    let Some(t) = tokens.get(j).filter(|t| t.is_word) else {
        return false;
    };
    let word = t.lower.as_str();
    let function_word = matches!(
        word,
        "the" | "a" | "an" | "our" | "their" | "this" | "that" | "of"
    );
    lower_case_writer
        && word.chars().all(char::is_alphabetic)
        && !function_word
        && !is_group(tokens, j)
        && !has_lemma(word, CONCRETE)
        && !has_lemma(word, VAGUE)
}

/// `@kwame.asante`, unless it is addressed as a counterpart or part of an e-mail address.
fn handle(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    let next = tokens.get(i + 1).filter(|n| n.is_word && n.start == t.end);
    let in_email = i > 0 && tokens[i - 1].end == t.start && tokens[i - 1].is_word;
    let previous = previous_word(tokens, i);
    t.text == "@" && next.is_some() && !in_email && !COUNTERPART_WORDS.contains(&previous)
}

/// "Tomás Ruiz to pin", "Jonas Weber will add", "Chen Yu: review", "Sofia Lind owns":
/// a first and last name followed by words that hand them the work.
fn named_doer(tokens: &[Token], i: usize) -> bool {
    let starts_phrase = i == 0 || !tokens[i - 1].is_word || !is_name_word(tokens[i - 1].text);
    let Some(end) = name_at(tokens, i).filter(|&end| end > i && starts_phrase) else {
        return false;
    };
    let verb_like_first =
        has_lemma(&tokens[i].lower, CONCRETE) || has_lemma(&tokens[i].lower, VAGUE);
    let counterpart = COUNTERPART_WORDS.contains(&previous_word(tokens, i));
    !verb_like_first && !counterpart && hands_over_work(tokens, end + 1)
}

/// "Sunita to translate the notice", "Jakub to ping support": the item opens with one first
/// name and "to" and a verb, the usual way of writing whose the work is. (A product opening an
/// item does so as a subject, "Grafana alerts on ...", not with "to".)
fn first_name_to_verb(tokens: &[Token], i: usize) -> bool {
    let opens_item = !tokens[..i].iter().any(|t| t.is_word);
    let to_verb = tokens.get(i + 1).is_some_and(|t| t.lower == "to")
        && tokens.get(i + 2).is_some_and(|t| is_a_verb(&t.lower));
    // "Switch to run ...", "Move to use ...": an order's own verb is capitalised too.
    opens_item
        && to_verb
        && is_name_word(tokens[i].text)
        && !is_a_verb(&tokens[i].lower)
        && !is_group(tokens, i)
}

/// "(Willi call for meeting)": a single name opening a parenthesis, followed by a verb.
fn parenthesised_doer(tokens: &[Token], i: usize) -> bool {
    let opens = i > 0 && tokens[i - 1].text == "(";
    let next = tokens.get(i + 1).map_or("", |t| t.lower.as_str());
    let acts = has_lemma(next, CONCRETE)
        || has_lemma(next, VAGUE)
        || matches!(next, "call" | "to" | "will" | "owns");
    opens
        && is_name_word(tokens[i].text)
        && !is_group(tokens, i)
        && tokens.get(i + 1).is_some_and(|t| t.is_word)
        && acts
}

/// After a name, does the text hand the work to it?
fn hands_over_work(tokens: &[Token], j: usize) -> bool {
    let Some(t) = tokens.get(j) else { return false };
    // "Chen Yu: review", "Mariana Ortiz - document the override": a colon or a dash after the
    // name sets out the work.
    if matches!(t.text, ":" | "—" | "–" | "-") {
        return true;
    }
    if !OWNING_WORDS.contains(&t.lower.as_str()) {
        return false;
    }
    let next = tokens.get(j + 1).map_or("", |n| n.lower.as_str());
    // "Kateryna Bondarenko to chase": after a name, "to" and a word that ends the item or
    // takes an object is the work handed over, listed verb or not.
    let bare_verb = tokens
        .get(j + 1)
        .is_some_and(|n| n.is_word && !n.lower.ends_with("ing"))
        && tokens.get(j + 2).is_none_or(|n| {
            !n.is_word || matches!(n.lower.as_str(), "the" | "a" | "an" | "up" | "on")
        });
    t.lower != "to" || has_lemma(next, CONCRETE) || has_lemma(next, VAGUE) || bare_verb
}

/// The index of the last word of a one- or two-word name starting at `i` (a two-word name is
/// required unless the label says an owner follows).
fn name_at(tokens: &[Token], i: usize) -> Option<usize> {
    let first = tokens
        .get(i)
        .filter(|t| t.is_word && is_name_word(t.text) && !is_group(tokens, i))?;
    let second = tokens.get(i + 1).filter(|t| {
        t.is_word && t.start > first.end && is_name_word(t.text) && !is_group(tokens, i + 1)
    });
    Some(if second.is_some() { i + 1 } else { i })
}

/// A capitalised word shaped like a name part: `Li`, `Tomás`, `O'Neil`, `Jean-Luc`.
fn is_name_word(text: &str) -> bool {
    let mut chars = text.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let rest = chars.as_str();
    first_upper
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_lowercase() || matches!(c, '\'' | '’' | '-'))
}

fn is_group(tokens: &[Token], i: usize) -> bool {
    tokens
        .get(i)
        .is_some_and(|t| GROUPS.contains(&t.lower.as_str()))
}

fn previous_word<'t>(tokens: &'t [Token], i: usize) -> &'t str {
    tokens[..i]
        .iter()
        .rev()
        .find(|t| t.is_word)
        .map_or("", |t| t.lower.as_str())
}

#[cfg(test)]
mod tests {
    use crate::text::tokenize;

    fn owned(text: &str) -> bool {
        super::has_owner(&tokenize(text))
    }

    #[test]
    fn the_owner_is_read_as_written() {
        for (text, owner) in [
            ("Owner: Kai Lee. Add a check.", "Kai Lee"),
            ("Owner: @kai.lee, add a check.", "@kai.lee"),
            ("Ana Souza will add the alert.", "Ana Souza"),
            ("Discuss sharding (Rasmus call for meeting).", "Rasmus"),
            ("owner dana reyes add a replication-lag check", "dana"),
        ] {
            assert_eq!(
                super::find_owner(&tokenize(text)).as_deref(),
                Some(owner),
                "{text}"
            );
        }
    }

    #[test]
    fn names_and_handles_in_owning_positions_count() {
        for text in [
            "Owner: Kai Lee. Add a check.",
            "Owner: @kai.lee, add a check.",
            "Chen Yu: review the routing.",
            "Ana Souza will add the alert.",
            "@kai.lee to write the runbook.",
            "Discuss sharding (Rasmus call for meeting).",
            "owner dana reyes add a replication-lag check",
            "Cap the retry budget at 3 (Ines Moreau).",
            "| Renew the wildcard cert | Tariq Haddad | 2027-02-01 |",
            "Open a case with the CDN - Mei Tanaka to chase.",
            "Lower the cache TTL to 60 s (Ana Lima, by Friday).",
            "Drain the old racks - OPS-12 - Ravi Shah - Jun 30, 2027",
            "Rotate the signing key - Emeka Obi, by 2027-02-01.",
            "Sunita to translate the notice into Welsh.",
            "Second-reader sign-off on all payroll runs (Tomasz)",
            "Ship the retry cap — Adaeze, by Friday",
            "Kemal: write the failover runbook by 2027-03-01",
            "AI (Noor): send the bank the corrected file spec",
            "Revert the threshold — Ilse V. — RISK-12",
            "Ilse Varga - document the manual override in the wiki",
        ] {
            assert!(owned(text), "{text}");
        }
    }

    #[test]
    fn teams_roles_and_counterparts_do_not() {
        for text in [
            "Platform team will add alerting.",
            "Owner: SRE team.",
            "Owner: TBD.",
            "Have a talk with Rune about ingress.",
            "The on-call engineer should rotate the key.",
            "Move Grafana Agent to the new nodes.",
            "Mail ops@example.com about it.",
            "Renew the cert via the vendor portal (Sectigo).",
            "Compare notes with (Ines Moreau) on the drill.",
            "owner tbd add a replication-lag check",
            "owner: the sre team",
            "Owner: dana, add a check",
            "Move the logs to S3, Google Cloud, and Azure.",
            "Switch to use the regional endpoint.",
            "Replace the chargers - Customer Success to confirm.",
            "Buy the licences through the reseller (Softline).",
            "Review: the retry cap on the gateway",
            "Move the job to the new scheduler (Airflow) - OPS-9",
        ] {
            assert!(!owned(text), "{text}");
        }
    }
}
