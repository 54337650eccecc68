//! A local stand-in for Slack's side of the Slack app: the Web API (`POST /api/chat.*`), which
//! checks what Slack checks (the bot token as `Authorization: Bearer`, the fields each method
//! needs) and answers in Slack's shapes, and the response URLs (`POST /actions/...`) that
//! clicks and slash commands are answered through. It records everything it accepted.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::http::{Request, read_request};

/// One call the fake accepted: the path (`/api/chat.postEphemeral`, `/actions/...`) and body.
#[derive(Debug, Clone)]
pub struct SlackCall {
    pub path: String,
    pub body: Value,
}

/// The running fake; stops when dropped.
pub struct SlackServer {
    addr: String,
    calls: Arc<Mutex<Vec<SlackCall>>>,
    stop: Arc<AtomicBool>,
}

impl SlackServer {
    /// Listens on a free local port, accepting `token` as the bot token.
    pub fn start(token: &str) -> SlackServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a local port");
        let addr = listener.local_addr().unwrap().to_string();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, flag, token) = (calls.clone(), stop.clone(), token.to_string());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (log, token) = (log.clone(), token.clone());
                std::thread::spawn(move || serve(stream, &token, &log));
            }
        });
        SlackServer { addr, calls, stop }
    }

    /// The Web API's base, for `[slack] api-base`.
    pub fn api_base(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A response URL on this fake, as Slack would put in a click or a command.
    pub fn response_url(&self, id: &str) -> String {
        format!("http://{}/actions/T0RHYME/{id}/secret", self.addr)
    }

    /// Every call accepted so far.
    pub fn calls(&self) -> Vec<SlackCall> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for SlackServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(&self.addr);
    }
}

fn serve(mut stream: TcpStream, token: &str, log: &Mutex<Vec<SlackCall>>) {
    let Some(Request {
        method,
        path,
        authorization,
        body,
    }) = read_request(&stream)
    else {
        return;
    };
    if method != "POST" {
        return respond(
            &mut stream,
            405,
            &json!({"ok": false, "error": "method_not_allowed"}),
        );
    }
    let has = |field: &str| body.get(field).is_some_and(|v| !v.is_null());
    let answer = if path.starts_with("/actions/") {
        json!({"ok": true})
    } else if authorization.as_deref() != Some(&format!("Bearer {token}")) {
        json!({"ok": false, "error": "invalid_auth"})
    } else {
        match path.as_str() {
            "/api/chat.postEphemeral" if !has("user") => {
                json!({"ok": false, "error": "user_not_found"})
            }
            "/api/chat.postEphemeral" | "/api/chat.postMessage" if !has("channel") => {
                json!({"ok": false, "error": "channel_not_found"})
            }
            _ if !has("text") && !has("blocks") => json!({"ok": false, "error": "no_text"}),
            "/api/chat.postEphemeral" => json!({"ok": true, "message_ts": "1767225600.000100"}),
            "/api/chat.postMessage" => {
                json!({"ok": true, "channel": body["channel"], "ts": "1767225600.000200"})
            }
            "/api/chat.update" if !has("ts") => json!({"ok": false, "error": "message_not_found"}),
            "/api/chat.update" => json!({"ok": true, "channel": body["channel"], "ts": body["ts"]}),
            _ => {
                return respond(
                    &mut stream,
                    404,
                    &json!({"ok": false, "error": "unknown_method"}),
                );
            }
        }
    };
    if answer["ok"] == true {
        log.lock().unwrap().push(SlackCall { path, body });
    }
    respond(&mut stream, 200, &answer);
}

fn respond(stream: &mut TcpStream, status: u16, body: &Value) {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}
