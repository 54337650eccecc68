//! Rhyme host.
