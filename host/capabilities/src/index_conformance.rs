//! What every `vector-search` backend must do, written once and run against each: the
//! embedded index always, Qdrant whenever `RHYME_QDRANT_URL` points at a server.
//! `conformance_tests!(make)` expands to one `#[test]` per check, each on a fresh index
//! from `make()`, which returns `None` (after printing why) when the backend is absent.

use rhyme_runtime::capability::backend::{BackendError, VectorIndex, VectorItem};

fn item(id: &str, vector: &[f32]) -> VectorItem {
    VectorItem {
        id: id.into(),
        vector: vector.to_vec(),
        payload: format!("p-{id}"),
    }
}

fn ids(hits: &[impl AsRef<str>]) -> Vec<&str> {
    hits.iter().map(|h| h.as_ref()).collect()
}

pub(crate) async fn nearest_is_by_cosine_and_upsert_replaces_by_id(index: &dyn VectorIndex) {
    index
        .upsert(
            "c",
            vec![
                item("a", &[1.0, 0.0]),
                item("b", &[0.0, 2.0]),
                item("c", &[1.0, 1.0]),
            ],
        )
        .await
        .unwrap();
    let hits = index.nearest("c", &[0.0, 1.0], 2).await.unwrap();
    assert_eq!(
        ids(&hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()),
        ["b", "c"]
    );
    assert!((hits[0].score - 1.0).abs() < 1e-5, "{}", hits[0].score);
    assert!(
        (hits[1].score - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-5,
        "{}",
        hits[1].score
    );
    assert_eq!(hits[0].payload, "p-b");
    index
        .upsert("c", vec![item("b", &[1.0, 0.0])])
        .await
        .unwrap();
    assert_eq!(
        index.nearest("c", &[0.0, 1.0], 10).await.unwrap()[0].id,
        "c"
    );
    assert_eq!(index.nearest("c", &[0.0, 1.0], 10).await.unwrap().len(), 3);
    assert!(
        index
            .nearest("unknown", &[0.0, 1.0], 3)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Vectors come back in their direction: Qdrant stores cosine collections normalised, so
/// the check uses unit vectors (what the `embed` capability produces).
pub(crate) async fn get_returns_stored_items_in_the_order_asked(index: &dyn VectorIndex) {
    index
        .upsert(
            "c",
            vec![
                item("a", &[0.6, 0.8]),
                item("b", &[1.0, 0.0]),
                item("é/x", &[0.0, 1.0]),
            ],
        )
        .await
        .unwrap();
    let got = index
        .get(
            "c",
            &["b".into(), "missing".into(), "é/x".into(), "a".into()],
        )
        .await
        .unwrap();
    assert_eq!(
        ids(&got.iter().map(|i| i.id.clone()).collect::<Vec<_>>()),
        ["b", "é/x", "a"]
    );
    assert_eq!(got[0].payload, "p-b");
    assert!(
        got[2]
            .vector
            .iter()
            .zip([0.6, 0.8])
            .all(|(x, y)| (x - y).abs() < 1e-6),
        "{:?}",
        got[2].vector
    );
    assert!(
        index
            .get("unknown", &["a".into()])
            .await
            .unwrap()
            .is_empty()
    );
}

pub(crate) async fn a_dimension_mismatch_is_invalid_and_names_the_item(index: &dyn VectorIndex) {
    index
        .upsert("c", vec![item("a", &[1.0, 0.0])])
        .await
        .unwrap();
    let err = index
        .upsert("c", vec![item("b", &[1.0])])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::Invalid(m) if m.contains("item b")),
        "{err}"
    );
    let err = index.nearest("c", &[1.0, 0.0, 0.0], 1).await.unwrap_err();
    assert!(
        matches!(&err, BackendError::Invalid(m) if m.contains("3 dimensions")),
        "{err}"
    );
}

pub(crate) async fn clear_empties_a_collection_and_leaves_others(index: &dyn VectorIndex) {
    index
        .upsert("plugin/one", vec![item("a", &[1.0, 0.0])])
        .await
        .unwrap();
    index
        .upsert("plugin/two", vec![item("a", &[0.0, 1.0])])
        .await
        .unwrap();
    index.clear("plugin/one").await.unwrap();
    assert!(
        index
            .get("plugin/one", &["a".into()])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        index
            .nearest("plugin/one", &[1.0, 0.0], 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        index.get("plugin/two", &["a".into()]).await.unwrap().len(),
        1
    );
    index.clear("plugin/never-written").await.unwrap();
    // A cleared collection takes a new dimension.
    index
        .upsert("plugin/one", vec![item("z", &[1.0, 0.0, 0.0])])
        .await
        .unwrap();
    assert_eq!(
        index
            .nearest("plugin/one", &[1.0, 0.0, 0.0], 1)
            .await
            .unwrap()[0]
            .id,
        "z"
    );
}

pub(crate) async fn many_items_are_written_in_batches(index: &dyn VectorIndex) {
    let items: Vec<VectorItem> = (0..700)
        .map(|i| {
            let angle = i as f32 / 700.0 * std::f32::consts::FRAC_PI_2;
            item(&format!("i{i}"), &[angle.cos(), angle.sin()])
        })
        .collect();
    index.upsert("many", items).await.unwrap();
    let hits = index.nearest("many", &[0.0, 1.0], 3).await.unwrap();
    assert_eq!(
        ids(&hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()),
        ["i699", "i698", "i697"]
    );
    assert_eq!(
        index
            .get("many", &["i0".into(), "i350".into()])
            .await
            .unwrap()
            .len(),
        2
    );
}

/// A replace swaps each named collection whole (an empty list empties it), leaves the
/// others, and, refused, changes nothing.
pub(crate) async fn replace_swaps_whole_collections_and_leaves_others(index: &dyn VectorIndex) {
    index
        .upsert("p/keep", vec![item("k", &[1.0, 0.0])])
        .await
        .unwrap();
    index
        .upsert(
            "p/old",
            vec![item("a", &[1.0, 0.0]), item("b", &[0.0, 1.0])],
        )
        .await
        .unwrap();
    index
        .upsert("p/gone", vec![item("g", &[1.0, 0.0])])
        .await
        .unwrap();
    index
        .replace(vec![
            ("p/old".into(), vec![item("c", &[0.6, 0.8])]),
            ("p/new".into(), vec![item("n", &[1.0, 0.0])]),
            ("p/gone".into(), Vec::new()),
        ])
        .await
        .unwrap();
    let old = index.nearest("p/old", &[1.0, 0.0], 10).await.unwrap();
    assert_eq!(
        ids(&old.iter().map(|h| h.id.clone()).collect::<Vec<_>>()),
        ["c"]
    );
    assert_eq!(index.get("p/new", &["n".into()]).await.unwrap().len(), 1);
    assert!(
        index
            .nearest("p/gone", &[1.0, 0.0], 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(index.get("p/keep", &["k".into()]).await.unwrap().len(), 1);

    let err = index
        .replace(vec![
            ("p/new".into(), vec![item("x", &[1.0, 0.0])]),
            (
                "p/old".into(),
                vec![item("y", &[1.0, 0.0]), item("z", &[1.0])],
            ),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::Invalid(m) if m.contains("item z")),
        "{err}"
    );
    assert_eq!(index.get("p/new", &["n".into()]).await.unwrap().len(), 1);
    assert!(index.get("p/new", &["x".into()]).await.unwrap().is_empty());
    assert_eq!(index.get("p/old", &["c".into()]).await.unwrap().len(), 1);
    // A plugin call's view reads the same.
    let call = index.for_one_call();
    let call: &dyn VectorIndex = call.as_deref().unwrap_or(index);
    assert_eq!(call.get("p/old", &["c".into()]).await.unwrap().len(), 1);
}

/// One `#[test]` per check above, each on a fresh index from `$make`.
macro_rules! conformance_tests {
    ($make:expr) => {
        mod conformance {
            use super::*;
            use crate::index_conformance as check;

            #[tokio::test]
            async fn nearest_is_by_cosine_and_upsert_replaces_by_id() {
                if let Some(index) = ($make)() {
                    check::nearest_is_by_cosine_and_upsert_replaces_by_id(&index).await;
                }
            }

            #[tokio::test]
            async fn get_returns_stored_items_in_the_order_asked() {
                if let Some(index) = ($make)() {
                    check::get_returns_stored_items_in_the_order_asked(&index).await;
                }
            }

            #[tokio::test]
            async fn a_dimension_mismatch_is_invalid_and_names_the_item() {
                if let Some(index) = ($make)() {
                    check::a_dimension_mismatch_is_invalid_and_names_the_item(&index).await;
                }
            }

            #[tokio::test]
            async fn clear_empties_a_collection_and_leaves_others() {
                if let Some(index) = ($make)() {
                    check::clear_empties_a_collection_and_leaves_others(&index).await;
                }
            }

            #[tokio::test]
            async fn replace_swaps_whole_collections_and_leaves_others() {
                if let Some(index) = ($make)() {
                    check::replace_swaps_whole_collections_and_leaves_others(&index).await;
                }
            }

            #[tokio::test]
            async fn many_items_are_written_in_batches() {
                if let Some(index) = ($make)() {
                    check::many_items_are_written_in_batches(&index).await;
                }
            }
        }
    };
}
pub(crate) use conformance_tests;
