//! Hindsight asked as a question: "Why did nobody test the restore?", "Surely someone could
//! have called the carrier sooner?". The question expects no answer; it says a person should
//! have acted.

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::lexicon::{PERSON_NOUNS, is_noun_in, name_shaped};
use crate::blame::sentence::Sentence;

/// Fires on a question that reproaches people for an act they did not do.
pub(crate) fn rhetorical(s: &Sentence) -> Option<Hit> {
    if !s.text.trim_end().ends_with('?') {
        return None;
    }
    let first = (0..s.tokens.len()).find(|&i| s.tokens[i].is_word)?;
    why_did_no_one(s, first)
        .or_else(|| inverted_modal(s, first))
        .or_else(|| surely_could_have(s))
        .or_else(|| how_does_someone(s, first))
        .or_else(|| what_were_they_thinking(s))
        .or_else(|| who_would_ever(s, first))
        .or_else(|| what_could_go_wrong(s))
        .or_else(|| was_nobody_going_to(s, first))
}

/// "How does a senior engineer push to main without running the tests?": asking how a person
/// could act without the step is saying they should not have.
fn how_does_someone(s: &Sentence, first: usize) -> Option<Hit> {
    let how = matches!(s.word(first), "how" | "why")
        && matches!(
            s.word(first + 1),
            "does" | "do" | "did" | "could" | "can" | "would"
        );
    let without = (first + 2..s.tokens.len()).any(|j| s.word(j) == "without");
    (how && without && person_within(s, first + 2, 4))
        .then(|| Hit::new(BlameKind::Counterfactual, first, first + 1))
}

/// "Who in their right mind schedules a rotation at the open?", "Who on earth approved
/// this?": disbelief that anyone would act so is a judgement of whoever did.
fn who_would_ever(s: &Sentence, first: usize) -> Option<Hit> {
    let disbelief = s
        .positions(&["mind"])
        .any(|i| s.word(i.wrapping_sub(1)) == "right")
        || s.word(first + 1) == "on" && s.word(first + 2) == "earth"
        || s.positions(&["idea"])
            .any(|i| s.word(i.wrapping_sub(1)) == "good");
    (s.word(first) == "who" && disbelief).then(|| Hit::new(BlameKind::Counterfactual, first, first))
}

/// "Of course the contractor picked Friday at five; what could possibly go wrong?": sarcasm
/// about a person's choice.
fn what_could_go_wrong(s: &Sentence) -> Option<Hit> {
    s.positions(&["wrong"]).find_map(|i| {
        let asked = s.word(i.wrapping_sub(1)) == "go"
            && (i.saturating_sub(4)..i).any(|j| s.word(j) == "what")
            && (i.saturating_sub(4)..i).any(|j| s.word(j) == "could");
        (asked && person_within(s, 0, i.saturating_sub(4)))
            .then(|| Hit::new(BlameKind::Counterfactual, i - 1, i))
    })
}

/// "Was nobody on the app team going to try the build before it shipped?": asking whether no
/// one meant to do the step says someone should have.
fn was_nobody_going_to(s: &Sentence, first: usize) -> Option<Hit> {
    let asks_no_one = matches!(s.word(first), "was" | "were" | "did" | "is" | "could")
        && (first + 1..(first + 3).min(s.tokens.len())).any(|j| s.says_no_one(j));
    asks_no_one.then(|| Hit::new(BlameKind::Counterfactual, first, first + 1))
}

/// "What exactly was the team thinking when they load-tested against the live shard?"
fn what_were_they_thinking(s: &Sentence) -> Option<Hit> {
    s.positions(&["thinking"]).find_map(|i| {
        let asked = (i.saturating_sub(8)..i).any(|j| s.word(j) == "what")
            && (i.saturating_sub(7)..i).any(|j| matches!(s.word(j), "was" | "were" | "is" | "are"));
        (asked && person_within(s, i.saturating_sub(5), 5))
            .then(|| Hit::new(BlameKind::Counterfactual, i, i))
    })
}

/// "Why did nobody on the platform team think to test ...", "How did no one notice ...",
/// "Why didn't the on-call engineer escalate?": a question about why a person did not act.
fn why_did_no_one(s: &Sentence, first: usize) -> Option<Hit> {
    if !matches!(s.word(first), "why" | "how") {
        return None;
    }
    let aux = first + 1;
    let negated_aux = matches!(
        s.word(aux),
        "didn't" | "wasn't" | "weren't" | "hadn't" | "couldn't" | "wouldn't" | "hasn't"
    );
    let plain_aux = matches!(
        s.word(aux),
        "did" | "was" | "were" | "had" | "could" | "has"
    );
    let no_one_after = s.says_no_one(aux + 1);
    let person_after = person_within(s, aux + 1, 4);
    ((plain_aux && no_one_after) || (negated_aux && (person_after || no_one_after)))
        .then(|| Hit::new(BlameKind::Counterfactual, first, aux + 1))
}

/// "Surely someone could have picked up the phone?": a modal of hindsight with a person as
/// its subject, asked as if the answer were obvious.
fn surely_could_have(s: &Sentence) -> Option<Hit> {
    s.positions(&["surely"]).find_map(|i| {
        let modal = (i + 1..(i + 6).min(s.tokens.len())).find(|&j| {
            matches!(s.word(j), "could" | "should" | "would") && s.word(j + 1) == "have"
        })?;
        person_within(s, i + 1, 3).then(|| Hit::new(BlameKind::Counterfactual, i, modal + 1))
    })
}

/// "Couldn't somebody have glanced at the graph?", "Shouldn't the reviewer have caught it?":
/// the modal put first asks why a person did not.
fn inverted_modal(s: &Sentence, first: usize) -> Option<Hit> {
    // Only the negated form reproaches: "Could someone have caught this?" is a real question.
    let modal = matches!(s.word(first), "couldn't" | "shouldn't" | "wouldn't");
    let have = (first + 1..(first + 5).min(s.tokens.len())).find(|&j| s.word(j) == "have")?;
    (modal && person_within(s, first + 1, have - first - 1))
        .then(|| Hit::new(BlameKind::Counterfactual, first, have))
}

/// A person among the `n` words from `from`: a pronoun, a role or a name. The words before the
/// verb of a question are its subject ("didn't *the on-call engineer* page ...").
fn person_within(s: &Sentence, from: usize, n: usize) -> bool {
    (from..(from + n).min(s.tokens.len())).any(|j| {
        matches!(
            s.word(j),
            "we" | "they"
                | "you"
                | "he"
                | "she"
                | "i"
                | "anyone"
                | "anybody"
                | "someone"
                | "somebody"
        ) || is_noun_in(s.word(j), PERSON_NOUNS)
            || (s.tokens[j].is_word && name_shaped(s.tokens[j].text))
    })
}

#[cfg(test)]
mod tests {
    use crate::blame::detect;

    #[test]
    fn questions_that_reproach_people_are_blame() {
        for text in [
            "Why did nobody on the release team check the checksum before publishing?",
            "How did no one notice the disk at 99% for a week?",
            "Why didn't the on-call engineer page the database owner?",
            "Surely somebody could have rolled it back before midnight?",
            "How did the release manager tag the build without reading the changelog?",
            "What were the DBAs thinking when they dropped the index at noon?",
        ] {
            assert!(detect(text).is_some(), "{text}");
        }
    }

    #[test]
    fn real_questions_are_not() {
        for text in [
            "Why did the health check pass while the pool was empty?",
            "How did the cache end up holding stale keys?",
            "Why didn't the alert fire at 90%?",
            "Could someone have caught this with a canary?",
            "How does the scheduler place pods without a quota?",
            "What is the controller thinking it should reconcile?",
        ] {
            assert!(detect(text).is_none(), "{text}");
        }
    }
}
