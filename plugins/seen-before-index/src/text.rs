//! Turning free text into the terms lexical matching compares: lowercase words, common
//! English function words dropped, and a crude suffix strip so "failing", "failed" and
//! "fails" meet.

/// Words too common to tell incidents apart.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "to", "in", "on", "at", "by",
    "for", "with", "from", "into", "onto", "over", "under", "as", "is", "are", "was", "were", "be",
    "been", "being", "it", "its", "this", "that", "these", "those", "we", "our", "us", "you",
    "your", "they", "their", "them", "he", "she", "his", "her", "i", "me", "my", "not", "no", "so",
    "than", "too", "very", "can", "could", "would", "should", "will", "just", "do", "does", "did",
    "done", "have", "has", "had", "having", "about", "after", "before", "during", "while", "up",
    "down", "out", "off", "again", "further", "once", "here", "there", "when", "where", "why",
    "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "only",
    "own", "same", "also",
];

/// Suffixes stripped (first match wins) when at least three characters remain.
const SUFFIXES: &[&str] = &["ing", "edly", "ed", "es", "s", "ly"];

/// The comparable terms of `text`, in order, repeats kept.
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .filter(|w| w.len() >= 2 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// Like [`terms`], each term paired with the word it came from (lowercased).
pub(crate) fn terms_with_words(text: &str) -> Vec<(String, String)> {
    words(text)
        .filter(|w| w.len() >= 2 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| (stem(&w), w))
        .collect()
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

fn stem(word: &str) -> String {
    for suffix in SUFFIXES {
        if let Some(root) = word.strip_suffix(suffix)
            && root.len() >= 3
        {
            return root.to_string();
        }
    }
    word.to_string()
}

/// Splits text into sentences at `.`, `!` or `?` followed by whitespace, and at line breaks.
pub(crate) use rhyme_core::sentences::sentences_by_line as sentences;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_meet_and_stopwords_go() {
        assert_eq!(terms("The pods were failing"), vec!["pod", "fail"]);
        assert_eq!(terms("failed fails"), vec!["fail", "fail"]);
        assert_eq!(terms("TLS-certs expired!"), vec!["tls", "cert", "expir"]);
    }

    #[test]
    fn sentences_split_on_terminators_and_lines() {
        let s = sentences("Disk filled up. We rotated logs!\nNext line v1.2 stays");
        assert_eq!(
            s,
            vec![
                "Disk filled up.",
                "We rotated logs!",
                "Next line v1.2 stays"
            ]
        );
    }
}
