//! `timestamp,value` CSV, as `rhyme signature FILE` and `rhyme eval signatures` read it: never
//! panics, and what it accepts round-trips: the points written back as CSV read the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rhyme_core::series::{Point, parse_csv};

fuzz_target!(|data: &[u8]| {
    // The readers take text (`read_to_string`): bytes that are not UTF-8 never reach the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(points) = parse_csv(text, "fuzz.csv".as_ref()) else {
        return;
    };
    assert!(points.len() <= text.lines().count());
    assert!(points.iter().all(|p| p.t.is_finite()), "{points:?}");
    // `{}` prints the shortest text that parses back to the same f64.
    let written: String = points
        .iter()
        .map(|p| format!("{},{}\n", p.t, p.v))
        .collect();
    let again = parse_csv(&written, "again.csv".as_ref()).expect("written CSV reads back");
    assert!(same(&points, &again), "{points:?} became {again:?}");
});

/// Equal, with `NaN` (a missing sample) equal to `NaN`.
fn same(a: &[Point], b: &[Point]) -> bool {
    let eq = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
    a.len() == b.len() && a.iter().zip(b).all(|(p, q)| eq(p.t, q.t) && eq(p.v, q.v))
}
