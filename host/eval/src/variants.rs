//! Metamorphic variants: the same incident, sentence or question written the way other people
//! write it, for robustness tests that require the same verdict from each variant.
//!
//! A judgment tuned on one set of files learns their habits: capitalised names, full stops,
//! "IC", UTC timestamps. Real channels have lower case and typos, Slack's markup, names from
//! every language, other words for the same role and other clocks. Each [`Variant`] rewrites
//! one of those habits and nothing else, deterministically, so a verdict that changes is a
//! verdict that leaned on the habit.
//!
//! ```
//! use rhyme_eval::variants::{Variant, rewrite_text};
//!
//! let text = "Grace: the IC forgot to post an update.";
//! assert_eq!(rewrite_text(text, Variant::Informal), "grace the ic forgot to post an update 👀");
//! assert!(rewrite_text(text, Variant::SlackMarkup).starts_with(":rotating_light: "));
//! ```

use serde_json::Value;

/// One way of rewriting what people wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Chat as typed at 3 a.m.: lower case, no punctuation, an emoji.
    Informal,
    /// Slack's markup: `:emoji:` codes, `<https://…|link>` links, `<@U…>` mentions.
    SlackMarkup,
    /// Every person renamed, with names from many languages.
    Names,
    /// Role words swapped for synonyms ("IC" → "incident lead").
    RoleSynonyms,
    /// Times written with a +05:30 offset instead of UTC (timelines only).
    OtherTimeZone,
    /// Times written as Unix seconds (timelines only).
    EpochSeconds,
    /// A deploy pipeline shipping every 15 minutes, recorded on the timeline as Rhyme's change
    /// events are (timelines only): tooling at work, not the response, so no nudge may change.
    PipelineDeploys,
    /// The same acts said in other words ([`reword`]): each act's usual phrasing swapped for a
    /// paraphrase written for this variant (synonyms, passive and terse shapes), and events whose
    /// kind names their act (status update, decision, role change, action, mitigation,
    /// resolution) framed by a template in that act's other words.
    Reworded,
}

impl Variant {
    /// Every variant that rewrites text.
    pub const TEXT: [Variant; 5] = [
        Variant::Informal,
        Variant::SlackMarkup,
        Variant::Names,
        Variant::RoleSynonyms,
        Variant::Reworded,
    ];
    /// Every variant, the timeline-only ones included.
    pub const ALL: [Variant; 8] = [
        Variant::Informal,
        Variant::SlackMarkup,
        Variant::Names,
        Variant::RoleSynonyms,
        Variant::OtherTimeZone,
        Variant::EpochSeconds,
        Variant::PipelineDeploys,
        Variant::Reworded,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Informal => "informal",
            Variant::SlackMarkup => "slack-markup",
            Variant::Names => "names",
            Variant::RoleSynonyms => "role-synonyms",
            Variant::OtherTimeZone => "other-time-zone",
            Variant::EpochSeconds => "epoch-seconds",
            Variant::PipelineDeploys => "pipeline-deploys",
            Variant::Reworded => "reworded",
        }
    }
}

/// Names from many languages and scripts of writing them, given to people in order.
const NAMES: &[&str] = &[
    "Nguyễn Thị Lan",
    "Oluwaseun Adeyemi",
    "Zoë Müller",
    "Siddharth Rao",
    "Ana Luísa Gonçalves",
    "Kwame Mensah",
    "Björn Åkesson",
    "Mei-Ling Chen",
    "Fatima Zahra El Idrissi",
    "Jae-won Park",
    "Aleksandra Wiśniewska",
    "Tomás Ó Briain",
    "Aarav Mehta",
    "Søren Kierkegaard-Holm",
];

/// Role words and what else people call them; each is replaced as a whole word.
const ROLE_SYNONYMS: &[(&str, &str)] = &[
    ("incident commander", "incident lead"),
    ("IC", "incident lead"),
    ("on-call", "on call"),
    ("comms", "communications lead"),
    ("engineer", "SRE"),
    ("engineers", "SREs"),
    ("operator", "sysadmin"),
    ("developer", "dev"),
    ("status page", "statuspage"),
];

/// `text` rewritten by one text variant (clock variants leave text alone). `Names` renames
/// capitalised words that look like people's names by position only; timelines use
/// [`rewrite_timeline`], which knows who the people are.
pub fn rewrite_text(text: &str, variant: Variant) -> String {
    match variant {
        Variant::Informal => informal(text),
        Variant::SlackMarkup => slack_markup(text, &[]),
        Variant::Names => text.to_string(),
        Variant::RoleSynonyms => role_synonyms(text),
        Variant::Reworded => reword(text, None),
        Variant::OtherTimeZone | Variant::EpochSeconds | Variant::PipelineDeploys => {
            text.to_string()
        }
    }
}

fn informal(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: String = (0..chars.len())
        .filter(|&i| keep_in_chat(&chars, i))
        .map(|i| chars[i])
        .collect::<String>()
        .to_lowercase();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.push_str(" 👀");
    out
}

/// Punctuation goes, except where it is part of a word, a number or a name: "09:43",
/// "p99.9", "on-call", "search-indexer", "don't".
fn keep_in_chat(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if c.is_alphanumeric() || c.is_whitespace() {
        return true;
    }
    let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
    let after = chars.get(i + 1).copied();
    let inside =
        before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric);
    inside || matches!(c, '%' | '>' | '<' | '=' | '/' | '#' | '@' | '$')
}

fn slack_markup(text: &str, people: &[String]) -> String {
    let mut out = String::from(":rotating_light: ");
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&slack_word(word, people));
    }
    out
}

fn slack_word(word: &str, people: &[String]) -> String {
    let trimmed = word.trim_end_matches([',', '.', ';', ':', ')']);
    let tail = &word[trimmed.len()..];
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        return format!("<{trimmed}|link>{tail}");
    }
    match people.iter().position(|p| first_name(p) == trimmed) {
        Some(n) => format!("<@U{:08}>{tail}", 4_024_000 + n),
        None => word.to_string(),
    }
}

fn role_synonyms(text: &str) -> String {
    let mut out = text.to_string();
    for (word, synonym) in ROLE_SYNONYMS {
        out = replace_word(&out, word, synonym);
    }
    out
}

/// The act-bearing phrases people use in an incident channel and a paraphrase of each, grouped
/// by act. Written for this variant in words chosen to differ from the usual ones (and from the
/// anti-patterns plugin's cue lists): a detector that keeps its verdict here reads the act, not
/// the phrase. Longer phrases come first so that they win over their parts.
const REWORDINGS: &[(&str, &str)] = &[
    // Handing the IC role on, and taking it.
    ("passing ic to", "the lead now rests with"),
    ("passing ic", "the lead changes hands"),
    ("handing over to", "the lead now rests with"),
    ("can you take it", "would you carry it from here"),
    ("can u take it", "would you carry it from here"),
    ("taking over", "assuming the lead"),
    ("take over", "assume the lead"),
    ("gotta jump to", "I must leave for"),
    ("gotta jump", "I must leave"),
    ("gotta sleep", "need rest"),
    ("gotta go", "I must leave"),
    ("my shift ends", "my rota finishes"),
    ("i'm ic", "I lead this incident"),
    ("taking ic", "leading this incident"),
    // Acknowledging.
    ("acknowledged", "understood"),
    ("got it", "understood"),
    ("on it", "handling it"),
    ("will do", "consider it done"),
    ("ack", "understood"),
    // Signing off.
    ("night all", "resting now, everyone"),
    ("i'm out for the day", "done for today"),
    ("i'm out", "leaving now"),
    ("i'm off", "leaving now"),
    ("signing off", "leaving now"),
    ("heading out", "leaving now"),
    ("ping me if", "reach me should"),
    ("👋", "leaving now"),
    // Declaring the end, or not yet.
    ("all clear", "back to full health"),
    ("resolved", "fully behind us"),
    ("closing", "wrapping up"),
    ("closed", "wrapped up"),
    // Asking for news, having none.
    ("any news", "is there progress to share"),
    ("any update", "is there progress to share"),
    ("any updates", "is there progress to share"),
    ("any eta", "when might it end"),
    ("still nothing", "silence so far"),
    ("nothing yet", "silence so far"),
    ("no update", "silence so far"),
    ("still waiting on", "pending word from"),
    ("waiting on", "pending word from"),
    ("hasnt replied", "remains silent"),
    ("hasn't replied", "remains silent"),
    // Proposing a cause.
    ("looks like", "bears the hallmarks of"),
    ("i think", "my read is"),
    ("probably", "in all likelihood"),
    ("maybe", "possibly"),
    ("could be", "may well be"),
    ("must be", "is surely"),
    ("suspect", "have a hunch about"),
    ("theory", "working idea"),
    // Reporting what does not fit.
    ("but", "yet"),
    ("only", "solely"),
    ("normal", "as usual"),
    ("healthy", "in good shape"),
    ("fine", "in good shape"),
    // Working a system by hand.
    ("ssh", "log in to"),
    ("tailing", "following the output of"),
    ("restarted", "cycled"),
    ("restarting", "cycling"),
    ("restart", "cycle"),
    ("checking", "examining"),
    ("running", "launching"),
    ("killing", "terminating"),
    ("re-running", "launching again"),
    ("by hand", "myself"),
    // Deciding, and citing a decision made elsewhere.
    ("decision", "ruling"),
    ("decided", "ruled"),
    ("agreed", "concluded"),
    ("on the call", "during the voice chat"),
    ("in dm", "in a private message"),
    // Asking for direction, directing.
    ("who decides", "whose choice is it"),
    ("should i", "ought I to"),
    ("anyone", "anybody"),
    ("please", "kindly"),
    ("can you", "are you able to"),
];

/// The frame each act named by an event's kind gets: words before and after the text.
fn act_frame(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "status_update" => ("Bulletin for the business side — ", ""),
        "decision" => ("Ruling: ", ""),
        "role_change" => ("Command shift — ", ""),
        "action" => ("", " (carried out)"),
        "mitigation" => ("Customer pain stopped: ", ""),
        "resolution" => ("Wrapped up for good: ", ""),
        _ => ("", ""),
    }
}

/// `text` with each act's usual phrasing paraphrased ([`REWORDINGS`], case-insensitive, whole
/// words), framed for its act when the event's `kind` names one. Messages have no frame: their
/// act is not in the record, so only their phrasing changes.
pub fn reword(text: &str, kind: Option<&str>) -> String {
    let mut out = text.to_string();
    for (phrase, with) in REWORDINGS {
        out = replace_phrase_ignoring_case(&out, phrase, with);
    }
    let (before, after) = kind.map_or(("", ""), act_frame);
    format!("{before}{out}{after}")
}

/// Replaces `phrase` (lower case) wherever it stands as whole words, in any case.
fn replace_phrase_ignoring_case(text: &str, phrase: &str, with: &str) -> String {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` hold in `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    while let Some(found) = lower[from..].find(phrase) {
        let at = from + found;
        let end = at + phrase.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let whole = !before.is_some_and(is_word_char)
            && !after.is_some_and(|c| is_word_char(c) || c == '\'');
        out.push_str(&text[from..at]);
        out.push_str(if whole { with } else { &text[at..end] });
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// Replaces `word` where it stands as a whole word (case-sensitive).
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let whole = !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char);
        out.push_str(&rest[..at]);
        out.push_str(if whole { with } else { word });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

fn first_name(person: &str) -> &str {
    person.split_whitespace().next().unwrap_or(person)
}

/// A timeline file (the shared format, as JSON) rewritten by one variant: event texts and
/// actors for the text variants, `at`, `not_before` and `by` for the clock ones. Events keep
/// their order and positions, so expected nudges still point at the same evidence.
pub fn rewrite_timeline(timeline: &Value, variant: Variant) -> Value {
    let mut out = timeline.clone();
    let people = people(timeline);
    if let Some(id) = out.get_mut("id") {
        *id = Value::String(format!("{}~{}", id.as_str().unwrap_or(""), variant.name()));
    }
    for event in array_mut(&mut out, "events") {
        rewrite_event(event, variant, &people);
    }
    if variant == Variant::PipelineDeploys {
        insert_pipeline_deploys(&mut out);
    }
    if matches!(variant, Variant::OtherTimeZone | Variant::EpochSeconds) {
        for nudge in array_mut(&mut out, "expected_nudges") {
            for field in ["not_before", "by"] {
                rewrite_time(nudge, field, variant);
            }
        }
    }
    out
}

fn array_mut<'v>(value: &'v mut Value, field: &str) -> impl Iterator<Item = &'v mut Value> {
    value
        .get_mut(field)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

fn rewrite_event(event: &mut Value, variant: Variant, people: &[String]) {
    match variant {
        Variant::OtherTimeZone | Variant::EpochSeconds => rewrite_time(event, "at", variant),
        Variant::Names => {
            rename_field(event, "actor", people, true);
            rename_field(event, "text", people, false);
        }
        Variant::SlackMarkup => map_field(event, "text", |t| slack_markup(t, people)),
        Variant::Informal => map_field(event, "text", informal),
        Variant::RoleSynonyms => map_field(event, "text", role_synonyms),
        Variant::Reworded => {
            let kind = event
                .get("kind")
                .and_then(Value::as_str)
                .map(str::to_string);
            map_field(event, "text", |t| reword(t, kind.as_deref()));
        }
        Variant::PipelineDeploys => {}
    }
}

/// Minutes between two deploys of the pipeline, and from the first event to the first deploy.
const DEPLOY_EVERY_MIN: i64 = 15;
const FIRST_DEPLOY_AFTER_MIN: i64 = 7;

/// Inserts the pipeline's deploys among the events, in time order, as the store writes a
/// change onto a timeline (README "What changed?"): the deployer as actor, no role, the change
/// kind, one line for people and `key: value` lines ending with `change: ID`. Evidence
/// indices of the expected nudges are moved to follow their events.
fn insert_pipeline_deploys(timeline: &mut Value) {
    let Some(events) = timeline.get_mut("events").and_then(Value::as_array_mut) else {
        return;
    };
    let at = |e: &Value| {
        e.get("at")
            .and_then(Value::as_str)
            .and_then(rhyme_core::series::parse_timestamp)
    };
    let (Some(first), Some(last)) = (
        events.first().and_then(at),
        events.iter().rev().find_map(at),
    ) else {
        return;
    };
    let mut deploy_at = first + (FIRST_DEPLOY_AFTER_MIN * 60) as f64;
    let mut inserted: Vec<usize> = Vec::new();
    let mut n = 0;
    while deploy_at < last {
        let position = events
            .iter()
            .position(|e| at(e).is_some_and(|t| t > deploy_at));
        let position = position.unwrap_or(events.len());
        let seconds = deploy_at.round() as i64;
        events.insert(position, pipeline_deploy(seconds, n));
        inserted.push(position);
        n += 1;
        deploy_at += (DEPLOY_EVERY_MIN * 60) as f64;
    }
    // Each insertion was made into the list as it stood then; map an original index forward.
    let moved = |original: u64| {
        let mut index = original as usize;
        for &p in &inserted {
            if p <= index {
                index += 1;
            }
        }
        index as u64
    };
    for nudge in array_mut(timeline, "expected_nudges") {
        for index in array_mut(nudge, "evidence") {
            if let Some(i) = index.as_u64() {
                *index = Value::from(moved(i));
            }
        }
    }
}

fn pipeline_deploy(seconds: i64, n: usize) -> Value {
    serde_json::json!({
        "at": offset_time(seconds, 0),
        "actor": "release-pipeline",
        "role": null,
        "kind": "deploy",
        "text": format!(
            "deployed storefront v3.{n}.0 to production\nservice: storefront\nrevision: v3.{n}.0\nenvironment: production\nchange: pipeline-{n}"
        ),
    })
}

fn map_field(value: &mut Value, field: &str, f: impl Fn(&str) -> String) {
    if let Some(Value::String(text)) = value.get_mut(field) {
        *text = f(text);
    }
}

/// The people of a timeline: actors who are not systems, in order of first appearance.
fn people(timeline: &Value) -> Vec<String> {
    let mut people: Vec<String> = Vec::new();
    let events = timeline.get("events").and_then(Value::as_array);
    for event in events.into_iter().flatten() {
        let is_system = event.get("role").and_then(Value::as_str) == Some("system");
        let actor = event.get("actor").and_then(Value::as_str);
        if let Some(actor) = actor.filter(|a| !is_system && !a.is_empty())
            && !people.iter().any(|p| p == actor)
        {
            people.push(actor.to_string());
        }
    }
    people
}

/// Renames every person: the full name, and the first name where it stands alone.
fn rename_field(value: &mut Value, field: &str, people: &[String], whole_field: bool) {
    map_field(value, field, |text| {
        let mut out = text.to_string();
        for (n, person) in people.iter().enumerate() {
            let new = NAMES[n % NAMES.len()];
            if whole_field {
                if out == *person {
                    return new.to_string();
                }
                continue;
            }
            out = replace_word(&out, person, new);
            out = replace_word(&out, first_name(person), first_name(new));
        }
        out
    });
}

fn rewrite_time(value: &mut Value, field: &str, variant: Variant) {
    let Some(Value::String(text)) = value.get_mut(field) else {
        return;
    };
    let Some(seconds) = rhyme_core::series::parse_timestamp(text) else {
        return;
    };
    let seconds = seconds.round() as i64;
    *text = match variant {
        Variant::EpochSeconds => seconds.to_string(),
        _ => offset_time(seconds, 5 * 3600 + 30 * 60),
    };
}

/// RFC 3339 local time at a fixed offset east of UTC.
fn offset_time(utc_seconds: i64, offset: i64) -> String {
    let local = utc_seconds + offset;
    let (days, rest) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = rhyme_core::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        offset / 3600,
        offset % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn timeline() -> Value {
        json!({"id": "t", "events": [
            {"at": "2026-04-07T09:10:07Z", "actor": "alertmanager", "role": "system", "text": "lag > 500k"},
            {"at": "2026-04-07T23:59:59Z", "actor": "Grace Liu", "role": "ic", "text": "Grace IC. Omar ops, see https://x.example/d."},
            {"at": "2026-04-08T00:00:01Z", "actor": "Omar Haddad", "role": "ops", "text": "Omar here; Grace, on-call paged."}
        ], "expected_nudges": [{"pattern": "p", "not_before": "2026-04-07T09:10:07Z", "by": "2026-04-07T23:00:00Z"}]})
    }

    #[test]
    fn clock_variants_name_the_same_instants() {
        for variant in [Variant::OtherTimeZone, Variant::EpochSeconds] {
            let out = rewrite_timeline(&timeline(), variant);
            for (a, b) in [("events", "at")].iter().flat_map(|(list, field)| {
                let before = timeline()[list].as_array().unwrap().clone();
                let after = out[list].as_array().unwrap().clone();
                before
                    .into_iter()
                    .zip(after)
                    .map(move |(x, y)| (x[field].clone(), y[field].clone()))
            }) {
                let (a, b) = (a.as_str().unwrap(), b.as_str().unwrap());
                assert_ne!(a, b);
                assert_eq!(
                    rhyme_core::series::parse_timestamp(a),
                    rhyme_core::series::parse_timestamp(b),
                    "{a} vs {b}"
                );
            }
        }
        let out = rewrite_timeline(&timeline(), Variant::OtherTimeZone);
        assert_eq!(out["events"][1]["at"], "2026-04-08T05:29:59+05:30");
        assert_eq!(out["expected_nudges"][0]["by"], "2026-04-08T04:30:00+05:30");
    }

    #[test]
    fn pipeline_deploys_go_in_time_order_and_evidence_follows_its_events() {
        let mut t = timeline();
        t["expected_nudges"][0]["evidence"] = json!([0, 1, 2]);
        let out = rewrite_timeline(&t, Variant::PipelineDeploys);
        let events = out["events"].as_array().unwrap();
        // 09:10:07 to 00:00:01 is 14 h 50 min: deploys at 09:17, then every 15 min until 23:47,
        // all before the second event.
        assert_eq!(events.len(), 3 + 59);
        assert_eq!(events[1]["at"], "2026-04-07T09:17:07+00:00");
        assert!(
            events[1]["text"]
                .as_str()
                .unwrap()
                .ends_with("change: pipeline-0")
        );
        assert_eq!(events[60]["actor"], "Grace Liu");
        assert_eq!(out["expected_nudges"][0]["evidence"], json!([0, 60, 61]));
    }

    #[test]
    fn names_change_everywhere_a_person_is_named_and_nowhere_else() {
        let out = rewrite_timeline(&timeline(), Variant::Names);
        assert_eq!(out["events"][0]["actor"], "alertmanager");
        assert_eq!(out["events"][1]["actor"], "Nguyễn Thị Lan");
        assert_eq!(out["events"][2]["actor"], "Oluwaseun Adeyemi");
        assert_eq!(
            out["events"][2]["text"],
            "Oluwaseun here; Nguyễn, on-call paged."
        );
    }

    #[test]
    fn slack_markup_turns_names_into_mentions_and_links_into_slack_links() {
        let out = rewrite_timeline(&timeline(), Variant::SlackMarkup);
        let text = out["events"][1]["text"].as_str().unwrap();
        assert_eq!(
            text,
            ":rotating_light: <@U04024000> IC. <@U04024001> ops, see <https://x.example/d|link>."
        );
    }

    #[test]
    fn informal_keeps_numbers_times_and_hyphenated_words() {
        assert_eq!(
            informal("Lag at 09:43 is 8.5s; search-indexer on-call paged!"),
            "lag at 09:43 is 8.5s search-indexer on-call paged 👀"
        );
    }

    #[test]
    fn rewording_changes_the_words_of_an_act_and_frames_acts_the_kind_names() {
        assert_eq!(
            reword("Passing IC to @sam, gotta sleep", None),
            "the lead now rests with @sam, need rest"
        );
        assert_eq!(
            reword("restarted task 3", Some("action")),
            "cycled task 3 (carried out)"
        );
        assert_eq!(
            reword("Resolved; closing", Some("resolution")),
            "Wrapped up for good: fully behind us; wrapping up"
        );
        // Whole words only, and not inside a contraction: "butter", "ack's" stay.
        assert_eq!(reword("butter ack's", None), "butter ack's");
    }

    #[test]
    fn role_words_are_replaced_as_whole_words_only() {
        assert_eq!(
            role_synonyms("IC: the engineers paged the ICU on-call engineer."),
            "incident lead: the SREs paged the ICU on call SRE."
        );
    }
}
