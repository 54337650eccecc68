//! What to say instead: for each kind of blame, why it is blame and a blameless way to write
//! the same fact, turned towards what in the system made the mistake easy.

use super::BlameKind;

/// Why a phrase of this kind is blame language, in a few words.
pub(super) fn reason(kind: BlameKind) -> &'static str {
    match kind {
        BlameKind::HumanError => {
            "names human error as the cause, which ends the analysis at a person"
        }
        BlameKind::Slip => "makes a person's slip the cause of the incident",
        BlameKind::Omission => "makes what a person did not do the cause of the incident",
        BlameKind::Counterfactual => "judges a person's past choice with hindsight",
        BlameKind::Character => {
            "explains the incident by a person's character, state or competence"
        }
        BlameKind::Exhortation => "asks people to try harder instead of changing the system",
        BlameKind::Culprit => "points at who is at fault rather than at what allowed it",
        BlameKind::Implied => {
            "reads as putting the outcome on a person, though no single phrase says so"
        }
    }
}

/// A blameless rewording suggestion; `act` is the blamed act in the sentence's own words
/// ("checked the disk usage"), when one was found.
pub(super) fn rewording(kind: BlameKind, act: Option<&str>) -> String {
    let step = act.map_or_else(|| "this step".to_string(), |a| format!("the step \"{a}\""));
    match kind {
        BlameKind::HumanError => "Replace the label with the conditions: what let this action through unchecked \
             (no validation, no confirmation, a risky default, broad access), and what guard would stop it next time."
            .to_string(),
        BlameKind::Slip => format!(
            "Describe {step} as something the system allowed: what made it easy to get wrong \
             (no confirmation, no check on the target, a confusing interface), and which guard was missing."
        ),
        BlameKind::Omission => format!(
            "Say what would have made {step} hard to miss: was it in the runbook or checklist, \
             did a prompt, alert or automated check exist for it?"
        ),
        BlameKind::Counterfactual => format!(
            "Describe what the person knew and saw at the time, and what would have put {step} \
             in front of them: a checklist item, a guard in the tool, a clear signal."
        ),
        BlameKind::Character => "Replace the judgement with the conditions around the person: workload, an on-call \
             schedule that caused fatigue, missing training or documentation, an interface that hid the risk."
            .to_string(),
        BlameKind::Exhortation => "Turn the wish for care into a mechanism: a check, a safer default, automation \
             or a required review that makes the safe path the easy one."
            .to_string(),
        BlameKind::Culprit => "Leave out who did it; state the action neutrally and ask what in the process \
             let one action cause this much harm."
            .to_string(),
        BlameKind::Implied => "Say what happened without judging who did it: the conditions the person worked in, \
             what the tools showed them, and which guard would have caught it."
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewording_quotes_the_act_when_known() {
        let text = rewording(BlameKind::Omission, Some("escalate"));
        assert!(text.contains("\"escalate\""));
        assert!(rewording(BlameKind::Omission, None).contains("this step"));
    }
}
