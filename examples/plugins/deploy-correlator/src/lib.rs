//! deploy-correlator: an example of a plugin a team writes for itself on the PDK. When an
//! error-rate series jumps (a spike or a cliff) less than 15 minutes after a deploy in the
//! incident's timeline, it proposes rolling that deploy back. The proposal is a suggested
//! action: it waits in the approval gate, and only a reviewer's approval sends it on.
//!
//! The logic is plain Rust, tested natively ([`detect`], [`correlate`], [`render`]); the
//! sandbox glue is in `plugin.rs`, built only for `wasm32-wasip2`.

pub mod correlate;
pub mod detect;

use serde_json::json;

use crate::correlate::{Suspect, service};

/// Subject of the note left with each proposal; read back to propose once per deploy.
pub const PROPOSED: &str = "rollback-proposed:";

/// What the plugin hands back for one suspect.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub title: String,
    /// The rollback request, JSON, as the sink receives it once approved.
    pub body: String,
    pub rationale: String,
    pub service: String,
}

/// The proposal's words and the request, for a deploy of the incident's `incident_service`.
pub fn render(suspect: &Suspect, incident_service: &str) -> Rendered {
    let service = service(&suspect.deploy.text, incident_service);
    let lag_min = suspect.lag_ms as f64 / 60_000.0;
    let what = if service.is_empty() {
        "the deploy".to_string()
    } else {
        format!("the {service} deploy")
    };
    let mut title = format!("Roll back {what}: errors jumped {lag_min:.0} min after it");
    if title.chars().count() > 80 {
        title = format!(
            "Roll back deploy {}: errors jumped {lag_min:.0} min after it",
            suspect.deploy.event_id
        );
    }
    let unit = if suspect.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", suspect.unit)
    };
    let rationale = format!(
        "Deploy \"{}\" (event {}) went out {lag_min:.1} min before {} left its usual level of {:.3}{unit} and reached {:.3}{unit}. \
         Nothing else was deployed in between. Rolling back is the fastest way to test the link.",
        suspect.deploy.text,
        suspect.deploy.event_id,
        suspect.series,
        suspect.onset.baseline,
        suspect.onset.worst
    );
    let body = json!({
        "action": "rollback",
        "service": service,
        "deploy": { "event": suspect.deploy.event_id, "at": suspect.deploy.at, "text": suspect.deploy.text },
        "evidence": {
            "series": suspect.series,
            "unit": suspect.unit,
            "onset_at": suspect.onset.at,
            "lag_ms": suspect.lag_ms,
            "baseline": suspect.onset.baseline,
            "worst": suspect.onset.worst,
            "points": suspect.onset.points.iter().map(|&(at, v)| json!([at, v])).collect::<Vec<_>>(),
        },
        "confidence": (suspect.confidence * 100.0).round() / 100.0,
    });
    Rendered {
        title,
        body: body.to_string(),
        rationale,
        service,
    }
}

#[cfg(target_arch = "wasm32")]
mod plugin;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::{Deploy, Series, suspects};

    #[test]
    fn the_request_names_the_deploy_service_and_evidence() {
        let points = (0..40)
            .map(|m| (m * 60_000, if m >= 30 { 9.0 } else { 0.5 }))
            .collect();
        let series = Series {
            name: "error_rate".into(),
            unit: "%".into(),
            points,
        };
        let deploy = Deploy {
            event_id: "ev-7".into(),
            at: 24 * 60_000,
            text: "payments v3.1.0 rolled out".into(),
        };
        let suspect = &suspects(&[deploy], &[series], 15 * 60_000, &[])[0];
        let r = render(suspect, "shop");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["action"], "rollback");
        assert_eq!(body["service"], "payments");
        assert_eq!(body["deploy"]["event"], "ev-7");
        assert_eq!(body["evidence"]["onset_at"], 30 * 60_000);
        assert_eq!(
            body["evidence"]["points"][3],
            serde_json::json!([30 * 60_000, 9.0])
        );
        assert!(
            r.title
                .starts_with("Roll back the payments deploy: errors jumped 6 min"),
            "{}",
            r.title
        );
        assert!(r.title.chars().count() <= 80);
    }
}
