//! Which deploy to blame for which bad stretch: the latest deploy before the onset, when it
//! came less than the window before it. Rollbacks are deploys too, but never blamed.

use crate::detect::{Bad, Onset, onsets};

/// A deploy event from the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub event_id: String,
    pub at: i64,
    pub text: String,
}

/// A metric series as the host hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub unit: String,
    pub points: Vec<(i64, f64)>,
}

/// A deploy followed by a bad stretch of an error-rate series.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    pub deploy: Deploy,
    pub series: String,
    pub unit: String,
    pub onset: Onset,
    /// From the deploy to the onset, in milliseconds (always > 0).
    pub lag_ms: i64,
    /// 0..1: higher for a shorter lag and a clearer jump.
    pub confidence: f32,
}

/// Timeline kinds that mark a deploy (compared as the host does: case, `-` and `_` aside).
pub const DEPLOY_KINDS: [&str; 4] = ["deploy", "deployment", "release", "rollout"];

/// Which way is bad for a series by its name, or `None` when it is not about errors.
pub fn badness(name: &str) -> Option<Bad> {
    let name = name.to_ascii_lowercase();
    if ["error", "5xx", "fail", "exception", "fault"]
        .iter()
        .any(|w| name.contains(w))
    {
        Some(Bad::Up)
    } else if ["success", "availability", "2xx"]
        .iter()
        .any(|w| name.contains(w))
    {
        Some(Bad::Down)
    } else {
        None
    }
}

/// Is this deploy itself undoing an earlier one?
pub fn is_rollback(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    [
        "rollback",
        "roll back",
        "rolled back",
        "rolling back",
        "revert",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// The smallest jump that matters: a percentage point for percentages, one hundredth for
/// ratios (all values within 0..1), one unit otherwise (errors per second, ...).
fn min_change(series: &Series) -> f64 {
    let unit = series.unit.trim();
    if unit == "%" || unit.eq_ignore_ascii_case("percent") {
        1.0
    } else if series
        .points
        .iter()
        .all(|&(_, v)| !v.is_finite() || (0.0..=1.0).contains(&v))
    {
        0.01
    } else {
        1.0
    }
}

/// The suspects among `deploys` for the bad stretches of `series`, at most one per deploy
/// (its earliest stretch), leaving out deploys in `already` (proposed before).
pub fn suspects(
    deploys: &[Deploy],
    series: &[Series],
    window_ms: i64,
    already: &[String],
) -> Vec<Suspect> {
    let mut found: Vec<Suspect> = Vec::new();
    for s in series {
        let Some(bad) = badness(&s.name) else {
            continue;
        };
        for onset in onsets(&s.points, bad, min_change(s)) {
            let Some(deploy) = blamed(deploys, onset.at, window_ms) else {
                continue;
            };
            if already.contains(&deploy.event_id) {
                continue;
            }
            let lag_ms = onset.at - deploy.at;
            let suspect = Suspect {
                deploy: deploy.clone(),
                series: s.name.clone(),
                unit: s.unit.clone(),
                confidence: confidence(lag_ms, window_ms, &onset),
                onset,
                lag_ms,
            };
            match found
                .iter_mut()
                .find(|f| f.deploy.event_id == suspect.deploy.event_id)
            {
                Some(earlier) if earlier.onset.at <= suspect.onset.at => {}
                Some(later) => *later = suspect,
                None => found.push(suspect),
            }
        }
    }
    found
}

/// The latest non-rollback deploy strictly before `at` and less than `window_ms` before it.
fn blamed(deploys: &[Deploy], at: i64, window_ms: i64) -> Option<&Deploy> {
    deploys
        .iter()
        .filter(|d| d.at < at && at - d.at < window_ms && !is_rollback(&d.text))
        .max_by_key(|d| d.at)
}

fn confidence(lag_ms: i64, window_ms: i64, onset: &Onset) -> f32 {
    let soon = 1.0 - lag_ms as f64 / window_ms as f64;
    let clear = ((onset.strength - 1.0) / 3.0).clamp(0.0, 1.0);
    (0.5 + 0.25 * soon + 0.2 * clear) as f32
}

/// The deployed service: the first word of the deploy text when a version follows it
/// (`checkout-api v2.14.0 ...`, `web-frontend 9.4.0 -> prod`), else `fallback` (the
/// incident's service), else empty.
pub fn service(text: &str, fallback: &str) -> String {
    let mut words = text.split_whitespace();
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return fallback.to_string();
    };
    let version = second.trim_start_matches(['v', 'V']);
    let looks_like_version =
        version.starts_with(|c: char| c.is_ascii_digit()) && version.contains('.');
    let name = first.trim_end_matches([':', ',']);
    if looks_like_version
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        name.to_string()
    } else {
        fallback.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn deploy(id: &str, minute: i64, text: &str) -> Deploy {
        Deploy {
            event_id: id.into(),
            at: minute * MIN,
            text: text.into(),
        }
    }

    /// Errors at 0.4% for 30 minutes, 12% from minute 30 to 34, then calm again.
    fn errors() -> Series {
        let points = (0..50)
            .map(|m| {
                (
                    m * MIN,
                    if (30..35).contains(&m) {
                        12.0
                    } else {
                        0.4 + 0.05 * (m % 3) as f64
                    },
                )
            })
            .collect();
        Series {
            name: "http_error_rate".into(),
            unit: "%".into(),
            points,
        }
    }

    #[test]
    fn a_deploy_six_minutes_before_the_spike_is_the_suspect() {
        let found = suspects(
            &[deploy("d1", 24, "checkout-api v2.14.0 to prod")],
            &[errors()],
            15 * MIN,
            &[],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].deploy.event_id.as_str(), found[0].lag_ms),
            ("d1", 6 * MIN)
        );
        assert!(
            found[0].confidence > 0.6 && found[0].confidence <= 0.95,
            "{}",
            found[0].confidence
        );
    }

    #[test]
    fn too_early_after_or_a_rollback_is_not_blamed() {
        let window = 15 * MIN;
        assert!(
            suspects(
                &[deploy("d1", -10, "api v1.2 out")],
                &[errors()],
                window,
                &[]
            )
            .is_empty(),
            "40 minutes before"
        );
        assert!(
            suspects(
                &[deploy("d1", 15, "api v1.2 out")],
                &[errors()],
                window,
                &[]
            )
            .is_empty(),
            "exactly 15 minutes is not less"
        );
        assert!(
            suspects(
                &[deploy("d1", 32, "api v1.2 out")],
                &[errors()],
                window,
                &[]
            )
            .is_empty(),
            "after the spike"
        );
        assert!(
            suspects(
                &[deploy("d1", 30, "api v1.2 out")],
                &[errors()],
                window,
                &[]
            )
            .is_empty(),
            "at the same time"
        );
        assert!(
            suspects(
                &[deploy("d1", 25, "Rolled back api to v1.1")],
                &[errors()],
                window,
                &[]
            )
            .is_empty()
        );
    }

    #[test]
    fn the_latest_deploy_before_the_onset_is_blamed_once() {
        let deploys = [
            deploy("d1", 20, "a v1.0 out"),
            deploy("d2", 27, "b v2.0 out"),
        ];
        let twice = [
            errors(),
            Series {
                name: "Errors".into(),
                ..errors()
            },
        ];
        let found = suspects(&deploys, &twice, 15 * MIN, &[]);
        assert_eq!(
            found
                .iter()
                .map(|s| s.deploy.event_id.as_str())
                .collect::<Vec<_>>(),
            ["d2"]
        );
        assert!(
            suspects(&deploys, &twice, 15 * MIN, &["d2".into()]).is_empty(),
            "already proposed"
        );
    }

    #[test]
    fn only_error_and_success_series_are_read() {
        let latency = Series {
            name: "p99_latency".into(),
            unit: "ms".into(),
            ..errors()
        };
        assert!(suspects(&[deploy("d1", 24, "x v1.0")], &[latency], 15 * MIN, &[]).is_empty());
        assert_eq!(badness("checkout 5xx ratio"), Some(Bad::Up));
        assert_eq!(badness("Availability"), Some(Bad::Down));
    }

    #[test]
    fn the_service_comes_from_the_deploy_text_or_the_incident() {
        assert_eq!(
            service("checkout-api v2.14.0 deployed by ci", "shop"),
            "checkout-api"
        );
        assert_eq!(service("web-frontend 9.4.0 -> prod", ""), "web-frontend");
        assert_eq!(
            service("Coalescing config deployed to login-svc.", "login"),
            "login"
        );
    }
}
