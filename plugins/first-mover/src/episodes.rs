//! Episodes across the columns of one table: when something started to move, and what moved.
//!
//! The detector reads the rows in order, as a live system would, and sees no labels. Each
//! column is scored against its own recent past ([`Baseline`]); an episode opens when one
//! column has stayed past `k` spreads for `persist` rows in a row, or `quorum` columns are past
//! `k_quorum` on the same row; it stays open while any column is past `k`, and closes after
//! `close_after` calm rows (or `max_len` rows in all). While it is open the baselines are
//! frozen. Every column past `k_name` inside the episode is named as having moved; its onset
//! is the first row past that, walked back over the rows just before it that already leaned
//! the same way by `k_onset` spreads, so a ramp is dated from its foot, not from where it
//! crossed the threshold.

use crate::deviation::Baseline;

/// What the detector is tuned by; the defaults are the ones `rhyme eval movers` reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Spreads from the baseline that make a column "moved".
    pub k: f64,
    /// Spreads that name a column as moved once an episode is open (at most `k`): when
    /// something is clearly happening, a smaller move in step with it counts.
    pub k_name: f64,
    /// Spreads that still count when walking back to a column's onset.
    pub k_onset: f64,
    /// Rows in a row past `k` that open an episode on one column alone.
    pub persist: usize,
    /// Columns past `k_quorum` on the same row that open an episode at once: metrics that
    /// agree are rarely noise, so together they need less.
    pub quorum: usize,
    /// Spreads for the quorum (at most `k`).
    pub k_quorum: f64,
    /// Rows in a baseline window (360: six hours of one-minute rows).
    pub window: usize,
    /// Fewest rows a baseline needs before a column is scored at all.
    pub min_window: usize,
    /// Rows between baseline refreshes while no episode is open.
    pub refresh: usize,
    /// Calm rows that close an episode.
    pub close_after: usize,
    /// Longest episode, in rows (60: an hour); a lasting change is then taken as the new
    /// normal. Short on purpose: a disturbance that is still going an hour on has been seen,
    /// and folding what follows into it would hide a second, different move behind the first.
    pub max_len: usize,
    /// Smallest spread, relative to the column's level (see [`Baseline::of`]).
    pub floor: f64,
    /// Furthest a column's onset is walked back before its first row past `k`.
    pub walk_back: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            k: 14.0,
            k_name: 8.4,
            k_onset: 3.0,
            persist: 3,
            quorum: 2,
            k_quorum: 14.0,
            window: 360,
            min_window: 60,
            refresh: 5,
            close_after: 30,
            max_len: 60,
            floor: 0.01,
            walk_back: 30,
        }
    }
}

impl Params {
    /// A plain z-score: the median and standard deviation of the last six hours, refreshed
    /// every row; any column past 3 on any single row opens an episode; no floor, no
    /// walk-back. The comparison point for the tuned detector.
    pub fn plain() -> Params {
        Params {
            k: 3.0,
            k_name: 3.0,
            k_onset: f64::INFINITY,
            persist: 1,
            quorum: 1,
            k_quorum: 3.0,
            refresh: 1,
            floor: 0.0,
            walk_back: 0,
            // Twelve hours, as the first comparison runs had it: no notion of a new normal.
            max_len: 720,
            ..Params::default()
        }
    }
}

/// One column that moved in an episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// Index of the column.
    pub column: usize,
    /// Row where it started to move.
    pub onset: usize,
    /// Its largest deviation in the episode, in spreads (signed).
    pub peak: f64,
}

/// Something moved: from `onset` (the earliest column's) to `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// The row where the detector could first say so (what a live system would alert on).
    pub opened: usize,
    /// The earliest onset of the columns that moved.
    pub onset: usize,
    /// The last row where a column was past `k`.
    pub end: usize,
    /// The columns that moved, earliest first.
    pub moved: Vec<Moved>,
}

/// The episodes of a table given as columns of equal length, one row per step, in order.
pub fn detect(columns: &[Vec<f64>], p: &Params) -> Vec<Episode> {
    let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
    let mut baselines: Vec<Option<Baseline>> = vec![None; columns.len()];
    let mut runs = vec![0usize; columns.len()];
    let mut agree;
    let mut open: Option<Open> = None;
    let mut episodes = Vec::new();
    for i in 0..rows {
        if open.is_none() && (i % p.refresh.max(1) == 0 || baselines.iter().any(Option::is_none)) {
            refresh(&mut baselines, columns, i, p);
        }
        let mut any_hot = false;
        agree = 0;
        for (c, column) in columns.iter().enumerate() {
            let z = baselines[c].map_or(0.0, |b| b.z(column[i]));
            if z.abs() >= p.k_quorum.min(p.k) {
                agree += 1;
            }
            if z.abs() >= p.k {
                runs[c] += 1;
                any_hot = true;
            } else {
                runs[c] = 0;
            }
            if let Some(o) = open.as_mut().filter(|_| z.abs() >= p.k_name.min(p.k)) {
                o.mark(c, i, z);
            }
        }
        match open.as_mut() {
            None if runs.iter().any(|&r| r >= p.persist.max(1)) || agree >= p.quorum.max(1) => {
                let mut o = Open::new(i, columns.len());
                for (c, &r) in runs.iter().enumerate() {
                    let z = baselines[c].map_or(0.0, |b| b.z(columns[c][i]));
                    if r > 0 || z.abs() >= p.k_name.min(p.k) {
                        o.mark(c, i + 1 - r.max(1), z);
                    }
                }
                open = Some(o);
            }
            Some(o) => {
                if any_hot {
                    o.last_hot = i;
                }
                if i - o.last_hot >= p.close_after || i - o.opened >= p.max_len {
                    if let Some(o) = open.take() {
                        episodes.push(o.close(columns, &baselines, p));
                    }
                    refresh(&mut baselines, columns, i + 1, p);
                }
            }
            None => {}
        }
    }
    if let Some(o) = open {
        episodes.push(o.close(columns, &baselines, p));
    }
    episodes
}

fn refresh(baselines: &mut [Option<Baseline>], columns: &[Vec<f64>], i: usize, p: &Params) {
    let from = i.saturating_sub(p.window);
    for (b, column) in baselines.iter_mut().zip(columns) {
        *b = Baseline::of(&column[from..i.min(column.len())], p.min_window, p.floor);
    }
}

/// An episode being read.
struct Open {
    opened: usize,
    last_hot: usize,
    /// Per column: first row past `k` and the peak, once it moved.
    first: Vec<Option<(usize, f64)>>,
}

impl Open {
    fn new(opened: usize, columns: usize) -> Open {
        Open {
            opened,
            last_hot: opened,
            first: vec![None; columns],
        }
    }

    fn mark(&mut self, column: usize, row: usize, z: f64) {
        match &mut self.first[column] {
            Some((_, peak)) if z.abs() > peak.abs() => *peak = z,
            Some(_) => {}
            slot @ None => *slot = Some((row, z)),
        }
    }

    fn close(self, columns: &[Vec<f64>], baselines: &[Option<Baseline>], p: &Params) -> Episode {
        let mut moved: Vec<Moved> = self
            .first
            .iter()
            .enumerate()
            .filter_map(|(c, first)| {
                let (row, peak) = (*first)?;
                let b = baselines[c]?;
                let mut onset = row;
                let lean = |j: usize| b.z(columns[c][j]) * peak.signum() >= p.k_onset;
                while onset > 0 && row - onset < p.walk_back && lean(onset - 1) {
                    onset -= 1;
                }
                Some(Moved {
                    column: c,
                    onset,
                    peak,
                })
            })
            .collect();
        moved.sort_by(|a, b| {
            a.onset
                .cmp(&b.onset)
                .then(b.peak.abs().total_cmp(&a.peak.abs()))
        });
        let onset = moved.first().map_or(self.opened, |m| m.onset);
        Episode {
            opened: self.opened,
            onset,
            end: self.last_hot,
            moved,
        }
    }
}
