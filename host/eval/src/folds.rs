//! Cross-validation folds: which held-out fold each labelled item belongs to.
//!
//! A figure measured on the items a method was fitted to says little about items it has not
//! seen. `rhyme eval ... --folds K` fits whatever the method learns on K−1 folds and scores
//! the K-th, for each K; the figures it prints are the held-out ones.
//!
//! Folds are deterministic (a hash of each id, not a random seed) and stratified: items are
//! dealt round-robin within each stratum (a label, a class), so every fold holds about the same
//! share of each.
//!
//! ```
//! use rhyme_eval::folds::assign;
//!
//! let ids = ["b-1", "b-2", "b-3", "b-4", "b-5", "b-6"];
//! let labels = [true, true, true, false, false, false];
//! let folds = assign(&ids, &labels, 3).unwrap();
//! // Each fold holds one blame and one not-blame item.
//! for fold in 0..3 {
//!     let held: Vec<usize> = (0..6).filter(|&i| folds[i] == fold).collect();
//!     assert_eq!(held.len(), 2);
//!     assert_ne!(labels[held[0]], labels[held[1]]);
//! }
//! ```

use std::collections::BTreeMap;

/// A fold count that cannot split the items.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--folds {folds} needs at least 2 folds and at most one per item ({items} items)")]
pub struct FoldsError {
    /// The requested number of folds.
    pub folds: usize,
    /// The number of items to split.
    pub items: usize,
}

/// The fold (0..k) of each item, stratified by `strata` (one key per item).
pub fn assign<S: Ord + Clone>(
    ids: &[&str],
    strata: &[S],
    k: usize,
) -> Result<Vec<usize>, FoldsError> {
    if k < 2 || k > ids.len() {
        return Err(FoldsError {
            folds: k,
            items: ids.len(),
        });
    }
    let mut by_stratum: BTreeMap<S, Vec<usize>> = BTreeMap::new();
    for (i, stratum) in strata.iter().enumerate().take(ids.len()) {
        by_stratum.entry(stratum.clone()).or_default().push(i);
    }
    let mut folds = vec![0; ids.len()];
    // Continue the deal across strata, so small strata do not all start at fold 0.
    let mut next = 0;
    for members in by_stratum.values_mut() {
        members.sort_by_key(|&i| (fnv1a(ids[i]), i));
        for &i in members.iter() {
            folds[i] = next % k;
            next += 1;
        }
    }
    Ok(folds)
}

/// 64-bit FNV-1a: stable across platforms and releases, unlike the standard library's hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_lands_in_exactly_one_fold_of_about_equal_size() {
        let ids: Vec<String> = (0..103).map(|i| format!("q-{i:03}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let strata: Vec<u8> = (0..103).map(|i| (i % 7) as u8).collect();
        let folds = assign(&ids, &strata, 5).unwrap();
        let mut sizes = [0usize; 5];
        folds.iter().for_each(|&f| sizes[f] += 1);
        assert_eq!(sizes.iter().sum::<usize>(), 103);
        assert!(sizes.iter().all(|&s| (20..=21).contains(&s)), "{sizes:?}");
    }

    #[test]
    fn the_split_does_not_depend_on_the_order_of_the_file() {
        let ids = ["a", "b", "c", "d", "e", "f", "g"];
        let strata = [0u8; 7];
        let forward = assign(&ids, &strata, 3).unwrap();
        let mut reversed_ids = ids;
        reversed_ids.reverse();
        let backward = assign(&reversed_ids, &strata, 3).unwrap();
        for (i, id) in ids.iter().enumerate() {
            let j = reversed_ids.iter().position(|x| x == id).unwrap();
            assert_eq!(forward[i], backward[j], "{id}");
        }
    }

    #[test]
    fn one_fold_or_more_folds_than_items_is_refused() {
        assert!(assign(&["a", "b"], &[0, 0], 1).is_err());
        assert!(assign(&["a", "b"], &[0, 0], 3).is_err());
    }
}
