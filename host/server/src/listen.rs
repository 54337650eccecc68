//! Accepting connections, with the two limits a slow or hostile client would otherwise get
//! around (issue 18, finding 6): at most [`Connections::max`] open at once, and each request
//! head (line and headers) within [`Connections::header_read_timeout`].
//!
//! Past the cap the server stops accepting: new connections wait in the kernel's backlog and
//! are served as soon as one closes, so a burst is delayed rather than refused. The header
//! timeout is what frees places: a connection that sends half a request head, or nothing, or
//! sits idle between keep-alive requests, is closed when it runs out. A request whose head has
//! arrived is not timed: a slow plugin or a large upload is the body limit's and the handler's
//! business.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

/// Default of [`Connections::max`]: far above what reviewers, alert senders and scripts
/// keep open, far below the process's file descriptors.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// Default of [`Connections::header_read_timeout`]: a real client sends its request head in
/// milliseconds; this long also ends idle keep-alive connections.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How many connections the server holds, and how long each may take to send a request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connections {
    /// Connections open at once; more wait to be accepted until one closes.
    pub max: usize,
    /// Time from the start of waiting for a request until its head has arrived; past it the
    /// connection is closed.
    pub header_read_timeout: Duration,
}

impl Default for Connections {
    fn default() -> Connections {
        Connections {
            max: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` completes; then stops accepting,
/// asks every open connection to finish its request in flight and close, and waits for them.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Connections,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let places = Arc::new(Semaphore::new(limits.max.max(1)));
    let (closing, closed) = watch::channel(false);
    let mut open = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // A place first, then the accept: past the cap, connections stay in the backlog.
        let place = tokio::select! {
            () = &mut shutdown => break,
            place = places.clone().acquire_owned() => place.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
        };
        let connection = Connection {
            stream,
            app: app.clone(),
            header_read_timeout: limits.header_read_timeout,
            closed: closed.clone(),
            _place: place,
        };
        open.spawn(connection.run());
        // Forget the ended ones as we go, so the set holds only open connections.
        while open.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = closing.send(true);
    while open.join_next().await.is_some() {}
}

/// One accepted connection and its place under the cap, given back when it is dropped.
struct Connection {
    stream: TcpStream,
    app: Router,
    header_read_timeout: Duration,
    closed: watch::Receiver<bool>,
    _place: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(mut self) {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        let service = TowerToHyperService::new(self.app);
        let connection = http.serve_connection(TokioIo::new(self.stream), service);
        tokio::pin!(connection);
        let closing = async {
            // The guard `wait_for` returns is not `Send`: drop it before anything else awaits.
            let _ = self.closed.wait_for(|closing| *closing).await.is_ok();
        };
        tokio::select! {
            result = connection.as_mut() => log_end(result),
            () = closing => {
                connection.as_mut().graceful_shutdown();
                log_end(connection.await);
            }
        }
    }
}

/// A connection's end: a client that timed out or hung up is routine, not an error.
fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        tracing::debug!(%error, "connection closed");
    }
}

/// After a failed accept: a connection that went away before it was taken is nothing; any
/// other failure (out of file descriptors) is logged and retried a moment later rather than in
/// a hot loop.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
