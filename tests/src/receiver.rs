//! A Slack-compatible incoming-webhook receiver for tests: accepts `POST` with a JSON body,
//! answers `200 ok` as Slack does, and records each body. It can be started on a port chosen
//! in advance, so a test can point Rhyme at it while it is still down.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::http::read_request;

/// A port on 127.0.0.1 that was free a moment ago, for a receiver started later.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The running receiver (it runs until the test process ends).
pub struct Receiver {
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Receiver {
    /// Listens on `127.0.0.1:port`.
    pub fn start(port: u16) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("binding the receiver's port");
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let log = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                handle(stream, &log);
            }
        });
        Receiver { bodies }
    }

    /// The JSON bodies received so far.
    pub fn bodies(&self) -> Vec<serde_json::Value> {
        self.bodies.lock().unwrap().clone()
    }
}

fn handle(mut stream: TcpStream, log: &Mutex<Vec<serde_json::Value>>) {
    // A connection closed before its request line is recorded as `null`, as an empty body.
    let body = read_request(&stream).map_or(serde_json::Value::Null, |request| request.body);
    log.lock().unwrap().push(body);
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
}
