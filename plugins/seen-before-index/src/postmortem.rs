//! A past incident write-up as the plugin receives it: the corpus format of `rhyme-core`, so
//! that the host's corpus and the plugin's index hold one definition of a postmortem.

pub use rhyme_core::postmortem::Postmortem;
