//! Evaluation set: signatures (being written).
