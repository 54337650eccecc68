//! Chat markup taken out of a question before it is ranked: Slack writes mentions as
//! `<@U024BE7LH>`, links as `<https://…|label>`, channels as `<#C123|ops>` and emoji as
//! `:rotating_light:`. Left in, their letters become search terms and pull the embedding
//! towards "rotating light" instead of what broke.
//!
//! ```
//! use seen_before_index::without_chat_markup;
//!
//! let typed = ":rotating_light: <@U024BE7LH> checkout 502s, see <https://grafana.example/d/1|the dashboard> in <#C1|ops>";
//! assert_eq!(without_chat_markup(typed), "checkout 502s, see the dashboard in #ops");
//! ```

/// `text` without Slack mentions, emoji codes and link brackets (a link keeps its label, or
/// its address when it has none); white space collapsed.
pub fn without_chat_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('>') {
            // Slack's brackets hold a target without spaces, and maybe a `|label` with them.
            Some(close) if !target_of(&after[..close]).contains(char::is_whitespace) => {
                out.push_str(&bracketed(&after[..close]));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let words: Vec<&str> = out
        .split_whitespace()
        .filter(|w| !is_emoji_code(w))
        .collect();
    words.join(" ")
}

fn target_of(inner: &str) -> &str {
    inner.split('|').next().unwrap_or(inner)
}

/// What a `<…>` stands for in plain text.
fn bracketed(inner: &str) -> String {
    let (target, label) = inner.split_once('|').unwrap_or((inner, ""));
    if target.starts_with('@') || target.starts_with("!") {
        // A mention or a broadcast (`<!here>`): who was pinged says nothing about what broke.
        return String::new();
    }
    if let Some(channel) = target.strip_prefix('#') {
        return format!("#{}", if label.is_empty() { channel } else { label });
    }
    if label.is_empty() {
        target.to_string()
    } else {
        label.to_string()
    }
}

/// `:rotating_light:`, `:+1:`, `:white_check_mark:`; not `09:43` or `re:`.
fn is_emoji_code(word: &str) -> bool {
    let word = word.trim_end_matches([',', '.', ';', '!', '?']);
    let Some(inner) = word.strip_prefix(':').and_then(|w| w.strip_suffix(':')) else {
        return false;
    };
    !inner.is_empty()
        && inner.chars().any(|c| c.is_ascii_alphabetic())
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_left_alone() {
        let text = "db at 09:43:12 re: failover <- primary, a<b";
        assert_eq!(without_chat_markup(text), text);
    }

    #[test]
    fn markup_goes_and_labels_stay() {
        assert_eq!(
            without_chat_markup("<!here> :fire: api down :fire: <https://status.example>"),
            "api down https://status.example"
        );
    }
}
