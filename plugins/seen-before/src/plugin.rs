//! The sandbox face of the retrieval. On a query (free text, or an open incident turned into
//! a question) it embeds the question, asks the host's vector search for the closest
//! passages, reads back only the parts of the stored index the question needs (see
//! `seen_before_index::stored`: each call is a fresh instance with no memory), ranks, and returns one
//! `similar-incident` finding per match, best first. Ranking knobs come from the plugin's
//! settings (the keys of [`RankOptions`]).

use rhyme_pdk::types::{
    Evidence, Finding, FindingKind, Output, PluginInfo, Query as WitQuery, Trigger,
};
use rhyme_pdk::{Guest, config, embed, incidents, vector_search};

use seen_before_index::stored::{self, Meta};
use seen_before_index::{
    DENSE_HITS_WANTED, DenseHit, IncidentQuestion, MECHANISMS, Match, Query, RankOptions,
    lexical_terms, rank, scores, without_chat_markup,
};

struct SeenBefore;

impl Guest for SeenBefore {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "seen-before",
            env!("CARGO_PKG_VERSION"),
            "Finds past incidents like this one: what broke, how it was fixed, why it matched",
        )
        .triggers(&[Trigger::Query])
        .capabilities(&["embed", "vector-search", "incidents"])
        .build()
    }

    fn on_query(query: WitQuery) -> Result<Output, String> {
        let text = question(&query)?;
        let mut options: RankOptions =
            serde_json::from_str(&config::get()).map_err(|e| format!("settings: {e}"))?;
        options.limit = query.limit.clamp(1, 50) as usize;
        let findings = answer(&text, &options)?.iter().map(finding).collect();
        Ok(Output {
            findings,
            proposals: Vec::new(),
        })
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
}

/// The question's text: what the person typed, else the incident told as a question; chat
/// markup (mentions, emoji codes, link brackets) taken out either way.
fn question(query: &WitQuery) -> Result<String, String> {
    if !query.text.trim().is_empty() {
        return Ok(without_chat_markup(&query.text));
    }
    let Some(id) = &query.incident else {
        return Err("the query has neither text nor an incident".into());
    };
    let incident = incidents::get(id)
        .map_err(|e| format!("reading incident {id}: {e:?}"))?
        .ok_or_else(|| format!("no incident {id}"))?;
    let timeline =
        incidents::timeline(id).map_err(|e| format!("reading the timeline of {id}: {e:?}"))?;
    let findings =
        incidents::findings(id).map_err(|e| format!("reading the findings of {id}: {e:?}"))?;
    let question = IncidentQuestion {
        title: incident.title.clone(),
        alerts: timeline
            .iter()
            .filter(|e| e.kind.eq_ignore_ascii_case("alert"))
            .map(|e| without_chat_markup(&e.text))
            .collect(),
        timeline: timeline
            .iter()
            .map(|e| without_chat_markup(&e.text))
            .collect(),
        signatures: findings
            .iter()
            .filter(|f| f.kind == FindingKind::Signature)
            .map(|f| f.title.clone())
            .collect(),
    };
    Ok(question.to_text())
}

/// Ranks the stored corpus for `text`. Without the embedding model (not granted, not
/// loaded) it falls back to BM25 alone; with `lexical_weight` 1 it does not embed at all.
fn answer(text: &str, options: &RankOptions) -> Result<Vec<Match>, String> {
    let Some(meta) = read_meta()? else {
        return Ok(Vec::new());
    };
    let vector = if options.lexical_weight >= 1.0 {
        None
    } else {
        embed::embed(&[text.to_string()])
            .ok()
            .and_then(|mut v| v.pop())
    };
    let mechanism_symptoms = if vector.is_some() {
        read_mechanisms()?
    } else {
        Vec::new()
    };
    let query = Query {
        text,
        vector: vector.as_deref(),
    };
    let needed = if options.lexical_weight <= 0.0 {
        Vec::new()
    } else {
        lexical_terms(&mechanism_symptoms, query, options)
    };
    let postings = get(stored::TERMS, &needed)?
        .into_iter()
        .map(|i| (i.id, i.payload))
        .collect::<Vec<_>>();
    let hits = match &vector {
        Some(v) => vector_search::nearest(stored::PASSAGES, v, DENSE_HITS_WANTED as u32)
            .map_err(|e| format!("vector search: {e:?}"))?
            .into_iter()
            .map(|h| DenseHit {
                id: h.id,
                score: h.score,
            })
            .collect(),
        None => Vec::new(),
    };
    let mut index =
        stored::partial_index(&meta, &postings, mechanism_symptoms).map_err(|e| e.to_string())?;
    let shown: Vec<String> = scores(&index, query, &hits, options)
        .iter()
        .take(options.limit)
        .map(|s| meta.doc_ids[s.position].clone())
        .collect();
    for item in get(stored::DOCS, &shown)? {
        index.replace_doc(stored::parse_doc(&item.id, &item.payload).map_err(|e| e.to_string())?);
    }
    Ok(rank(&index, query, &hits, options))
}

fn read_meta() -> Result<Option<Meta>, String> {
    let items = get(stored::META, &[stored::META_ID.to_string()])?;
    items
        .first()
        .map(|i| stored::parse_meta(&i.payload).map_err(|e| e.to_string()))
        .transpose()
}

/// The catalogue's symptom vectors, in catalogue order; empty when any is missing (the
/// index was built without embeddings).
fn read_mechanisms() -> Result<Vec<Vec<f32>>, String> {
    let ids: Vec<String> = (0..MECHANISMS.len()).map(|i| i.to_string()).collect();
    let items = get(stored::MECHANISM_SYMPTOMS, &ids)?;
    if items.len() != ids.len() {
        return Ok(Vec::new());
    }
    Ok(items.into_iter().map(|i| i.vector).collect())
}

fn get(collection: &str, ids: &[String]) -> Result<Vec<vector_search::Item>, String> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    vector_search::get(collection, ids).map_err(|e| format!("reading {collection}: {e:?}"))
}

/// One match as a finding: the title names it, the detail carries what broke, the fix or
/// lesson, why it matched and the link, one per line.
fn finding(m: &Match) -> Finding {
    let what = m.title.clone().unwrap_or_else(|| m.id.clone());
    let title = match (&m.company, &m.date) {
        (Some(c), Some(d)) => format!("{c}: {what} ({d})"),
        (Some(c), None) => format!("{c}: {what}"),
        (None, Some(d)) => format!("{what} ({d})"),
        (None, None) => what,
    };
    let mut lines = vec![format!("What broke: {}", m.what_broke)];
    if let Some(fix) = &m.fix_or_lesson {
        lines.push(format!("Fix or lesson: {fix}"));
    }
    lines.push(format!("Why it matched: {}", why(m)));
    if let Some(url) = &m.url {
        lines.push(format!("Read: {url}"));
    }
    let mut finding = rhyme_pdk::types::Finding::new(
        FindingKind::SimilarIncident,
        &m.id,
        &title,
        &lines.join("\n"),
    );
    finding.evidence = vec![Evidence::Postmortem(m.id.clone())];
    // Fused scores are in standard units; a logistic turns them into a 0–1 confidence.
    finding.confidence = 1.0 / (1.0 + (-m.score).exp());
    finding
}

fn why(m: &Match) -> String {
    let mut parts = Vec::new();
    if !m.why.shared_terms.is_empty() {
        parts.push(format!("shares \"{}\"", m.why.shared_terms.join("\", \"")));
    }
    if let Some(mechanism) = &m.why.mechanism {
        parts.push(format!("same kind of failure ({mechanism})"));
    }
    if let Some(same) = &m.why.same_failure_as {
        parts.push(format!(
            "moved up as the same kind of failure ({}) as the stronger match {}",
            same.mechanism, same.id
        ));
    }
    if let Some(passage) = &m.why.similar_passage {
        parts.push(format!("reads like \"{passage}\""));
    }
    if parts.is_empty() {
        "similar in meaning".into()
    } else {
        parts.join("; ")
    }
}

rhyme_pdk::export!(SeenBefore with_types_in rhyme_pdk::bindings);
