//! A Prometheus range-query response (`rhyme signature FILE.json`, `rhyme series pull`): never
//! panics, and what it accepts round-trips: the series written back as a matrix read the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rhyme_core::series::{Series, parse_prometheus};
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(series) = parse_prometheus(text, "fuzz.json".as_ref()) else {
        return;
    };
    let result: Vec<_> = series
        .iter()
        .map(|s| {
            let values: Vec<_> = s
                .points
                .iter()
                .map(|p| json!([p.t, p.v.to_string()]))
                .collect();
            assert!(s.points.iter().all(|p| p.t.is_finite()), "{s:?}");
            json!({"metric": s.labels, "values": values})
        })
        .collect();
    let written = json!({"status": "success", "data": {"resultType": "matrix", "result": result}});
    let again = parse_prometheus(&written.to_string(), "again.json".as_ref())
        .expect("a written matrix reads back");
    assert!(same(&series, &again), "{series:?} became {again:?}");
});

/// Equal, with `NaN` (a missing sample) equal to `NaN`, and numbers within an ulp or two:
/// serde_json (without its `float_roundtrip` feature) may read a long decimal one ulp off.
fn same(a: &[Series], b: &[Series]) -> bool {
    let eq = |x: f64, y: f64| {
        x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs()
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(s, r)| {
            s.labels == r.labels
                && s.points.len() == r.points.len()
                && s.points
                    .iter()
                    .zip(&r.points)
                    .all(|(p, q)| eq(p.t, q.t) && eq(p.v, q.v))
        })
}
