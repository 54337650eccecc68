//! Evaluation set: seen_before (being written).
