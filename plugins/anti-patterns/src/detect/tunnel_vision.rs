//! Tunnel vision: one hypothesis is the only one pursued for a long stretch, nobody proposes a
//! test that would separate it from another explanation, and an observation that does not fit
//! it is posted and left lying.
//!
//! A stretch opens with a line proposing a cause and stays open while the talk keeps returning to
//! it. It closes on a separating move (a test that tells explanations apart, an alternative, the
//! hypothesis dropped), on someone taking up a contrary observation ("good catch"), or on a
//! decision or mitigation. The nudge needs the stretch to have lasted the hypothesis threshold,
//! a contrary observation from someone other than the hypothesis's author, and the hypothesis
//! pursued again after it.

use crate::context::{Context, is_human, is_responder};
use crate::cues::Cue;
use crate::model::{Event, EventKind, Nudge, Pattern, Role};
use crate::text::{Words, share_topic};

/// How much further back than the threshold a stretch may have opened.
const LOOKBACK_EXTRA_MINUTES: i64 = 30;

struct Stretch {
    start: usize,
    author: Option<String>,
    topic: Vec<String>,
    contrary: Vec<usize>,
    /// Lines that return to the hypothesis, and whether one came after a contrary observation.
    pursued: Vec<usize>,
    pursued_after_contrary: bool,
}

impl Stretch {
    /// A stretch opened by the hypothesis at event `start`.
    fn opened_at(start: usize, author: Option<String>, topic: Vec<String>) -> Self {
        Stretch {
            start,
            author,
            topic,
            contrary: Vec::new(),
            pursued: Vec::new(),
            pursued_after_contrary: false,
        }
    }

    /// Line `i` returns to the theory. Its words join the theory's topic: the talk names the
    /// theory by what it leads to ("the release", then "the rollout", then "a hotfix").
    fn pursue(&mut self, i: usize, topic: &[String]) {
        self.pursued.push(i);
        self.pursued_after_contrary |= !self.contrary.is_empty();
        self.topic.extend_from_slice(topic);
        self.topic.sort_unstable();
        self.topic.dedup();
    }
}

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    if ctx.reconstructed() || ctx.mitigated() {
        return None;
    }
    let threshold = ctx.limits.hypothesis_minutes as i64 * 60;
    let window = ctx.index_at(ctx.now - threshold - LOOKBACK_EXTRA_MINUTES * 60);
    // Reading back to the last move that closes any stretch bounds the work: if it is recent, no
    // stretch can be old enough, and the forward pass need not start before it.
    let closer = (window..ctx.events.len())
        .rev()
        .find(|&i| closes_any(ctx, i));
    if closer.is_some_and(|c| ctx.events[c].at > ctx.now - threshold) {
        return None;
    }
    let stretch = open_stretch(ctx, closer.map_or(window, |c| c + 1))?;
    let start_at = ctx.events[stretch.start].at;
    let ripe = ctx.now - start_at >= threshold
        && !stretch.contrary.is_empty()
        && stretch.pursued_after_contrary;
    // Once nudged, the room needs time to act on it: a theory restated in other words within
    // two thresholds is the same tunnel, not a new one.
    let quiet_since = start_at.min(ctx.now - 2 * threshold);
    if !ripe || ctx.fired_since(Pattern::TunnelVision, quiet_since) {
        return None;
    }
    let minutes = ctx.minutes_since(stretch.start);
    let message = format!(
        "One theory for {minutes} min and a contrary sign is unanswered: ask what would disprove it, name an alternative, run a test that splits them."
    );
    let evidence = [vec![stretch.start], stretch.pursued, stretch.contrary].concat();
    Some(ctx.nudge(Pattern::TunnelVision, message, evidence))
}

/// A mitigation or a separating move (a decision taken as a trial included): whatever was being
/// pursued before is not the same stretch after it. (Another decision closes a stretch only when
/// it is about something else: see [`open_stretch`].)
fn closes_any(ctx: &Context, i: usize) -> bool {
    let e = &ctx.events[i];
    matches!(e.kind, EventKind::Mitigation | EventKind::Resolution)
        || (is_responder(e)
            && matches!(
                e.kind,
                EventKind::Message | EventKind::Action | EventKind::Other | EventKind::Decision
            )
            && ctx.has(i, Cue::SeparatingMove))
}

/// A message by a person outside the response: support, a stakeholder.
fn observes(e: &crate::model::Event) -> bool {
    is_human(e) && !is_responder(e) && e.kind == EventKind::Message
}

/// "... can't validate passes either", "the app is slow too", "also seeing it on the POS": the
/// same trouble reported in another place. "Too" means "also" where its clause ends with it
/// ("on the primary too, and ..."); before a word it is a degree ("too slow").
fn elsewhere_too(words: &Words) -> bool {
    let last = words.len().saturating_sub(1);
    let clause_ends_after = |k: usize| {
        k == last
            || !words.get_or_empty(k + 1).chars().all(char::is_alphabetic)
            || matches!(
                words.get(k + 1),
                "and" | "but" | "so" | "though" | "tho" | "now"
            )
    };
    (0..words.len()).any(|k| match words.get(k) {
        "either" => k > 0,
        "too" => clause_ends_after(k),
        "also" => k + 1 < words.len() && words.get(k + 1).ends_with("ing"),
        "as" => words.get_or_empty(k + 1) == "well",
        _ => false,
    })
}

/// "the slowness started 10 min before the lag": the symptom placed before the cause the theory
/// gives it.
fn began_before(words: &Words) -> bool {
    (0..words.len()).any(|k| {
        matches!(words.get(k), "started" | "began" | "starts" | "begins")
            && (k + 1..words.len().min(k + 6)).any(|j| words.get(j) == "before")
    })
}

/// Whether line `i` cuts against the stretch's theory: a sign that does not fit, or the theory's
/// own subject denied or found healthy ("storage side fine" while the theory is the image
/// decoder narrows the search towards the theory; "lock waits normal" while it is lock
/// contention does not).
fn cuts_against(ctx: &Context, i: usize, stretch: &Stretch) -> bool {
    let cues = ctx.cues(i);
    let words = Words::new(&ctx.events[i].text);
    (cues.has(Cue::Contrary) && !restricts_when(&words) && !proposes_a_step(ctx, i, &words))
        || ((cues.has(Cue::Healthy) || cues.has(Cue::Negation))
            && share_topic(&stretch.topic, &ctx.topic(i)))
        || elsewhere_too(&words)
        || began_before(&words)
}

/// "they can load the cert, but only in their 15:30 window", "we'll get it, not until tomorrow":
/// the connective limits when something can or will be done. That is a schedule, not a sign about
/// the cause. (Said of the past, "5.3 only went out at 12:30", it places the symptom before its
/// supposed cause, which is a sign.)
fn restricts_when(words: &Words) -> bool {
    const ABLE_OR_FUTURE: &[&str] = &[
        "can",
        "could",
        "will",
        "would",
        "gonna",
        "able",
        "plan",
        "planned",
        "scheduled",
    ];
    const WHEN: &[&str] = &[
        "until",
        "till",
        "til",
        "after",
        "tomorrow",
        "tonight",
        "later",
        "window",
        "next",
        "morning",
        "afternoon",
        "evening",
        "weekend",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    ];
    (0..words.len()).any(|k| {
        matches!(words.get(k), "but" | "only" | "not")
            && (0..k)
                .any(|j| ABLE_OR_FUTURE.contains(&words.get(j)) || words.get(j).ends_with("'ll"))
            && (k + 1..words.len().min(k + 5)).any(|j| {
                WHEN.contains(&words.get(j)) || crate::acts::clock_seconds(words.get(j)).is_some()
            })
    })
}

/// "could drop the bitrate, but that's an encoder restart": a "but" in a line that proposes a
/// step weighs the step's cost; it says nothing about the cause.
fn proposes_a_step(ctx: &Context, i: usize, words: &Words) -> bool {
    ctx.has(i, Cue::Proposal)
        || matches!(words.get_or_empty(0), "could" | "can" | "should" | "shall")
        || matches!(words.get_or_empty(0), "we" | "i")
            && matches!(words.get_or_empty(1), "could" | "can")
}

/// The comms lead and the scribe relay questions and record what happens; their lines do not
/// work the theory, so they do not pursue it.
fn works_the_problem(e: &Event) -> bool {
    !matches!(e.role, Some(Role::Comms) | Some(Role::Scribe))
}

/// "k so its the release", "agreed, the deploy then": a cause stated as the conclusion of what
/// was just said takes the theory up in other words; it does not propose another.
fn follows_on(text: &str) -> bool {
    let words = Words::new(text);
    let first = words.get_or_empty(0);
    matches!(
        first,
        "so" | "agree" | "agreed" | "exactly" | "yeah" | "yep" | "yes"
    ) || matches!(first, "k" | "ok" | "okay" | "right") && words.get_or_empty(1) == "so"
}

/// The stretch still open at `now`, following the discussion from event `from`.
fn open_stretch(ctx: &Context, from: usize) -> Option<Stretch> {
    let mut open: Option<Stretch> = None;
    for i in from..ctx.events.len() {
        let e = &ctx.events[i];
        if matches!(e.kind, EventKind::Mitigation | EventKind::Resolution) {
            open = None;
            continue;
        }
        // "pause the 3.8 rollout" while the theory is the 3.8 firmware: a decision that acts on
        // the theory pursues it; a decision about anything else moves the room on.
        if e.kind == EventKind::Decision {
            if ctx.has(i, Cue::SeparatingMove) {
                open = None;
                continue;
            }
            match open.as_mut() {
                Some(stretch) if share_topic(&stretch.topic, &ctx.topic(i)) => {
                    stretch.pursue(i, &ctx.topic(i));
                }
                _ => open = None,
            }
            continue;
        }
        // Support or a stakeholder can post what cuts against the theory ("fwiw a customer's
        // week-old mail fails the same way"): counted when it is about the theory's subject.
        if let Some(stretch) = open.as_mut().filter(|_| observes(e)) {
            let on_topic = share_topic(&stretch.topic, &ctx.topic(i));
            // "the ticket office can't look up passes either": the symptom somewhere the theory
            // does not reach cuts against it, whatever words the place is named in.
            if !ctx.cues(i).question
                && (cuts_against(ctx, i, stretch) && on_topic
                    || elsewhere_too(&Words::new(&e.text)))
            {
                stretch.contrary.push(i);
            }
            continue;
        }
        if !is_responder(e)
            || !matches!(
                e.kind,
                EventKind::Message | EventKind::Action | EventKind::Other
            )
        {
            continue;
        }
        let cues = ctx.cues(i);
        let Some(stretch) = open.as_mut() else {
            // A theory offered with the test that would split it is not held blindly.
            if cues.has(Cue::Hypothesis) && !cues.has(Cue::SeparatingMove) {
                open = Some(Stretch::opened_at(
                    i,
                    e.actor.clone(),
                    ctx.topic(i).into_owned(),
                ));
            }
            continue;
        };
        if cues.has(Cue::SeparatingMove) || (cues.has(Cue::TakesUp) && !stretch.contrary.is_empty())
        {
            open = None;
            continue;
        }
        // A cause proposed on another topic varies the hypotheses: the room is not locked on one
        // theory, so the stretch restarts from the new one.
        if cues.has(Cue::Hypothesis)
            && !share_topic(&stretch.topic, &ctx.topic(i))
            && !follows_on(&e.text)
        {
            *stretch = Stretch::opened_at(i, e.actor.clone(), ctx.topic(i).into_owned());
            continue;
        }
        let from_author = e.actor.is_some() && e.actor == stretch.author;
        if cuts_against(ctx, i, stretch)
            && !cues.question
            && !from_author
            && !cues.has(Cue::Hypothesis)
        {
            stretch.contrary.push(i);
        } else if works_the_problem(e)
            && (cues.has(Cue::Hypothesis) || share_topic(&stretch.topic, &ctx.topic(i)))
        {
            stretch.pursue(i, &ctx.topic(i));
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;

    #[test]
    fn the_same_trouble_elsewhere_is_told_by_either_too_also() {
        assert!(elsewhere_too(&Words::new(
            "the ticket office can't look up passes either"
        )));
        assert!(elsewhere_too(&Words::new("fyi the app is slow too")));
        assert!(elsewhere_too(&Words::new("also seeing it on the POS")));
        assert!(!elsewhere_too(&Words::new(
            "too many retries on the gate readers"
        )));
        assert!(!elsewhere_too(&Words::new(
            "either the firmware or the host, not sure"
        )));
    }
    use crate::model::{EventKind::*, Role::*};

    fn lock_theory() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "api timeouts 6%"),
            ev(1, Ic, RoleChange, "Ana IC, Bo ops"),
            ev(
                4,
                Ic,
                Message,
                "Both endpoints hit orders-db. Smells like lock contention again.",
            ),
            ev(
                6,
                Ops,
                Message,
                "Agree, probably the nightly batch holding locks",
            ),
            ev(
                9,
                Responder,
                Message,
                "FYI lock wait time on orders-db is normal, 3ms p99",
            ),
            ev(
                11,
                Ic,
                Message,
                "Locks can be short and still pile up. Who owns the batch?",
            ),
            ev(14, Ops, Message, "asked the batch owners about their locks"),
        ]
    }

    #[test]
    fn a_decision_that_acts_on_the_theory_keeps_the_stretch_open() {
        let mut events = lock_theory();
        events.insert(
            4,
            ev(7, Ic, Decision, "Bo: pause the nightly batch on orders-db"),
        );
        let nudges = replay(&events, 0..=40, Pattern::TunnelVision);
        assert_eq!(nudges.len(), 1);
        // A decision on something else moves the room on.
        events[4] = ev(7, Ic, Decision, "Cy: post the customer update now");
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn too_as_also_and_a_symptom_before_its_cause_cut_against_the_theory() {
        assert!(elsewhere_too(&Words::new(
            "slow for users on the primary too, and it began earlier"
        )));
        assert!(!elsewhere_too(&Words::new(
            "heavy queue at 1,200, 2 replicas too slow"
        )));
        assert!(began_before(&Words::new(
            "the slowness started 10 min before the lag"
        )));
        assert!(!began_before(&Words::new(
            "the slowness started right after the deploy"
        )));
    }

    #[test]
    fn a_conclusion_drawn_from_the_theory_takes_it_up() {
        assert!(follows_on("k so its the release. can u halt the rollout"));
        assert!(follows_on("agreed, the deploy then"));
        assert!(!follows_on("could it be the cert rotation instead"));
    }

    #[test]
    fn the_theory_is_followed_by_what_it_leads_to() {
        // The theory named first by its cause (the 5.3 release), then by the rollout it led to
        // and the hotfix the team builds for it.
        let events = vec![
            ev(0, System, Alert, "booking 404s 38%"),
            ev(1, Ic, RoleChange, "Ana IC, Bo app, Cy backend"),
            ev(
                3,
                Responder,
                Message,
                "bet the 5.3 release changed the base path",
            ),
            ev(5, Ic, Message, "k so its the release. Bo halt the rollout"),
            ev(8, Responder, Action, "rollout halted"),
            ev(
                10,
                Ops,
                Message,
                "fwiw the website 404s too and it had no deploy",
            ),
            ev(
                12,
                Responder,
                Message,
                "phones that took the rollout keep it, need a hotfix",
            ),
            ev(17, Ic, Decision, "go with the hotfix"),
        ];
        let nudges = replay(&events, 0..=19, Pattern::TunnelVision);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 18 * 60);
    }

    #[test]
    fn a_denial_counts_only_when_it_is_about_the_theory() {
        let mut events = lock_theory();
        events[4] = ev(9, Responder, Message, "no lock waits over 3ms on orders-db");
        assert_eq!(replay(&events, 0..=40, Pattern::TunnelVision).len(), 1);
        events[4] = ev(9, Responder, Message, "no alerts from the CDN side at all");
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_healthy_subject_counts_only_when_it_is_the_theorys_own() {
        let mut events = lock_theory();
        events[4] = ev(
            9,
            Responder,
            Message,
            "lock waits on orders-db look healthy",
        );
        assert_eq!(replay(&events, 0..=40, Pattern::TunnelVision).len(), 1);
        // A neighbour found healthy narrows the search towards the theory.
        events[4] = ev(9, Responder, Message, "replica disks look healthy");
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn the_cost_of_a_proposed_step_is_not_a_sign_against_the_theory() {
        let mut events = lock_theory();
        events[4] = ev(
            9,
            Responder,
            Message,
            "could pause the batch but that means a 10 min gap in exports",
        );
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_schedule_is_not_a_sign_against_the_theory() {
        assert!(restricts_when(&Words::new(
            "the batch team can pause it but only after their 14:00 run"
        )));
        assert!(restricts_when(&Words::new(
            "we'll get the dump, not until tomorrow"
        )));
        // Said of the past, the time places the symptom before its supposed cause.
        assert!(!restricts_when(&Words::new(
            "the deploy only went out at 12:30"
        )));
        let mut events = lock_theory();
        events[4] = ev(
            9,
            Responder,
            Message,
            "batch owners can pause the job but only after their 14:00 run",
        );
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_relay_by_comms_does_not_pursue_the_theory() {
        let mut events = lock_theory();
        events[5] = ev(
            11,
            Comms,
            Message,
            "the shop team asks whether the orders-db locks are cleared yet",
        );
        events.truncate(6);
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
        events[5].role = Some(Ops);
        assert_eq!(replay(&events, 0..=40, Pattern::TunnelVision).len(), 1);
    }

    #[test]
    fn one_nudge_per_tunnel_while_the_room_acts_on_it() {
        let mut events = lock_theory();
        events.extend([
            ev(
                20,
                Ops,
                Message,
                "maybe the cache tier is evicting hot keys",
            ),
            ev(23, Responder, Message, "fwiw eviction rate is flat all day"),
            ev(
                26,
                Ops,
                Message,
                "cache tier config still looks suspicious to me",
            ),
        ]);
        // The first tunnel fires at 19 min; the second stretch, ripe at 35, is within two
        // thresholds of it.
        let nudges = replay(&events, 0..=45, Pattern::TunnelVision);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 19 * 60);
    }

    #[test]
    fn fires_when_one_theory_outlives_a_contrary_observation() {
        let nudges = replay(&lock_theory(), 0..=40, Pattern::TunnelVision);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 19 * 60);
        assert!(nudges[0].evidence.contains(&4));
    }

    #[test]
    fn a_contrary_sign_from_support_counts_when_it_is_about_the_theory() {
        let mut events = lock_theory();
        events[4] = ev(
            9,
            Stakeholder,
            Message,
            "support: fwiw lock waits on orders-db look normal from our side too",
        );
        let nudges = replay(&events, 0..=40, Pattern::TunnelVision);
        assert_eq!(nudges.len(), 1);
        // A stakeholder's line about something else is no contrary sign.
        events[4] = ev(9, Stakeholder, Message, "any news for the status page?");
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_test_that_separates_the_explanations_keeps_it_silent() {
        let mut events = lock_theory();
        events.push(ev(
            12,
            Ic,
            Message,
            "Good catch. How do we tell them apart: lock waits vs per-zone errors?",
        ));
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_theory_nobody_contradicts_is_not_tunnel_vision() {
        let mut events = lock_theory();
        events.remove(4);
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_decision_closes_the_stretch() {
        let mut events = lock_theory();
        events.push(ev(
            16,
            Ic,
            Decision,
            "pause the batch and watch timeouts for 5 minutes",
        ));
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
    }

    #[test]
    fn a_second_cause_on_another_topic_means_theories_are_varied() {
        let mut events = lock_theory();
        events.push(ev(
            10,
            Responder,
            Message,
            "could be the new connection pooler config from this morning's rollout instead",
        ));
        assert_silent(&events, 0..=40, Pattern::TunnelVision);
        // Near miss: a second line on the same theory is the same theory pursued.
        let mut same = lock_theory();
        same.push(ev(
            10,
            Responder,
            Message,
            "probably the batch locks on orders-db",
        ));
        assert_eq!(replay(&same, 0..=40, Pattern::TunnelVision).len(), 1);
    }
}
