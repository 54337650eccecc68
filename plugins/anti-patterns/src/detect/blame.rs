//! Blame language: placeholder until review-lint's shared detector lands.

use crate::context::Context;
use crate::model::Nudge;

pub fn detect(_ctx: &Context) -> Option<Nudge> {
    None
}
