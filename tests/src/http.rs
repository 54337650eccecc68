//! Reading one HTTP/1.1 request with a JSON body, for the test servers (`receiver`,
//! `chat_server`) that stand in for Slack and a model server.

use std::io::{BufRead, BufReader, Read};

/// A request as the test servers see it.
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    /// The last `Authorization` header, trimmed.
    pub authorization: Option<String>,
    /// The body as JSON; `Null` when it is not JSON (or empty).
    pub body: serde_json::Value,
}

/// Reads the request line, the headers and a `content-length` body from `stream`; `None` when
/// the connection closed (or failed) before a request line.
pub(crate) fn read_request(stream: impl Read) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return None;
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let (mut length, mut authorization) = (0usize, None);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    Some(Request {
        method,
        path,
        authorization,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    })
}
