//! Local sentence embeddings for the embed capability (being written).
