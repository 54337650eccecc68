//! One call's view of the incident: the events up to `now`, the thresholds that apply, the nudges
//! already fired, and the cues of recent lines, read at most once per call.
//!
//! The plugin runs in a fresh sandbox per call, so nothing survives between calls. To stay cheap
//! on long timelines, whole-history questions only look at event kinds and roles (no text), and
//! text is read for the recent window ([`RECENT_MINUTES`], at most [`RECENT_EVENTS`] events) where
//! every detector's evidence lives; the few older lines a detector needs are read on demand.

use std::cell::OnceCell;

use crate::config::{SeverityThresholds, Thresholds};
use crate::cues::{Cue, Cues, Reader};
use crate::model::{
    Event, EventKind, IncidentInfo, MAX_MESSAGE_CHARS, Nudge, Pattern, PriorNudge, Role,
};
use crate::text::{Words, topic_stems};

/// How far back lines are read and cached for every call.
pub const RECENT_MINUTES: i64 = 60;
/// The most recent lines read per call, whatever their time.
pub const RECENT_EVENTS: usize = 400;

pub struct Context<'a> {
    pub incident: &'a IncidentInfo,
    /// The events with `at <= now`, oldest first.
    pub events: &'a [Event],
    pub now: i64,
    already: &'a [PriorNudge],
    pub limits: &'a SeverityThresholds,
    reader: Reader,
    /// Index of the first event whose cues are cached.
    recent_from: usize,
    recent: Vec<OnceCell<Cues>>,
    topics: Vec<OnceCell<Vec<String>>>,
    reconstructed: bool,
    /// First names of everyone who posted, sorted; read on first use.
    people: OnceCell<Vec<String>>,
}

impl<'a> Context<'a> {
    pub fn new(
        incident: &'a IncidentInfo,
        events: &'a [Event],
        now: i64,
        already: &'a [PriorNudge],
        config: &'a Thresholds,
    ) -> Context<'a> {
        let events = &events[..events.partition_point(|e| e.at <= now)];
        let by_time = events.partition_point(|e| e.at < now - RECENT_MINUTES * 60);
        let recent_from = by_time.max(events.len().saturating_sub(RECENT_EVENTS));
        Context {
            incident,
            events,
            now,
            already,
            limits: config.for_severity(incident.severity),
            reader: Reader::new(),
            recent_from,
            recent: (recent_from..events.len())
                .map(|_| OnceCell::new())
                .collect(),
            topics: (recent_from..events.len())
                .map(|_| OnceCell::new())
                .collect(),
            reconstructed: is_reconstructed(events),
            people: OnceCell::new(),
        }
    }

    /// The cues of event `i`'s text.
    pub fn cues(&self, i: usize) -> Cues {
        match i.checked_sub(self.recent_from) {
            Some(k) => *self.recent[k].get_or_init(|| self.reader.read(&self.events[i].text)),
            None => self.reader.read(&self.events[i].text),
        }
    }

    /// The topic words of event `i`'s text (see [`crate::text::topic_stems`]).
    pub fn topic(&self, i: usize) -> std::borrow::Cow<'_, [String]> {
        let read = || topic_stems(&Words::new(&self.events[i].text));
        match i.checked_sub(self.recent_from) {
            Some(k) => std::borrow::Cow::Borrowed(self.topics[k].get_or_init(read).as_slice()),
            None => std::borrow::Cow::Owned(read()),
        }
    }

    pub fn has(&self, i: usize, cue: Cue) -> bool {
        self.cues(i).has(cue)
    }

    /// Whether the timeline was written up after the fact (a postmortem's timeline) rather than
    /// recorded live: most human entries have no author. Gaps in such a record are gaps in the
    /// write-up, not silence in the room, so detectors that read absence stay quiet on it.
    pub fn reconstructed(&self) -> bool {
        self.reconstructed
    }

    /// The index of the first event at or after `t`.
    pub fn index_at(&self, t: i64) -> usize {
        self.events.partition_point(|e| e.at < t)
    }

    /// When the incident started: the first alert, or else the first role change.
    pub fn start(&self) -> Option<usize> {
        let first = |kind| self.events.iter().position(|e| e.kind == kind);
        first(EventKind::Alert).or_else(|| first(EventKind::RoleChange))
    }

    /// The last event of this kind, if any.
    pub fn last(&self, kind: EventKind) -> Option<usize> {
        self.events.iter().rposition(|e| e.kind == kind)
    }

    /// The last mitigation with no resolution after it.
    pub fn open_mitigation(&self) -> Option<usize> {
        let mitigation = self.last(EventKind::Mitigation)?;
        match self.last(EventKind::Resolution) {
            Some(r) if r > mitigation => None,
            _ => Some(mitigation),
        }
    }

    /// Whether the incident has been mitigated or resolved by now.
    pub fn mitigated(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Mitigation | EventKind::Resolution))
    }

    pub fn minutes_since(&self, i: usize) -> i64 {
        (self.now - self.events[i].at) / 60
    }

    /// Whether a nudge of this pattern already fired at or after `t`: the episode that began at
    /// `t` has had its nudge.
    pub fn fired_since(&self, pattern: Pattern, t: i64) -> bool {
        self.already
            .iter()
            .any(|p| p.pattern == pattern && p.at >= t)
    }

    /// The nudge to return, with its message cut to one line of the allowed length.
    pub fn nudge(
        &self,
        pattern: Pattern,
        message: String,
        evidence: impl IntoIterator<Item = usize>,
    ) -> Nudge {
        let mut evidence: Vec<usize> = evidence.into_iter().collect();
        evidence.sort_unstable();
        evidence.dedup();
        Nudge {
            pattern,
            at: self.now,
            message: one_line(&message),
            evidence: evidence.iter().map(|&i| self.events[i].id).collect(),
        }
    }

    /// Whether event `i` names someone who posted in this incident, other than its own author:
    /// a line addressed to a person.
    pub fn names_someone_else(&self, i: usize) -> bool {
        let people = self.people.get_or_init(|| {
            let mut names: Vec<String> = self
                .events
                .iter()
                .filter(|e| is_human(e))
                .filter_map(|e| e.actor.as_deref())
                .map(first_name)
                .collect();
            names.sort_unstable();
            names.dedup();
            names.retain(|n| n.chars().count() >= 2);
            names
        });
        let own = self.events[i].actor.as_deref().map(first_name);
        Words::new(&self.events[i].text).iter().any(|w| {
            let w = w.trim_start_matches('@');
            own.as_deref() != Some(w) && people.binary_search_by(|p| p.as_str().cmp(w)).is_ok()
        })
    }

    /// The actor who held the IC role just before event `i`: the last to take it by a role change,
    /// or failing that the last to post as IC.
    pub fn ic_before(&self, i: usize) -> Option<&'a str> {
        let before = &self.events[..i];
        let by = |e: &&Event| e.actor.as_deref().filter(|a| !a.is_empty()).is_some();
        let claimed = before
            .iter()
            .rev()
            .filter(by)
            .find(|e| e.kind == EventKind::RoleChange && e.role == Some(Role::Ic));
        let posted = || {
            before
                .iter()
                .rev()
                .filter(by)
                .find(|e| e.role == Some(Role::Ic))
        };
        claimed.or_else(posted).and_then(|e| e.actor.as_deref())
    }
}

/// A person (not a system, not a stakeholder asking from outside) posted this event.
pub fn is_responder(e: &Event) -> bool {
    match e.role {
        Some(Role::System) | Some(Role::Stakeholder) => false,
        Some(_) => true,
        None => e.actor.is_some(),
    }
}

/// Someone posted it: a responder or a stakeholder.
pub fn is_human(e: &Event) -> bool {
    e.role == Some(Role::Stakeholder) || is_responder(e)
}

/// The lowercased first name of an actor (`"Tomas Reyes"` → `"tomas"`, `"@sam"` → `"sam"`).
pub fn first_name(actor: &str) -> String {
    let first = actor
        .split(|c: char| c.is_whitespace() || c == '.' || c == '_')
        .next()
        .unwrap_or("");
    first.trim_start_matches('@').to_lowercase()
}

fn is_reconstructed(events: &[Event]) -> bool {
    let (mut people, mut anonymous) = (0, 0);
    for e in events.iter().filter(|e| e.role != Some(Role::System)) {
        people += 1;
        anonymous += usize::from(e.actor.as_deref().is_none_or(str::is_empty));
    }
    people > 0 && anonymous * 2 >= people
}

fn one_line(message: &str) -> String {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_MESSAGE_CHARS {
        return line;
    }
    let mut cut: String = line.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    cut.push('…');
    cut
}
