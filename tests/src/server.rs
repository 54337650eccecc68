//! A running `rhyme serve` for end-to-end tests, and a minimal HTTP/1.1 client (one request
//! per connection) so the tests talk to it over a real socket with no client library between.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{component, outcome, plugin_folder, rhyme_binary, wait_until};

/// Where a test's server keeps its data: a data folder, and a PostgreSQL URL when the store
/// lives there rather than in `<data>/rhyme.db`.
#[derive(Debug, Clone)]
pub struct Backend {
    pub data: PathBuf,
    pub database_url: Option<String>,
}

impl Backend {
    /// `rhyme ARGS...` against this backend.
    pub fn rhyme(&self, args: &[&str]) -> std::process::Output {
        self.command(args).output().expect("running rhyme")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(rhyme_binary());
        command
            .arg("--data")
            .arg(&self.data)
            .args(args)
            .env_remove("RHYME_DATA");
        match &self.database_url {
            Some(url) => command.env("RHYME_DATABASE_URL", url),
            None => command.env_remove("RHYME_DATABASE_URL"),
        };
        command
    }

    /// Creates a token and returns its secret.
    pub fn token(&self, role: &str, name: &str) -> String {
        let out = self.rhyme(&["token", "create", "--role", role, "--name", name]);
        assert!(
            out.status.success(),
            "token create: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Lays out a plugin folder under `parent` (the built component `stem` with `manifest`),
    /// installs it with `--grant G` for each of `grant`, asserts that succeeded, and returns
    /// the folder.
    pub fn install_plugin(
        &self,
        parent: &Path,
        stem: &str,
        manifest: &str,
        grant: &[&str],
    ) -> PathBuf {
        let folder = plugin_folder(parent, &component(stem), manifest);
        let mut args = vec!["plugin", "install", folder.to_str().unwrap()];
        for capability in grant {
            args.extend(["--grant", capability]);
        }
        let (code, out, err) = outcome(&self.rhyme(&args));
        assert_eq!(code, 0, "{out}{err}");
        folder
    }
}

/// A `rhyme serve` child on a free port of 127.0.0.1, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Server {
    /// Starts `rhyme serve --listen 127.0.0.1:0 EXTRA...` and waits until it listens.
    pub fn start(backend: &Backend, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = backend
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting rhyme serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("reading the listen line");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line from rhyme serve: {line:?}"))
            .to_string();
        Server { child, addr }
    }

    /// Sends one request; `body` is JSON.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Response {
        request(
            &self.addr,
            method,
            path,
            token,
            body.map(|b| ("application/json", b.as_bytes())),
        )
    }

    /// The whole audit log as a JSON array, read page by page with the admin token `admin`.
    /// The PostgreSQL tests share one database, so the log holds every test's entries: a
    /// single page of 1000 may end before this test's own.
    pub fn audit_log(&self, admin: &str) -> serde_json::Value {
        let mut all = Vec::new();
        loop {
            let after = all
                .last()
                .map_or(0, |e: &serde_json::Value| e["seq"].as_i64().unwrap());
            let page = self
                .call(
                    "GET",
                    &format!("/v1/audit?limit=1000&after={after}"),
                    Some(admin),
                    None,
                )
                .json();
            let entries = page.as_array().expect("the audit log is an array").clone();
            if entries.is_empty() {
                return serde_json::Value::Array(all);
            }
            all.extend(entries);
        }
    }

    /// `POST /v1/incidents` with `body`; asserts 201.
    pub fn create_incident(&self, token: &str, body: &serde_json::Value) {
        let answer = self.call(
            "POST",
            "/v1/incidents",
            Some(token),
            Some(&body.to_string()),
        );
        assert_eq!(answer.status, 201, "{}", answer.text());
    }

    /// `POST /v1/incidents/INCIDENT/events` with `{"events": events}` (`events` is the array);
    /// asserts 202.
    pub fn post_events(&self, token: &str, incident: &str, events: &serde_json::Value) {
        let body = serde_json::json!({ "events": events }).to_string();
        let answer = self.call(
            "POST",
            &format!("/v1/incidents/{incident}/events"),
            Some(token),
            Some(&body),
        );
        assert_eq!(answer.status, 202, "{}", answer.text());
    }

    /// The `rhyme_plugin_calls_total` count in `/metrics` for `plugin` and `trigger`: of
    /// `outcome` when given, summed over every outcome when `None`; 0 when no line matches.
    pub fn plugin_calls(&self, plugin: &str, trigger: &str, outcome: Option<&str>) -> usize {
        let metrics = self.call("GET", "/metrics", None, None).text();
        metrics
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("rhyme_plugin_calls_total{")?;
                let (labels, value) = rest.rsplit_once("} ")?;
                let label = |name: &str| {
                    labels.split(',').find_map(|pair| {
                        pair.strip_prefix(name)?
                            .strip_prefix("=\"")?
                            .strip_suffix('"')
                    })
                };
                let wanted = label("plugin") == Some(plugin)
                    && label("trigger") == Some(trigger)
                    && outcome.is_none_or(|o| label("outcome") == Some(o));
                wanted.then(|| value.trim().parse::<f64>().ok()).flatten()
            })
            .sum::<f64>() as usize
    }

    /// Polls `check` every 50 ms until it returns `Some`, for up to 20 s.
    pub fn wait_for<T>(&self, what: &str, check: impl FnMut() -> Option<T>) -> T {
        wait_until(Duration::from_secs(20), Duration::from_millis(50), check)
            .unwrap_or_else(|| panic!("timed out waiting for {what}"))
    }
}

impl Server {
    /// SIGKILL: no shutdown, no flush, as a crash or the OOM killer would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One request over a fresh connection (`Connection: close`).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Response {
    let mut stream = TcpStream::connect(addr)
        .unwrap_or_else(|e| panic!("connecting to rhyme serve at {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let (kind, bytes) = body.unwrap_or(("application/json", b""));
    head.push_str(&format!(
        "Content-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading a large body, then close: not a test failure.
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

/// Sends `bytes` as they are (a whole request) and reads the answer.
pub fn raw(addr: &str, bytes: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr)
        .unwrap_or_else(|e| panic!("connecting to rhyme serve at {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    parse(&answer)
}

fn parse(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// A fresh per-test suffix for ids and token names, so tests can share one PostgreSQL.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos:x}", std::process::id())
}

/// The backends to run a server test on: SQLite in `dir` always, and PostgreSQL when
/// `RHYME_TEST_DATABASE_URL` is set (with a note when it is not).
pub fn backends(dir: &Path) -> Vec<Backend> {
    let mut all = vec![Backend {
        data: dir.join("sqlite"),
        database_url: None,
    }];
    match std::env::var("RHYME_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => all.push(Backend {
            data: dir.join("postgres"),
            database_url: Some(url),
        }),
        None => eprintln!(
            "note: RHYME_TEST_DATABASE_URL is not set; the server tests ran on SQLite only"
        ),
    }
    all
}
