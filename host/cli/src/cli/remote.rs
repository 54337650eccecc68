//! Talking to a running `rhyme serve` from the command line. Commands that change what people
//! see during an incident (acknowledging or muting a nudge) go through the HTTP API rather than
//! the store, so the server checks the token's role and writes the audit log exactly as it does
//! for any other client.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

/// Where the server is and who is calling.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct ServerArgs {
    /// Base URL of the Rhyme server (`rhyme serve`).
    #[arg(long, env = "RHYME_SERVER", default_value = "http://127.0.0.1:7878")]
    pub server: String,
    /// API token; its role decides what you may do (create one with `rhyme token create`).
    #[arg(long, env = "RHYME_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// Why a call to the server failed, worded for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub(super) enum RemoteError {
    #[error("`{url}` is not a server URL: {why}")]
    BadUrl { url: String, why: String },
    #[error(
        "no API token: pass --token or set RHYME_TOKEN (an admin creates one with `rhyme token create --role ic --name NAME`)"
    )]
    NoToken,
    #[error(
        "cannot reach the Rhyme server at {url}: {why} (is `rhyme serve` running there? set --server or RHYME_SERVER)"
    )]
    Unreachable { url: String, why: String },
    /// The server's own reason: no token, an unknown or a revoked one.
    #[error("the server at {url} did not accept the token: {detail}")]
    Unauthenticated { url: String, detail: String },
    #[error("refused: {detail}")]
    Forbidden { detail: String },
    #[error("{detail}")]
    NotFound { detail: String },
    #[error("{detail}")]
    Invalid { detail: String },
    #[error("the server answered {status}: {detail}")]
    Failed { status: u16, detail: String },
}

/// A client for one server and token.
pub(super) struct Remote {
    base: Url,
    token: String,
    http: reqwest::Client,
}

impl Remote {
    pub(super) fn new(args: &ServerArgs) -> Result<Remote, RemoteError> {
        let bad = |why: String| RemoteError::BadUrl {
            url: args.server.clone(),
            why,
        };
        let base = Url::parse(&args.server).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(bad("use http://HOST:PORT or https://HOST".into()));
        }
        let token = args
            .token
            .clone()
            .filter(|t| !t.trim().is_empty())
            .ok_or(RemoteError::NoToken)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Remote {
            base,
            token: token.trim().to_string(),
            http,
        })
    }

    /// Sends a request to the path made of `segments` (each escaped) and returns the JSON answer.
    pub(super) async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
    ) -> Result<Value, RemoteError> {
        self.call_with_query(method, segments, &[], body).await
    }

    /// [`Remote::call`] with a query string made of `query` (each pair escaped).
    pub(super) async fn call_with_query(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, RemoteError> {
        let mut url = self.url(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut request = self
            .http
            .request(method, url.clone())
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let unreachable = |e: reqwest::Error| RemoteError::Unreachable {
            url: self.base.to_string(),
            why: root_cause(&e),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| RemoteError::Failed {
                status: status.as_u16(),
                detail: format!(
                    "the answer to {url} is not JSON ({e}); is {} a Rhyme server?",
                    self.base
                ),
            });
        }
        Err(self.failure(status, &bytes))
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked in new")
            .pop_if_empty()
            .extend(segments);
        url
    }

    fn failure(&self, status: StatusCode, body: &[u8]) -> RemoteError {
        let problem: Option<Value> = serde_json::from_slice(body).ok();
        let detail = problem
            .as_ref()
            .and_then(|p| p.get("detail"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                String::from_utf8_lossy(body)
                    .trim()
                    .chars()
                    .take(300)
                    .collect()
            });
        match status {
            StatusCode::UNAUTHORIZED => RemoteError::Unauthenticated {
                url: self.base.to_string(),
                detail,
            },
            StatusCode::FORBIDDEN => RemoteError::Forbidden { detail },
            StatusCode::NOT_FOUND => RemoteError::NotFound { detail },
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
                RemoteError::Invalid { detail }
            }
            _ => RemoteError::Failed {
                status: status.as_u16(),
                detail,
            },
        }
    }
}

/// The innermost cause ("Connection refused"), which says more than reqwest's outer message.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(server: &str, token: Option<&str>) -> ServerArgs {
        ServerArgs {
            server: server.into(),
            token: token.map(str::to_string),
        }
    }

    #[test]
    fn path_segments_are_escaped_under_the_base_path() {
        let remote = Remote::new(&args("https://rhyme.example/api/", Some("t"))).unwrap();
        let url = remote.url(&["v1", "incidents", "inc 1/2", "nudges"]);
        assert_eq!(
            url.as_str(),
            "https://rhyme.example/api/v1/incidents/inc%201%2F2/nudges"
        );
    }

    #[test]
    fn a_refused_token_is_told_with_the_server_s_reason() {
        let remote = Remote::new(&args("http://127.0.0.1:7878", Some("t"))).unwrap();
        let body = br#"{"type": "urn:rhyme:problem:unauthenticated", "status": 401, "detail": "the bearer token was revoked; ask an admin for a new one"}"#;
        let told = remote.failure(StatusCode::UNAUTHORIZED, body).to_string();
        assert_eq!(
            told,
            "the server at http://127.0.0.1:7878/ did not accept the token: the bearer token was revoked; ask an admin for a new one"
        );
    }

    #[test]
    fn a_missing_token_or_a_bad_url_is_named() {
        assert!(matches!(
            Remote::new(&args("http://127.0.0.1:7878", None)),
            Err(RemoteError::NoToken)
        ));
        let bad = Remote::new(&args("127.0.0.1:7878", Some("t")))
            .err()
            .unwrap()
            .to_string();
        assert!(bad.contains("127.0.0.1:7878"), "{bad}");
    }
}
