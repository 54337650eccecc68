//! A local HTTP server speaking the OpenAI chat-completions protocol
//! (`POST /v1/chat/completions`), for testing Rhyme's `llm` capability end to end without a
//! model: it answers what the test tells it to (a completion, an HTTP error, or nothing at
//! all) and records every request it got.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::{Request, read_request};

/// What the server does with each request.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answers 200 with a well-formed chat completion whose message is this text.
    Complete(String),
    /// Answers this HTTP status with an OpenAI-style error body.
    Status(u16),
    /// Reads the request and never answers (until the server is dropped).
    Hang,
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: serde_json::Value,
}

/// The running server; stops when dropped.
pub struct ChatServer {
    addr: String,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl ChatServer {
    /// Listens on a free local port.
    pub fn start(behaviour: Behaviour) -> ChatServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a local port");
        let addr = listener.local_addr().unwrap().to_string();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, flag) = (received.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (log, flag, behaviour) = (log.clone(), flag.clone(), behaviour.clone());
                std::thread::spawn(move || serve(stream, &behaviour, &log, &flag));
            }
        });
        ChatServer {
            addr,
            received,
            stop,
        }
    }

    /// The base URL to give `RHYME_LLM_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for ChatServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

fn serve(
    mut stream: TcpStream,
    behaviour: &Behaviour,
    log: &Mutex<Vec<Received>>,
    stop: &AtomicBool,
) {
    let Some(Request {
        method,
        path,
        authorization,
        body,
    }) = read_request(&stream)
    else {
        return;
    };
    log.lock().unwrap().push(Received {
        method: method.clone(),
        path: path.clone(),
        authorization,
        body: body.clone(),
    });

    if method != "POST" || path != "/v1/chat/completions" {
        return respond(
            &mut stream,
            404,
            &serde_json::json!({"error": {"message": "not found", "type": "invalid_request_error"}}),
        );
    }
    match behaviour {
        Behaviour::Complete(text) => respond(&mut stream, 200, &completion(&body, text)),
        Behaviour::Status(status) => respond(
            &mut stream,
            *status,
            &serde_json::json!({"error": {"message": "the model server is failing", "type": "server_error"}}),
        ),
        Behaviour::Hang => {
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(600) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// A chat completion as OpenAI's API writes it.
fn completion(request: &serde_json::Value, text: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_767_225_600u32,
        "model": request["model"],
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}
    })
}

fn respond(stream: &mut TcpStream, status: u16, body: &serde_json::Value) {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}
