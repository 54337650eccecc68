//! Episodes across the columns of one table: when something started to move, and what moved.
//!
//! The detector reads the rows in order, as a live system would, and sees no labels. Each
//! column is scored against its own recent past ([`Baseline`]), which leaves out the last
//! `lag` rows; an episode opens when one column has stayed past `k` spreads for `persist` rows
//! in a row, or `quorum` columns are past `k_quorum` on the same row; it stays open while any
//! column is past `k`, and closes after `close_after` calm rows (or `max_len` rows in all).
//! While it is open the baselines are frozen. Every column past `k_name` inside the episode
//! is named as having moved; its onset is the first row past that, walked back over the rows
//! just before it that already leaned the same way by `k_onset` spreads, so a ramp is dated
//! from its foot, not from where it crossed the threshold.

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
    /// Calm rows that close an episode (60: as long as the longest, so an episode runs its
    /// hour): a metric that calms for some minutes and moves again is still the same
    /// disturbance, and a second alarm for it would only repeat the first.
    pub close_after: usize,
    /// Longest episode, in rows (60: an hour); a lasting change is then taken as the new
    /// normal. Short on purpose: a disturbance that is still going an hour on has been seen,
    /// and folding what follows into it would hide a second, different move behind the first.
    pub max_len: usize,
    /// Smallest spread, relative to the column's level (see [`Baseline::of`]).
    pub floor: f64,
    /// Furthest a column's onset is walked back before its first row past `k`.
    pub walk_back: usize,
    /// Spreads that name a column moving in step with the episode's strongest column (at most
    /// `k_name`): metrics of one mechanism move together, and a smaller move that follows the
    /// strong one row by row is part of it, where the same move on its own would be noise.
    pub k_with: f64,
    /// How closely (Pearson correlation of deviations over the episode) a column must follow
    /// the strongest one to be named at `k_with`.
    pub r_with: f64,
    /// Rows just before the scored one that the baseline leaves out (5: five minutes, the
    /// refresh interval). A move that builds up over a few rows would otherwise widen the very
    /// spread it is measured against as it climbs, and never get far enough out of it.
    pub lag: usize,
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
            close_after: 60,
            max_len: 60,
            floor: 0.01,
            walk_back: 30,
            k_with: 4.0,
            r_with: 0.7,
            lag: 5,
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
            k_with: f64::INFINITY,
            lag: 0,
            close_after: 30,
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
    let to = i.saturating_sub(p.lag);
    let from = to.saturating_sub(p.window);
    for (b, column) in baselines.iter_mut().zip(columns) {
        *b = Baseline::of(&column[from..to.min(column.len())], p.min_window, p.floor);
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
        moved.extend(in_step(
            &moved,
            columns,
            baselines,
            (self.opened, self.last_hot),
            p,
        ));
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

/// Columns not yet named that follow the episode's strongest column row by row (|r| at least
/// `r_with`) and reach `k_with` spreads: moved with it. Their onset is their first row past
/// `k_with` within the episode.
fn in_step(
    named: &[Moved],
    columns: &[Vec<f64>],
    baselines: &[Option<Baseline>],
    (from, to): (usize, usize),
    p: &Params,
) -> Vec<Moved> {
    let Some(lead) = named
        .iter()
        .max_by(|a, b| a.peak.abs().total_cmp(&b.peak.abs()))
    else {
        return Vec::new();
    };
    let rows = from.min(lead.onset)..=to;
    if rows.end() - rows.start() < 4 || !p.k_with.is_finite() {
        return Vec::new();
    }
    let deviations = |c: usize| -> Option<Vec<f64>> {
        let b = baselines[c]?;
        Some(rows.clone().map(|j| b.z(columns[c][j])).collect())
    };
    let Some(strong) = deviations(lead.column) else {
        return Vec::new();
    };
    (0..columns.len())
        .filter(|c| named.iter().all(|m| m.column != *c))
        .filter_map(|c| {
            let z = deviations(c)?;
            let (at, peak) = z
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))?;
            if peak.abs() < p.k_with || pearson(&strong, &z).abs() < p.r_with {
                return None;
            }
            let first = z.iter().position(|v| v.abs() >= p.k_with).unwrap_or(at);
            Some(Moved {
                column: c,
                onset: rows.start() + first,
                peak: *peak,
            })
        })
        .collect()
}

/// Pearson correlation of two equally long series; 0 when either is flat.
fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len()) as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    if saa <= 0.0 || sbb <= 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Six hours of small noise, then a move from row 400 on: `shape(i)` for rows past it.
    fn column(seed: u64, shape: impl Fn(usize) -> f64) -> Vec<f64> {
        let mut state = seed;
        (0..480)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let noise = ((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.02;
                0.5 + noise + if i >= 400 { shape(i - 400) } else { 0.0 }
            })
            .collect()
    }

    #[test]
    fn a_climb_is_not_measured_against_itself() {
        // A steady climb of one and a half floor spreads a row: each refresh of a baseline that
        // reached the latest row would fold the climb into its own spread, and the column would
        // never stay far enough out of it.
        let climb = [column(4, |j| j as f64 * 0.015)];
        let opened = |p: &Params| detect(&climb, p).iter().any(|e| e.opened >= 400);
        assert!(opened(&Params::default()));
        assert!(
            !opened(&Params {
                lag: 0,
                ..Params::default()
            }),
            "without the lag the climb widens its own baseline"
        );
    }

    #[test]
    fn a_smaller_move_in_step_with_the_strong_one_is_named_and_an_unrelated_one_is_not() {
        let ramp = |j: usize| (j.min(20) as f64) * 0.02;
        let strong = column(1, ramp);
        // About a seventh of the strong move, row by row: below `k_name`, past `k_with`.
        let follower = column(2, |j| ramp(j) * 0.15);
        // As large as the follower, but a step that does not follow the ramp's course.
        let unrelated = column(3, |j| if (5..9).contains(&j) { 0.06 } else { 0.0 });
        let columns = [strong, follower, unrelated];
        let named = |p: &Params| -> Vec<usize> {
            detect(&columns, p)[0]
                .moved
                .iter()
                .map(|m| m.column)
                .collect()
        };
        let with_rule = named(&Params::default());
        assert!(
            with_rule.contains(&0) && with_rule.contains(&1),
            "{with_rule:?}"
        );
        assert!(!with_rule.contains(&2), "{with_rule:?}");
        let without = Params {
            k_with: f64::INFINITY,
            ..Params::default()
        };
        assert_eq!(
            named(&without),
            vec![0],
            "without the in-step rule only the strong column is named"
        );
    }
}
