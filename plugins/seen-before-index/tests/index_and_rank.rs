//! Index building and ranking with synthetic vectors: checks that mechanism knowledge
//! reaches a postmortem the query shares no words with, that dense hits are fused, and that
//! the index survives serialisation.

use std::collections::HashMap;

use seen_before_index::{
    DenseHit, Embeddings, Index, MECHANISMS, Postmortem, Query, RankOptions, passages, rank,
};

/// A unit vector along axis `axis` of a space with one axis per mechanism plus two spare.
fn axis(axis: usize) -> Vec<f32> {
    let mut v = vec![0.0; MECHANISMS.len() + 2];
    v[axis] = 1.0;
    v
}

fn mechanism(name: &str) -> usize {
    MECHANISMS
        .iter()
        .position(|m| m.name == name)
        .expect("catalogue entry")
}

fn doc(id: &str, title: &str, summary: &str) -> Postmortem {
    Postmortem {
        id: id.into(),
        title: Some(title.into()),
        summary: Some(summary.into()),
        url: Some(format!("https://example.org/{id}")),
        ..Postmortem::default()
    }
}

fn corpus() -> Vec<Postmortem> {
    vec![
        doc(
            "pm-dns",
            "Zone file push removed records",
            "A bad zone file removed our A records. We added validation before publishing zones.",
        ),
        doc(
            "pm-disk",
            "Log volume filled",
            "Verbose logging filled the volume and the API stopped. We now rotate logs hourly.",
        ),
        doc(
            "pm-cpu",
            "Pattern matching burned CPU",
            "A backtracking expression pinned every core. We replaced it with a linear matcher.",
        ),
    ]
}

/// Passage vectors that place each postmortem on the axis of its own mechanism, and
/// mechanism vectors on their own axes, as a real model would approximately do.
fn embeddings(docs: &[Postmortem]) -> Embeddings {
    let owner = [
        ("pm-dns", "dns"),
        ("pm-disk", "disk-full"),
        ("pm-cpu", "cpu-regex"),
    ];
    let mut passage_vectors = HashMap::new();
    for d in docs {
        let (_, name) = owner.iter().find(|(id, _)| *id == d.id).unwrap();
        for p in passages(d) {
            passage_vectors.insert(p.id, axis(mechanism(name)));
        }
    }
    Embeddings {
        passages: passage_vectors,
        mechanism_descriptions: (0..MECHANISMS.len()).map(axis).collect(),
        mechanism_symptoms: (0..MECHANISMS.len()).map(axis).collect(),
    }
}

#[test]
fn mechanisms_are_recognised_from_passage_vectors() {
    let docs = corpus();
    let index = Index::build(docs.clone(), &embeddings(&docs)).unwrap();
    let dns = &index.docs[index.position("pm-dns").unwrap()];
    assert_eq!(dns.mechanisms[0], mechanism("dns"));
    assert!(index.has_mechanisms());
    assert!(!Index::lexical(docs).unwrap().has_mechanisms());
}

#[test]
fn symptom_words_reach_a_postmortem_that_names_only_the_mechanism() {
    let docs = corpus();
    let index = Index::build(docs.clone(), &embeddings(&docs)).unwrap();
    // The query avoids every word of pm-dns; its vector points at the dns mechanism.
    let vector = axis(mechanism("dns"));
    let query = Query {
        text: "hostnames cannot be found by clients",
        vector: Some(&vector),
    };
    let matches = rank(&index, query, &[], &RankOptions::default());
    assert_eq!(matches[0].id, "pm-dns");
    assert_eq!(matches[0].why.mechanism.as_deref(), Some("dns"));
    // Without knowledge, plain BM25 has nothing to go on for that postmortem.
    let plain = Index::lexical(docs).unwrap();
    let plain_matches = rank(
        &plain,
        Query {
            text: query.text,
            vector: None,
        },
        &[],
        &RankOptions::default(),
    );
    assert!(
        plain_matches
            .iter()
            .all(|m| m.id != "pm-dns" || m.why.shared_terms.is_empty())
    );
}

#[test]
fn dense_hits_decide_when_words_do_not() {
    let index = Index::lexical(corpus()).unwrap();
    let hits = vec![
        DenseHit {
            id: "pm-disk#0".into(),
            score: 0.71,
        },
        DenseHit {
            id: "pm-cpu#0".into(),
            score: 0.20,
        },
        DenseHit {
            id: "pm-dns#0".into(),
            score: 0.10,
        },
    ];
    let query = Query {
        text: "storage ran out",
        vector: None,
    };
    let matches = rank(
        &index,
        query,
        &hits,
        &RankOptions {
            limit: 2,
            ..RankOptions::default()
        },
    );
    assert_eq!(matches.len(), 2);
    assert_eq!(matches[0].id, "pm-disk");
    assert_eq!(
        matches[0].why.similar_passage.as_deref(),
        Some(
            "Log volume filled. Verbose logging filled the volume and the API stopped. We now rotate logs hourly."
        )
    );
}

#[test]
fn matches_explain_themselves_from_the_postmortem_text() {
    let index = Index::lexical(corpus()).unwrap();
    let query = Query {
        text: "verbose logging filled the disk",
        vector: None,
    };
    let top = &rank(&index, query, &[], &RankOptions::default())[0];
    assert_eq!(top.id, "pm-disk");
    assert_eq!(top.url.as_deref(), Some("https://example.org/pm-disk"));
    assert!(top.why.shared_terms.iter().any(|t| t == "verbose"));
    assert_eq!(
        top.fix_or_lesson.as_deref(),
        Some("We now rotate logs hourly.")
    );
}

#[test]
fn index_round_trips_through_json() {
    let docs = corpus();
    let index = Index::build(docs.clone(), &embeddings(&docs)).unwrap();
    let json = serde_json::to_string(&index).unwrap();
    let back: Index = serde_json::from_str(&json).unwrap();
    assert_eq!(back, index);
    assert_eq!(back.position("pm-cpu"), index.position("pm-cpu"));
}

#[test]
fn wrong_vector_counts_and_duplicate_ids_are_refused() {
    let docs = corpus();
    let mut vectors = embeddings(&docs);
    vectors.mechanism_symptoms.pop();
    let err = Index::build(docs.clone(), &vectors).unwrap_err();
    assert!(err.to_string().contains("mechanism vectors"));
    let mut twice = docs.clone();
    twice.push(docs[0].clone());
    assert!(
        Index::lexical(twice)
            .unwrap_err()
            .to_string()
            .contains("pm-dns")
    );
}
