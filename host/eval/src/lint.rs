//! Evaluation set: lint (being written).
