//! Review lint shared by plugins: blame language and the five-element action item spec.
