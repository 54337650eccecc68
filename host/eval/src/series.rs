//! Metric series files (being written).
