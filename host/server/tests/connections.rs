//! Slow clients (issue 18, finding 6): connections that send half a request head, or nothing,
//! are closed once the header-read timeout runs out, and connections past the cap wait to be
//! accepted until a place frees. Raw TCP, so nothing between the test and the server finishes
//! a request on its behalf; the timeout is made small through the configuration.

use std::net::SocketAddr;
use std::time::Duration;

use rhyme_server::ServeConfig;
use rhyme_server::listen::Connections;
use rhyme_sinks::Sinks;
use rhyme_store::{Gate, GateConfig, Store};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const HALF_A_HEAD: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: rhyme\r\n";
const WHOLE_REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: rhyme\r\nConnection: close\r\n\r\n";

/// Longer than any wait the server should cause; reached only when a limit does not work.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running server with these connection limits; it stops when the sender is dropped.
struct Running {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

async fn serve(connections: Connections) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), None).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let config = ServeConfig {
        listen: addr,
        queue: rhyme_pipeline::lines::QueueLimits::with_total(10_000),
        workers: 1,
        tick_every: Duration::from_secs(3600),
        deliver_every: Duration::from_secs(3600),
        slack_signing_secret: None,
        slack_app: Default::default(),
        webhook_secrets: Default::default(),
        job_lease: Duration::from_secs(30),
        seen_before: Err("not used here".into()),
        audit: Default::default(),
        connections,
    };
    tokio::spawn(rhyme_server::serve_until(
        listener,
        async {
            let _ = stopped.await;
        },
        config,
        Gate::new(store, GateConfig::default()),
        Sinks::new(),
        vec![],
    ));
    Running {
        addr,
        _stop: stop,
        _dir: dir,
    }
}

async fn connect(addr: SocketAddr, send: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(send).await.unwrap();
    stream
}

/// Everything the server sends until it closes the connection; `None` if it is still open
/// after `wait`.
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await {
        Ok(Ok(_)) => Some(String::from_utf8_lossy(&answer).into_owned()),
        // Reset by the server: closed too, with nothing more to read.
        Ok(Err(_)) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_request_head_or_silence_is_closed_after_the_header_timeout() {
    let server = serve(Connections {
        max: 64,
        header_read_timeout: Duration::from_millis(300),
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        slow.push(connect(server.addr, HALF_A_HEAD).await);
    }
    slow.push(connect(server.addr, b"").await);
    for (i, stream) in slow.iter_mut().enumerate() {
        let answer = until_closed(stream, PATIENCE).await;
        let answer = answer.unwrap_or_else(|| panic!("connection {i} is still held open"));
        // hyper answers 408 when it can; a bare close is as good.
        assert!(
            answer.is_empty() || status_line(&answer).contains("408"),
            "{answer}"
        );
    }
    let mut whole = connect(server.addr, WHOLE_REQUEST).await;
    let answer = until_closed(&mut whole, PATIENCE).await.unwrap();
    assert_eq!(status_line(&answer), "HTTP/1.1 200 OK", "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_until_a_place_frees() {
    let server = serve(Connections {
        max: 2,
        header_read_timeout: Duration::from_secs(1),
    })
    .await;
    let mut holding = [
        connect(server.addr, HALF_A_HEAD).await,
        connect(server.addr, HALF_A_HEAD).await,
    ];
    let mut waiting = connect(server.addr, WHOLE_REQUEST).await;
    // Both places are taken for a second: the third is not even accepted meanwhile.
    assert_eq!(
        until_closed(&mut waiting, Duration::from_millis(300)).await,
        None,
        "a third connection was served while two held both places"
    );
    for stream in &mut holding {
        assert!(until_closed(stream, PATIENCE).await.is_some());
    }
    let answer = until_closed(&mut waiting, PATIENCE).await;
    let answer = answer.expect("the waiting connection is served once a place frees");
    assert_eq!(status_line(&answer), "HTTP/1.1 200 OK", "{answer}");
}
