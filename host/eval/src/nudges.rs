//! Evaluation set: nudges (being written).
