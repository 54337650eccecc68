//! Agreement of a grouping of postmortems with the corpus's category labels
//! (`postmortems/corpus.jsonl`, field `categories`).
//!
//! The labels are several per entry, partly keyword rules, and name causes at a coarser grain
//! than mechanisms (`config-error` holds a bad router rule and a missing environment variable
//! alike). So two views are scored:
//! - **primary category** (the first one listed) as a single label per entry: adjusted Rand
//!   index, NMI and purity, the usual clustering scores, which need one label each;
//! - **all categories**: pairwise precision (of pairs grouped together, the share that share
//!   at least one category) and recall (of pairs sharing a category, the share grouped
//!   together), and per category how pure the groups led by it are.
//!
//! Entries without categories cannot be scored and are left out by the caller.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::seen_before::Query;

/// Adjusted Rand index of two partitions of the same items (`a[i]`, `b[i]` are item `i`'s
/// cluster and class): 1 for identical partitions, about 0 for chance agreement, negative
/// for worse than chance (Hubert & Arabie 1985). Two trivial partitions (everything in one
/// cluster, or everything alone, on both sides) score 1.
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len().min(b.len());
    let pairs = |count: usize| (count * count.saturating_sub(1) / 2) as f64;
    let (table, rows, columns) = contingency(&a[..n], &b[..n]);
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let sum_rows: f64 = rows.values().map(|&c| pairs(c)).sum();
    let sum_columns: f64 = columns.values().map(|&c| pairs(c)).sum();
    let total = pairs(n);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sum_rows * sum_columns / total;
    let max = (sum_rows + sum_columns) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Normalised mutual information of two partitions, with the arithmetic mean of the two
/// entropies as normaliser (as in Manning et al., *Introduction to Information Retrieval*,
/// §16.3, and scikit-learn's default). 1 for identical partitions, 0 for independent ones.
pub fn normalized_mutual_information(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 1.0;
    }
    let (table, rows, columns) = contingency(&a[..n], &b[..n]);
    let n = n as f64;
    let mutual: f64 = table
        .iter()
        .map(|(&(i, j), &c)| {
            let c = c as f64;
            c / n * (n * c / (rows[&i] as f64 * columns[&j] as f64)).ln()
        })
        .sum();
    let entropy = |counts: &BTreeMap<usize, usize>| -> f64 {
        counts
            .values()
            .map(|&c| {
                let p = c as f64 / n;
                -p * p.ln()
            })
            .sum()
    };
    let (ha, hb) = (entropy(&rows), entropy(&columns));
    if ha + hb == 0.0 {
        return 1.0;
    }
    (2.0 * mutual / (ha + hb)).clamp(0.0, 1.0)
}

/// Purity: the share of items whose cluster's most common class is their own class.
pub fn purity(clusters: &[usize], classes: &[usize]) -> f64 {
    let n = clusters.len().min(classes.len());
    if n == 0 {
        return 0.0;
    }
    let (table, _, _) = contingency(&clusters[..n], &classes[..n]);
    let mut best: BTreeMap<usize, usize> = BTreeMap::new();
    for (&(cluster, _), &count) in &table {
        let entry = best.entry(cluster).or_default();
        *entry = (*entry).max(count);
    }
    best.values().sum::<usize>() as f64 / n as f64
}

type Counts = BTreeMap<usize, usize>;

fn contingency(a: &[usize], b: &[usize]) -> (BTreeMap<(usize, usize), usize>, Counts, Counts) {
    let mut table = BTreeMap::new();
    let mut rows = BTreeMap::new();
    let mut columns = BTreeMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *columns.entry(y).or_default() += 1;
    }
    (table, rows, columns)
}

/// Pairwise agreement with multi-label classes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pairwise {
    /// Of the pairs grouped together, the share that share at least one category.
    pub precision: f64,
    /// Of the pairs that share at least one category, the share grouped together.
    pub recall: f64,
    /// Pairs grouped together.
    pub grouped_pairs: usize,
}

/// Pairwise precision and recall of `clusters` against each item's set of `labels`.
pub fn pairwise(clusters: &[usize], labels: &[Vec<String>]) -> Pairwise {
    let n = clusters.len().min(labels.len());
    let (mut grouped, mut related, mut both) = (0usize, 0usize, 0usize);
    for i in 0..n {
        for j in (i + 1)..n {
            let together = clusters[i] == clusters[j];
            let shares = labels[i].iter().any(|l| labels[j].contains(l));
            grouped += usize::from(together);
            related += usize::from(shares);
            both += usize::from(together && shares);
        }
    }
    let share = |x: usize, of: usize| if of == 0 { 0.0 } else { x as f64 / of as f64 };
    Pairwise {
        precision: share(both, grouped),
        recall: share(both, related),
        grouped_pairs: grouped,
    }
}

/// How one category fares in a grouping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    /// Entries carrying the category (among any of their categories).
    pub entries: usize,
    /// Groups of two or more whose most common category (counting every category of every
    /// member; ties to the rarer category in the whole set, then by name) is this one.
    pub groups_led: usize,
    /// In those groups, the share of members carrying the category: its purity.
    pub purity: Option<f64>,
    /// Of the entries carrying it, the share in a group with another entry carrying it.
    pub together: f64,
}

/// Per-category purity and cohesion of `clusters` against each item's `labels`.
pub fn per_category(clusters: &[usize], labels: &[Vec<String>]) -> BTreeMap<String, CategoryScore> {
    let n = clusters.len().min(labels.len());
    let mut support: BTreeMap<&str, usize> = BTreeMap::new();
    for l in labels[..n].iter().flatten() {
        *support.entry(l.as_str()).or_default() += 1;
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &c) in clusters[..n].iter().enumerate() {
        groups.entry(c).or_default().push(i);
    }
    let mut led: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut together: BTreeMap<&str, usize> = BTreeMap::new();
    for members in groups.values().filter(|m| m.len() >= 2) {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for l in members.iter().flat_map(|&i| &labels[i]) {
            *counts.entry(l.as_str()).or_default() += 1;
        }
        for (&label, &count) in &counts {
            if count >= 2 {
                *together.entry(label).or_default() += count;
            }
        }
        let leader = counts
            .iter()
            .max_by(|a, b| {
                a.1.cmp(b.1)
                    .then_with(|| support[b.0].cmp(&support[a.0]))
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(&l, &c)| (l, c));
        if let Some((label, count)) = leader {
            let entry = led.entry(label).or_default();
            entry.0 += 1;
            entry.1 += count;
            entry.2 += members.len();
        }
    }
    support
        .iter()
        .map(|(&label, &entries)| {
            let (groups_led, carrying, members) = led.get(label).copied().unwrap_or_default();
            let score = CategoryScore {
                entries,
                groups_led,
                purity: (members > 0).then(|| carrying as f64 / members as f64),
                together: together.get(label).copied().unwrap_or(0) as f64 / entries as f64,
            };
            (label.to_string(), score)
        })
        .collect()
}

/// Every figure of one grouping against the labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Groups, singletons included.
    pub clusters: usize,
    /// Groups of two or more.
    pub groups: usize,
    /// Entries in a group of two or more.
    pub grouped: usize,
    /// Adjusted Rand index against the primary category.
    pub ari: f64,
    /// NMI against the primary category.
    pub nmi: f64,
    /// Purity against the primary category, over entries in groups of two or more (a
    /// singleton is trivially pure).
    pub purity_grouped: Option<f64>,
    /// Pairwise precision and recall against all categories.
    pub pairwise: Pairwise,
}

/// Scores `clusters` against `labels` (each item's categories, first = primary; none empty).
pub fn agreement(clusters: &[usize], labels: &[Vec<String>]) -> Agreement {
    let primary = primary_classes(labels);
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    clusters
        .iter()
        .for_each(|&c| *sizes.entry(c).or_default() += 1);
    let in_groups: Vec<usize> = (0..clusters.len())
        .filter(|&i| sizes[&clusters[i]] >= 2)
        .collect();
    let pick = |v: &[usize]| -> Vec<usize> { in_groups.iter().map(|&i| v[i]).collect() };
    Agreement {
        clusters: sizes.len(),
        groups: sizes.values().filter(|&&s| s >= 2).count(),
        grouped: in_groups.len(),
        ari: adjusted_rand_index(clusters, &primary),
        nmi: normalized_mutual_information(clusters, &primary),
        purity_grouped: (!in_groups.is_empty()).then(|| purity(&pick(clusters), &pick(&primary))),
        pairwise: pairwise(clusters, labels),
    }
}

/// Each item's first category as a class number (items without one share class `usize::MAX`).
pub fn primary_classes(labels: &[Vec<String>]) -> Vec<usize> {
    let mut numbers: BTreeMap<&str, usize> = BTreeMap::new();
    labels
        .iter()
        .map(|l| match l.first() {
            Some(first) => {
                let next = numbers.len();
                *numbers.entry(first.as_str()).or_insert(next)
            }
            None => usize::MAX,
        })
        .collect()
}

/// Mechanism-grain labels from the seen-before queries (`postmortems/queries.jsonl`): two
/// entries both graded 2 ("same failure mechanism or lesson") for one query should be grouped
/// together; two graded entries never relevant to a common query should not.
#[derive(Debug, Clone, Default)]
pub struct MechanismPairs {
    /// Entries graded 2 for some query of the set: the pairs scored are among these.
    pub entries: BTreeSet<String>,
    /// Pairs (in id order) both graded 2 for one query.
    pub same: BTreeSet<(String, String)>,
}

impl MechanismPairs {
    /// The pairs of `queries`.
    pub fn of<'a>(queries: impl IntoIterator<Item = &'a Query>) -> MechanismPairs {
        let mut pairs = MechanismPairs::default();
        for q in queries {
            let top: Vec<&String> = q
                .relevant
                .iter()
                .filter(|(_, g)| **g >= 2)
                .map(|(id, _)| id)
                .collect();
            pairs.entries.extend(top.iter().map(|id| id.to_string()));
            for (i, a) in top.iter().enumerate() {
                for b in &top[i + 1..] {
                    pairs.same.insert(ordered(a, b));
                }
            }
        }
        pairs
    }
}

/// Pairs (in id order) relevant at any grade to one query of `queries`: neither same nor
/// different, so left out of the negatives.
pub fn related_pairs<'a>(
    queries: impl IntoIterator<Item = &'a Query>,
) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for q in queries {
        let ids: Vec<&String> = q.relevant.keys().collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                out.insert(ordered(a, b));
            }
        }
    }
    out
}

fn ordered(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Agreement with mechanism pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairScore {
    /// Of the scored pairs grouped together, the share labelled the same mechanism.
    pub precision: f64,
    /// Of the pairs labelled the same mechanism, the share grouped together.
    pub recall: f64,
    /// Harmonic mean of the two (0 when both are 0).
    pub f1: f64,
    /// Pairs labelled the same mechanism.
    pub same: usize,
    /// Scored pairs grouped together.
    pub grouped: usize,
}

/// Scores a clustering of `ids` against `pairs`; pairs in `related` that are not labelled
/// the same are not counted either way.
pub fn pair_score(
    ids: &[&str],
    clusters: &[usize],
    pairs: &MechanismPairs,
    related: &BTreeSet<(String, String)>,
) -> PairScore {
    let scored: Vec<usize> = (0..ids.len().min(clusters.len()))
        .filter(|&i| pairs.entries.contains(ids[i]))
        .collect();
    let (mut true_positive, mut false_positive, mut same) = (0usize, 0usize, 0usize);
    for (x, &i) in scored.iter().enumerate() {
        for &j in &scored[x + 1..] {
            let pair = ordered(ids[i], ids[j]);
            let together = clusters[i] == clusters[j];
            if pairs.same.contains(&pair) {
                same += 1;
                true_positive += usize::from(together);
            } else if !related.contains(&pair) {
                false_positive += usize::from(together);
            }
        }
    }
    let share = |x: usize, of: usize| if of == 0 { 0.0 } else { x as f64 / of as f64 };
    let precision = share(true_positive, true_positive + false_positive);
    let recall = share(true_positive, same);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PairScore {
        precision,
        recall,
        f1,
        same,
        grouped: true_positive + false_positive,
    }
}

/// What the labels can and cannot tell about a grouping by mechanism; printed with the figures.
pub const CAVEATS: &str = "The categories are hints, not ground truth: part of them come from \
keyword rules over the title and summary, so a grouping by shared wording is favoured by them. \
They are multi-label (the primary-label scores use the first one listed and ignore the rest; the \
pairwise and per-category figures use all). They name causes at a coarser grain than mechanisms: \
one category (config-error, automation) spans many mechanisms, so a grouping that splits it into \
mechanisms scores lower recall and ARI while being right, and high agreement would mean grouping \
by category, not mechanism. Read them as a sanity check (groups should be pure in their leading \
category) and for comparing methods on the same labels, not as an accuracy.";

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Manning, Raghavan & Schütze, IIR §16.3 (figure 16.4): three clusters of
    /// 17 points in three classes (x = 0, o = 1, ◇ = 2).
    fn iir() -> (Vec<usize>, Vec<usize>) {
        let clusters = [vec![0; 6], vec![1; 6], vec![2; 5]].concat();
        let classes = vec![0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 2, 0, 0, 2, 2, 2];
        (clusters, classes)
    }

    #[test]
    fn textbook_values() {
        let (clusters, classes) = iir();
        // IIR gives purity ≈ 0.71 and NMI ≈ 0.36; the Rand index there is 0.68 from TP = 20,
        // FP = 20, FN = 24, TN = 72, which adjusts to (20 − 40·44/136) / (42 − 40·44/136).
        assert!((purity(&clusters, &classes) - 12.0 / 17.0).abs() < 1e-12);
        let nmi = normalized_mutual_information(&clusters, &classes);
        assert!((nmi - 0.364_561_771_857).abs() < 1e-9, "{nmi}");
        let expected = 40.0 * 44.0 / 136.0;
        let ari = adjusted_rand_index(&clusters, &classes);
        assert!(
            (ari - (20.0 - expected) / (42.0 - expected)).abs() < 1e-12,
            "{ari}"
        );
        assert!((ari - 0.242_914_979_757).abs() < 1e-9);
    }

    #[test]
    fn scikit_learn_documentation_values() {
        // adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.5714...
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((ari - 4.0 / 7.0).abs() < 1e-12);
        // Renaming clusters changes nothing; unrelated partitions score 0.
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
        assert_eq!(adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3]), 0.0);
        assert_eq!(
            normalized_mutual_information(&[0, 0, 1, 1], &[1, 1, 0, 0]),
            1.0
        );
        assert_eq!(
            normalized_mutual_information(&[0, 0, 0, 0], &[0, 1, 2, 3]),
            0.0
        );
    }

    fn labels(sets: &[&[&str]]) -> Vec<Vec<String>> {
        sets.iter()
            .map(|s| s.iter().map(|l| l.to_string()).collect())
            .collect()
    }

    #[test]
    fn pairwise_counts_any_shared_category() {
        let labels = labels(&[&["dns"], &["dns", "network"], &["network"], &["disk"]]);
        // Grouped pairs: (0,1) shares dns, (2,3) shares nothing. Related pairs: (0,1), (1,2).
        let p = pairwise(&[0, 0, 1, 1], &labels);
        assert_eq!(p.grouped_pairs, 2);
        assert!((p.precision - 0.5).abs() < 1e-12);
        assert!((p.recall - 0.5).abs() < 1e-12);
    }

    #[test]
    fn per_category_purity_and_together() {
        let labels = labels(&[
            &["dns"],
            &["dns", "network"],
            &["dns"],
            &["network"],
            &["network"],
        ]);
        let scores = per_category(&[0, 0, 0, 1, 2], &labels);
        let dns = &scores["dns"];
        assert_eq!((dns.entries, dns.groups_led), (3, 1));
        assert_eq!(dns.purity, Some(1.0));
        assert_eq!(dns.together, 1.0);
        let network = &scores["network"];
        assert_eq!(
            (network.entries, network.groups_led, network.purity),
            (3, 0, None)
        );
        assert_eq!(network.together, 0.0);
    }

    #[test]
    fn mechanism_pairs_count_same_and_skip_merely_related() {
        let query = |relevant: &[(&str, u8)]| Query {
            id: "q".into(),
            query: String::new(),
            relevant: relevant
                .iter()
                .map(|(id, g)| (id.to_string(), *g))
                .collect(),
            archetype: None,
            lexical_overlap: None,
            lexical_overlap_score: None,
            style: None,
        };
        let queries = [
            query(&[("a", 2), ("b", 2), ("c", 1)]),
            query(&[("c", 2), ("d", 2)]),
        ];
        let pairs = MechanismPairs::of(&queries);
        let related = related_pairs(&queries);
        assert_eq!(pairs.same.len(), 2);
        // (a,b) and (c,d) are the same; (a,c) and (b,c) are only related; (a,d), (b,d) differ.
        let ids = ["a", "b", "c", "d"];
        let all_together = pair_score(&ids, &[0, 0, 0, 0], &pairs, &related);
        assert_eq!((all_together.grouped, all_together.same), (4, 2));
        assert!((all_together.precision - 0.5).abs() < 1e-12);
        assert_eq!(all_together.recall, 1.0);
        let right = pair_score(&ids, &[0, 0, 1, 1], &pairs, &related);
        assert_eq!((right.precision, right.recall, right.f1), (1.0, 1.0, 1.0));
        let apart = pair_score(&ids, &[0, 1, 2, 3], &pairs, &related);
        assert_eq!((apart.precision, apart.recall, apart.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn agreement_counts_groups_and_primary_purity() {
        let labels = labels(&[&["dns"], &["dns"], &["disk"], &["disk", "dns"]]);
        let a = agreement(&[0, 0, 1, 2], &labels);
        assert_eq!((a.clusters, a.groups, a.grouped), (3, 1, 2));
        assert_eq!(a.purity_grouped, Some(1.0));
    }
}
