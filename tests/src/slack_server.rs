//! A local stand-in for Slack's side of the Slack app: the Web API (`POST /api/chat.*`), which
//! checks what Slack checks (the bot token as `Authorization: Bearer`, the fields each method
//! needs) and answers in Slack's shapes, and the response URLs (`POST /actions/...`) that
//! clicks and slash commands are answered through. It records everything it accepted.
//!
//! Each message posted gets its own `ts`, as in Slack; `chat.update` must name a channel and
//! the `ts` of a message posted there (else `channel_not_found` / `message_not_found`), and a
//! `thread_ts` must be a Slack timestamp. [`SlackServer::rate_limit_once`] makes the next call
//! of a method answer HTTP 429 with `Retry-After`, as Slack does over its rate limit.

use std::collections::BTreeMap;
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

/// What the fake remembers between calls.
#[derive(Default)]
struct Memory {
    /// Calls accepted, in order.
    calls: Vec<SlackCall>,
    /// Messages posted (`chat.postMessage`), as (channel, ts).
    posted: Vec<(String, String)>,
    /// 429s still to answer, by path, with their `Retry-After` in seconds.
    limited: BTreeMap<String, u64>,
    /// Calls answered 429, by path.
    refused_429: Vec<String>,
}

/// The running fake; stops when dropped.
pub struct SlackServer {
    addr: String,
    memory: Arc<Mutex<Memory>>,
    stop: Arc<AtomicBool>,
}

impl SlackServer {
    /// Listens on a free local port, accepting `token` as the bot token.
    pub fn start(token: &str) -> SlackServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a local port");
        let addr = listener.local_addr().unwrap().to_string();
        let memory = Arc::new(Mutex::new(Memory::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, flag, token) = (memory.clone(), stop.clone(), token.to_string());
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
        SlackServer { addr, memory, stop }
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
        self.memory.lock().unwrap().calls.clone()
    }

    /// The next call of `method` (`chat.update`) is answered HTTP 429 with `Retry-After:
    /// {seconds}`, and not recorded as accepted.
    pub fn rate_limit_once(&self, method: &str, seconds: u64) {
        let path = format!("/api/{method}");
        self.memory.lock().unwrap().limited.insert(path, seconds);
    }

    /// The paths of the calls answered 429 so far.
    pub fn rate_limited(&self) -> Vec<String> {
        self.memory.lock().unwrap().refused_429.clone()
    }
}

impl Drop for SlackServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(&self.addr);
    }
}

fn serve(mut stream: TcpStream, token: &str, memory: &Mutex<Memory>) {
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
    let mut memory = memory.lock().unwrap();
    if let Some(seconds) = memory.limited.remove(&path) {
        memory.refused_429.push(path);
        drop(memory);
        return respond_with(
            &mut stream,
            429,
            &format!("retry-after: {seconds}\r\n"),
            &json!({"ok": false, "error": "ratelimited"}),
        );
    }
    let has = |field: &str| body.get(field).is_some_and(|v| !v.is_null());
    let text = |field: &str| body[field].as_str().unwrap_or("").to_string();
    let channel = text("channel");
    let answer = if path.starts_with("/actions/") {
        json!({"ok": true})
    } else if authorization.as_deref() != Some(&format!("Bearer {token}")) {
        json!({"ok": false, "error": "invalid_auth"})
    } else {
        match path.as_str() {
            "/api/chat.postEphemeral" if !has("user") => {
                json!({"ok": false, "error": "user_not_found"})
            }
            "/api/chat.postEphemeral" | "/api/chat.postMessage" | "/api/chat.update"
                if channel.is_empty() =>
            {
                json!({"ok": false, "error": "channel_not_found"})
            }
            "/api/chat.update" if !memory.posted.contains(&(channel.clone(), text("ts"))) => {
                json!({"ok": false, "error": "message_not_found"})
            }
            "/api/chat.postMessage" if has("thread_ts") && !is_ts(&text("thread_ts")) => {
                json!({"ok": false, "error": "invalid_thread_ts"})
            }
            _ if !has("text") && !has("blocks") => json!({"ok": false, "error": "no_text"}),
            "/api/chat.postEphemeral" => json!({"ok": true, "message_ts": "1767225600.000100"}),
            "/api/chat.postMessage" => {
                let ts = format!("1767225700.{:06}", memory.posted.len() + 1);
                memory.posted.push((channel.clone(), ts.clone()));
                json!({"ok": true, "channel": channel, "ts": ts,
                    "message": {"type": "message", "text": body["text"], "bot_id": "B0RHYME", "ts": ts}})
            }
            "/api/chat.update" => json!({"ok": true, "channel": channel, "ts": body["ts"],
                "text": body["text"], "message": {"text": body["text"], "bot_id": "B0RHYME"}}),
            _ => {
                drop(memory);
                return respond(
                    &mut stream,
                    404,
                    &json!({"ok": false, "error": "unknown_method"}),
                );
            }
        }
    };
    if answer["ok"] == true {
        memory.calls.push(SlackCall { path, body });
    }
    drop(memory);
    respond(&mut stream, 200, &answer);
}

/// Slack's timestamps: seconds, a dot, six digits.
fn is_ts(ts: &str) -> bool {
    ts.split_once('.').is_some_and(|(s, us)| {
        !s.is_empty() && us.len() == 6 && (s.to_string() + us).bytes().all(|b| b.is_ascii_digit())
    })
}

fn respond(stream: &mut TcpStream, status: u16, body: &Value) {
    respond_with(stream, status, "", body);
}

fn respond_with(stream: &mut TcpStream, status: u16, headers: &str, body: &Value) {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}
