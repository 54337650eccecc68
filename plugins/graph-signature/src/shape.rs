//! The six shapes of the catalog, with what each often means and what to check first.
//!
//! The wording is the project's own summary of DESIGN.md's graph-signature catalog: short
//! enough to read at 3 a.m., concrete enough to act on.

/// A named metric shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    StairStep,
    CliffDrop,
    Oscillation,
    Flatline,
    SpikeThenSettle,
    PlateauUnderPeak,
}

impl Shape {
    /// Every shape, in catalog order.
    pub const ALL: [Shape; 6] = [
        Shape::StairStep,
        Shape::CliffDrop,
        Shape::Oscillation,
        Shape::Flatline,
        Shape::SpikeThenSettle,
        Shape::PlateauUnderPeak,
    ];

    /// The stable id used in findings, labels and the eval (`stair-step`, `cliff-drop`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Shape::StairStep => "stair-step",
            Shape::CliffDrop => "cliff-drop",
            Shape::Oscillation => "oscillation",
            Shape::Flatline => "flatline",
            Shape::SpikeThenSettle => "spike-then-settle",
            Shape::PlateauUnderPeak => "plateau-under-peak",
        }
    }

    /// Parses an id as returned by [`Shape::id`].
    pub fn from_id(id: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.id() == id)
    }

    /// A human name for the shape.
    pub fn name(self) -> &'static str {
        match self {
            Shape::StairStep => "stair-step rise",
            Shape::CliffDrop => "cliff drop",
            Shape::Oscillation => "oscillation",
            Shape::Flatline => "flatline",
            Shape::SpikeThenSettle => "spike then settle",
            Shape::PlateauUnderPeak => "plateau under a peak",
        }
    }

    /// What this shape most often turns out to be, most likely first.
    pub fn meanings(self) -> &'static [&'static str] {
        match self {
            Shape::StairStep => &[
                "memory or handle leak that grows with each batch of work",
                "queue or backlog building up faster than it drains",
                "cache or buffer with no eviction bound",
            ],
            Shape::CliffDrop => &[
                "a deploy or config change that broke the path",
                "DNS, CDN or cache invalidation sending traffic elsewhere",
                "an upstream dependency or network link cut off",
            ],
            Shape::Oscillation => &[
                "autoscaler adding and removing capacity in a loop",
                "retries piling up, backing off, then piling up again",
                "a control or feedback loop overcorrecting",
            ],
            Shape::Flatline => &[
                "no traffic reaching the service",
                "metrics pipeline or exporter stopped reporting",
                "the process is dead or hung and a stale value is held",
            ],
            Shape::SpikeThenSettle => &[
                "a one-off blip such as a batch job or burst of requests",
                "a failover that healed on its own",
            ],
            Shape::PlateauUnderPeak => &[
                "a rate limit or quota capping the real demand",
                "a connection, thread or worker pool exhausted at its size",
                "CPU or bandwidth saturated at its ceiling",
            ],
        }
    }

    /// The first thing a responder should look at.
    pub fn first_check(self) -> &'static str {
        match self {
            Shape::StairStep => {
                "Look at restart and GC timing and at queue depth: does each step follow a batch, a deploy or a missed cleanup?"
            }
            Shape::CliffDrop => {
                "Find the last change before the drop (deploy, config, DNS, CDN) and compare its time with the edge."
            }
            Shape::Oscillation => {
                "Line the swings up with scaling events and retry settings: does the period match a cooldown or backoff?"
            }
            Shape::Flatline => {
                "Check that the collector and the process are alive, then whether any traffic is arriving at all."
            }
            Shape::SpikeThenSettle => {
                "Check whether it happened before at the same time of day and what else moved in that minute."
            }
            Shape::PlateauUnderPeak => {
                "Compare the ceiling with configured limits, pool sizes and quotas; look for throttling counters."
            }
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
