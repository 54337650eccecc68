//! Words and sentences with byte offsets, the only text handling the lint needs.
//!
//! The lint reads English written by responders: markdown, code spans, times like `02:14`,
//! contractions typed with either apostrophe. Tokens keep their byte range so a finding can
//! quote the sentence exactly as it was written.

/// One token: a word (letters, digits and the joiners inside them) or one punctuation mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// The token as written.
    pub text: &'a str,
    /// Lowercase, with the typographic apostrophe folded into `'`.
    pub lower: String,
    /// Byte offset of the first character in the input.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// False for a punctuation mark.
    pub is_word: bool,
}

/// Characters that join two alphanumeric runs into one word: `didn't`, `on-call`, `2.5`,
/// `02:14`, `kube_system`, `components/addons`.
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '.' | '_' | '/' | ':')
}

/// Splits `text` into words and punctuation marks; whitespace is dropped.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if c.is_alphanumeric() {
            while j < chars.len() {
                let d = chars[j].1;
                let joins = is_joiner(d) && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric());
                if d.is_alphanumeric() {
                    j += 1;
                } else if joins {
                    j += 2;
                } else {
                    break;
                }
            }
        }
        let end = chars.get(j).map_or(text.len(), |n| n.0);
        tokens.push(token(text, start, end, c.is_alphanumeric()));
        i = j;
    }
    tokens
}

fn token(text: &str, start: usize, end: usize, is_word: bool) -> Token<'_> {
    let raw = &text[start..end];
    Token {
        text: raw,
        lower: raw.to_lowercase().replace('’', "'"),
        start,
        end,
        is_word,
    }
}

/// Abbreviations whose final period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "a.m", "p.m", "etc", "vs", "mr", "ms", "dr", "approx", "incl", "no",
];

/// Splits `text` into sentences, returning each with the byte offset where it starts.
///
/// A sentence ends at `.`, `!` or `?` followed by whitespace, or at a line break; periods
/// inside numbers, file names and common abbreviations do not end one.
pub(crate) fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let at_break = c == '\n'
            || (matches!(c, '.' | '!' | '?')
                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
                && !ends_with_abbreviation(&text[start..i]));
        if at_break {
            push_trimmed(&mut out, text, start, i + c.len_utf8());
            start = i + c.len_utf8();
        }
    }
    push_trimmed(&mut out, text, start, text.len());
    out
}

fn ends_with_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let last = last.to_lowercase();
    let single_initial = last.chars().count() == 1 && last.chars().all(char::is_alphabetic);
    single_initial || ABBREVIATIONS.contains(&last.as_str())
}

fn push_trimmed<'a>(out: &mut Vec<(usize, &'a str)>, text: &'a str, start: usize, end: usize) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if trimmed.chars().any(char::is_alphanumeric) {
        out.push((start + lead, trimmed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.lower).collect()
    }

    #[test]
    fn keeps_contractions_times_and_compounds_whole() {
        assert_eq!(
            words("At 02:14 the on-call didn’t page."),
            ["at", "02:14", "the", "on-call", "didn't", "page", "."]
        );
    }

    #[test]
    fn code_spans_split_into_marks() {
        assert_eq!(words("forgot `-n`"), ["forgot", "`", "-", "n", "`"]);
    }

    #[test]
    fn sentences_keep_offsets_and_skip_abbreviations() {
        let text = "At 11:43 a.m. the pump ran. Version 2.5 shipped, e.g. today!\nNext line";
        let got = sentences(text);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].1, "Version 2.5 shipped, e.g. today!");
        assert_eq!(&text[got[1].0..got[1].0 + 7], "Version");
        assert_eq!(got[2].1, "Next line");
    }
}
