//! `rhyme signature` and `rhyme eval signatures` through the real binary and the built
//! graph-signature plugin, on files a responder would paste, messy ones included.

use std::path::Path;

use rhyme_tests::{eval_summary, install_builtin, outcome, rhyme, shared_data};

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "graph-signature");
    (tmp, data)
}

/// Two hours at one minute: steady near 100, then a fall to about 8 that lasts.
fn cliff_csv(unix_seconds: bool) -> String {
    let mut csv = String::from("timestamp,value\n");
    for i in 0..120i64 {
        let t = 1_714_564_800 + 60 * i;
        let v = if i < 80 {
            100.0 + (i % 3) as f64
        } else {
            8.0 + (i % 2) as f64
        };
        if unix_seconds {
            csv.push_str(&format!("{t},{v}\n"));
        } else {
            let (h, m) = (i / 60, i % 60);
            csv.push_str(&format!("2024-05-01T{h:02}:{m:02}:00Z,{v}\n"));
        }
    }
    csv
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn names_a_cliff_in_csv_with_either_timestamp_style_and_plots_it() {
    let (tmp, data) = setup();
    for unix in [false, true] {
        let file = write(tmp.path(), "checkout.csv", &cliff_csv(unix));
        let plot = tmp.path().join("plot.svg");
        let (code, out, err) = outcome(&rhyme(
            &data,
            &["signature", &file, "--plot", plot.to_str().unwrap()],
        ));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Cliff drop: fell 9"), "{out}");
        assert!(out.contains("First check:"), "{out}");
        assert!(out.contains('▔'), "the sparkline marks the window: {out}");
        let svg = std::fs::read_to_string(&plot).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("cliff-drop"),
            "the plot names the shape"
        );
    }
}

#[test]
fn reads_a_prometheus_range_response_and_cuts_with_from_to() {
    let (tmp, data) = setup();
    let values: Vec<String> = (0..120)
        .map(|i| {
            format!(
                "[{},\"{}\"]",
                1_714_564_800 + 60 * i,
                if i < 80 { 100 + i % 3 } else { 8 + i % 2 }
            )
        })
        .collect();
    let body = format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{{\"metric\":{{\"job\":\"checkout\"}},\"values\":[{}]}}]}}}}",
        values.join(",")
    );
    let file = write(tmp.path(), "prom.json", &body);
    let (code, out, err) = outcome(&rhyme(&data, &["--json", "signature", &file]));
    assert_eq!(code, 0, "{err}");
    let answer: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(answer["series"], "job=checkout");
    assert_eq!(answer["findings"][0]["subject"], "cliff-drop");

    // Only the first hour, steady but alive: nothing to say.
    let (code, out, _) = outcome(&rhyme(
        &data,
        &["--json", "signature", &file, "--to", "2024-05-01T13:00:00Z"],
    ));
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(answer["points"], 61);
    assert_eq!(answer["findings"].as_array().unwrap().len(), 0, "{out}");
}

#[test]
fn messy_data_neither_crashes_nor_invents_a_shape() {
    let (tmp, data) = setup();
    // Noise around a daily cycle with NaNs, a gap, duplicate and out-of-order timestamps.
    let mut csv = String::from("timestamp,value\n");
    let mut state = 7u64;
    for i in 0..3000i64 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let noise = (state >> 33) as f64 / (1u64 << 31) as f64 - 0.5;
        let t = 1_714_564_800 + 60 * i;
        if (1000..1200).contains(&i) {
            continue;
        }
        let v = 50.0 + 10.0 * (i as f64 / 1440.0 * std::f64::consts::TAU).sin() + 4.0 * noise;
        let v = if i % 97 == 0 {
            "NaN".to_string()
        } else {
            format!("{v:.3}")
        };
        csv.push_str(&format!("{t},{v}\n"));
        if i % 500 == 0 {
            csv.push_str(&format!("{},{v}\n", t - 120));
        }
    }
    let file = write(tmp.path(), "messy.csv", &csv);
    let (code, out, err) = outcome(&rhyme(&data, &["--json", "signature", &file]));
    assert_eq!(code, 0, "{err}");
    let answer: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(
        answer["findings"].as_array().unwrap().len(),
        0,
        "noise alone is not a signature: {out}"
    );
}

#[test]
fn a_bad_file_is_refused_with_line_and_field() {
    let (tmp, data) = setup();
    let file = write(
        tmp.path(),
        "bad.csv",
        "timestamp,value\n2024-05-01T00:00:00Z,1\nyesterday,2\n",
    );
    let (code, _, err) = outcome(&rhyme(&data, &["signature", &file]));
    assert_ne!(code, 0);
    assert!(
        err.contains("bad.csv:3") && err.contains("timestamp"),
        "{err}"
    );
}

#[test]
fn eval_through_the_sandbox_holds_its_floor() {
    let Some(shared) = shared_data() else { return };
    let (_tmp, data) = setup();
    let labels = shared.join("metrics/labels.jsonl");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["eval", "signatures", "--labels", labels.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{err}");
    let items = out.lines().count() - 1;
    let summary = eval_summary(&out);
    assert_eq!(items as u64, summary["n"].as_u64().unwrap());
    let (f1, false_rate) = (
        summary["macro_f1"].as_f64().unwrap(),
        summary["false_signature_rate"].as_f64().unwrap(),
    );
    let real_f1 = summary["real_only"]["macro_f1"].as_f64().unwrap();
    eprintln!(
        "signatures: macro-F1 {f1:.3} (real {real_f1:.3}), false signatures {:.1}%",
        false_rate * 100.0
    );
    // Floors a little under the measured 0.983 / 1.8%: a later change may not lower them unnoticed.
    assert!(f1 >= 0.95 && real_f1 >= 0.95, "macro-F1 fell: {summary}");
    assert!(false_rate <= 0.04, "false-signature rate rose: {summary}");
}
