//! Review lint shared by plugins: blame language and the five-element action item spec.
//!
//! Two plugins read drafts with it: the anti-pattern plugin flags blame language posted to an
//! incident timeline, and the draft-summary plugin lints drafted postmortems before review.
//! Everything is pure text in, findings out: no I/O, no clock, so it runs the same natively
//! and in the wasm32-wasip2 sandbox.
//!
//! | module | job |
//! |---|---|
//! | [`blame`] | find blame language in a sentence or a text, with a blameless rewording |
//! | [`action_item`] | check an action item for owner, verb, outcome, ticket and deadline |
//! | [`document`] | lint a whole document line by line: blame, and action items under their heading |

pub mod action_item;
pub mod blame;
pub mod document;
mod lemma;
mod text;
mod wordnet;
