//! Durable plugin jobs: what runs plugins on stored events, series and clock ticks, off the
//! request path, exactly once per stored write even across crashes.
//!
//! | module | job |
//! |---|---|
//! | [`queue`] | the bounded job queue; a write reserves its room before it stores anything |
//! | [`lines`] | one line per incident, taking turns; room counted in events, shared fairly |
//! | [`drain`] | how fast work finishes, and so how long a refused client should wait |
//! | [`worker`] | takes jobs off the queue and calls the subscribed plugins; stores their results with the job's step |
//! | [`recovery`] | stored jobs of a crashed process taken over; this process's leases renewed |
//! | [`ticks`] | a clock tick every minute for every open incident |
//! | [`seen_before_job`] | the seen-before finding of a new incident |
//! | [`store_incidents`] | the durable store behind the `incidents` capability (reads awaited by the plugin call), and store ⇄ contract conversions |
//! | [`metrics`] | plugin calls, their durations, limit hits, and the queue's depth, for `/metrics` |

#![warn(missing_docs)]

pub mod drain;
pub mod lines;
pub mod metrics;
pub mod queue;
pub mod recovery;
pub mod seen_before_job;
pub mod store_incidents;
pub mod ticks;
pub mod worker;
