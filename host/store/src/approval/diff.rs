//! The record of a reviewer's edit: a unified diff from the proposed text to the approved one.

use similar::TextDiff;

/// A unified diff (3 lines of context) from `before` to `after`; empty when they are equal.
///
/// ```
/// let diff = rhyme_store::approval::unified_diff("a\nb\n", "a\nc\n");
/// assert!(diff.contains("-b\n+c\n"));
/// ```
pub fn unified_diff(before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header("proposed", "approved")
        .to_string()
}
