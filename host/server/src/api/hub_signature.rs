//! The signature GitHub and Jira put on their webhooks: `sha256=` and the hex HMAC-SHA256 of the
//! body under the webhook's secret. A sender that cannot hold a bearer token is authenticated by
//! it, so it is checked over the raw bytes before the body is read.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::problem::Unauthenticated;

/// Checks the `header` (`X-Hub-Signature-256` for GitHub, `X-Hub-Signature` for Jira) that
/// `sender` put on `body` against the HMAC under `secret`.
pub(crate) fn verify(
    sender: &'static str,
    header: &'static str,
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Unauthenticated> {
    let value = headers
        .get(header)
        .ok_or(Unauthenticated::WebhookUnsigned { sender, header })?;
    let signature = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().strip_prefix("sha256="))
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or(Unauthenticated::WebhookMalformed {
            sender,
            why: "expected `sha256=` followed by hex",
        })?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| Unauthenticated::WebhookMismatch { sender })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "X-Hub-Signature-256";

    fn signed(secret: &str, body: &[u8]) -> HeaderMap {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        let mut headers = HeaderMap::new();
        let value = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        headers.insert(HEADER, value.parse().unwrap());
        headers
    }

    fn check(secret: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), Unauthenticated> {
        verify("GitHub", HEADER, secret, headers, body)
    }

    #[test]
    fn each_way_a_signature_fails_is_named() {
        let body = br#"{"zen": "hi"}"#;
        assert!(check("s", &signed("s", body), body).is_ok());
        assert!(matches!(
            check("s", &signed("other", body), body),
            Err(Unauthenticated::WebhookMismatch { .. })
        ));
        assert!(matches!(
            check("s", &signed("s", body), b"{}"),
            Err(Unauthenticated::WebhookMismatch { .. })
        ));
        assert!(matches!(
            check("s", &HeaderMap::new(), body),
            Err(Unauthenticated::WebhookUnsigned { .. })
        ));
        let mut bad = HeaderMap::new();
        bad.insert(HEADER, "sha1=00".parse().unwrap());
        assert!(matches!(
            check("s", &bad, body),
            Err(Unauthenticated::WebhookMalformed { .. })
        ));
    }
}
