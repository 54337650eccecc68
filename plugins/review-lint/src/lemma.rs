//! Matching a word against base forms through its regular inflections, so that one list
//! entry (`check`) covers `checks`, `checked` and `checking`.

/// True when `word` is `base` or an inflection of a word in `bases` (`checked`, `noticing`,
/// `escalated`, `skipped`, `studies`).
pub(crate) fn has_lemma(word: &str, bases: &[&str]) -> bool {
    candidates(word).iter().any(|c| bases.contains(&c.as_str()))
}

fn candidates(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    for suffix in ["s", "es", "ed", "d", "ing"] {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| s.len() >= 2) {
            out.push(stem.to_string());
            out.push(format!("{stem}e"));
            if let Some(undoubled) = undouble(stem) {
                out.push(undoubled);
            }
        }
    }
    if let Some(stem) = word
        .strip_suffix("ied")
        .or_else(|| word.strip_suffix("ies"))
    {
        out.push(format!("{stem}y"));
    }
    out
}

/// `skipp` -> `skip`, `stopp` -> `stop`.
fn undouble(stem: &str) -> Option<String> {
    let mut chars = stem.chars().rev();
    let (last, before) = (chars.next()?, chars.next()?);
    (last == before && !"aeiouls".contains(last))
        .then(|| stem[..stem.len() - last.len_utf8()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lemmas_cover_regular_inflections() {
        for word in [
            "checked",
            "noticing",
            "escalated",
            "skipped",
            "studies",
            "reads",
            "read",
        ] {
            assert!(
                has_lemma(
                    word,
                    &["check", "notice", "escalate", "skip", "study", "read"]
                ),
                "{word}"
            );
        }
        assert!(!has_lemma("ready", &["read"]));
    }
}
