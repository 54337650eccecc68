//! Headless Chromium through chromedriver's W3C WebDriver protocol, for the review page's
//! end-to-end tests. The protocol is a handful of JSON-over-HTTP calls, one per connection
//! (chromedriver keeps connections open, so an answer ends at its `Content-Length`).
//!
//! `tests/scripts/chromium.sh` installs Debian's `chromium` and `chromium-driver` and starts
//! chromedriver; `make test` passes its URL in `RHYME_TEST_WEBDRIVER_URL`. Without it the
//! browser tests print a note and pass, so a plain `cargo test` still works.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::wait_until;

/// The W3C name of an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver's address (`127.0.0.1:PORT`) from `RHYME_TEST_WEBDRIVER_URL`, or `None` with
/// a note.
pub fn driver() -> Option<String> {
    match std::env::var("RHYME_TEST_WEBDRIVER_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => Some(
            url.trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string(),
        ),
        None => {
            eprintln!(
                "note: RHYME_TEST_WEBDRIVER_URL is not set (tests/scripts/chromium.sh starts chromedriver); skipping the browser test"
            );
            None
        }
    }
}

/// One headless Chromium, closed when dropped.
pub struct Browser {
    driver: String,
    session: String,
    _profile: tempfile::TempDir,
}

/// A found element.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Browser {
    /// Starts Chromium headless with a fresh profile, through chromedriver at `driver`.
    pub fn start(driver: &str) -> Browser {
        let profile = tempfile::tempdir().expect("a profile folder");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
        }}});
        let value = call(driver, "POST", "/session", Some(capabilities));
        let session = value["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Browser {
            driver: driver.to_string(),
            session,
            _profile: profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        call(
            &self.driver,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        try_call(
            &self.driver,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    /// The first element matching `css`, waiting up to 30 s for it to appear.
    pub fn find(&self, css: &str) -> Element {
        self.wait_for(&format!("an element matching `{css}`"), || {
            self.try_find(css)
        })
    }

    /// The first element matching `css` now, if any.
    pub fn try_find(&self, css: &str) -> Option<Element> {
        let found = self
            .try_call(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .ok()?;
        Some(Element(found[ELEMENT_KEY].as_str()?.to_string()))
    }

    /// Every element matching `css` now.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| Element(e[ELEMENT_KEY].as_str().unwrap().to_string()))
            .collect()
    }

    /// The element matching `css` inside `parent`, waiting for it.
    pub fn find_in(&self, parent: &Element, css: &str) -> Element {
        self.wait_for(&format!("`{css}` inside an element"), || {
            let found = self
                .try_call(
                    "POST",
                    &format!("/element/{}/element", parent.0),
                    Some(json!({"using": "css selector", "value": css})),
                )
                .ok()?;
            Some(Element(found[ELEMENT_KEY].as_str()?.to_string()))
        })
    }

    pub fn click(&self, element: &Element) {
        self.call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        );
    }

    /// Types `text` into the element, as a person would.
    pub fn type_text(&self, element: &Element, text: &str) {
        self.call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({"text": text})),
        );
    }

    /// The element's rendered text.
    pub fn text(&self, element: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", element.0), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A form control's current value.
    pub fn value(&self, element: &Element) -> String {
        self.call(
            "GET",
            &format!("/element/{}/property/value", element.0),
            None,
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Runs `script` in the page with `args` (elements passed as [`Element::json`]).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub fn wait_text(&self, element: &Element, needle: &str) -> String {
        let mut last = String::new();
        let found = self.try_wait(Duration::from_secs(30), || {
            last = self.text(element);
            last.contains(needle).then(|| last.clone())
        });
        found
            .unwrap_or_else(|| panic!("timed out waiting for {needle:?}; the element says: {last}"))
    }

    /// Waits until an element matching `css` (found afresh each time, as the page may replace
    /// it) has text containing `needle`; returns the text.
    pub fn wait_css_text(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        let found = self.try_wait(Duration::from_secs(30), || {
            let element = self.try_find(css)?;
            last = self
                .try_call("GET", &format!("/element/{}/text", element.0), None)
                .ok()?
                .as_str()?
                .to_string();
            last.contains(needle).then(|| last.clone())
        });
        found.unwrap_or_else(|| {
            panic!("timed out waiting for {needle:?} in `{css}`; it says: {last}")
        })
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) {
        let data = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .expect("a base64 PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// Polls `check` every 100 ms until it answers, for up to 30 s.
    pub fn wait_for<T>(&self, what: &str, check: impl FnMut() -> Option<T>) -> T {
        self.try_wait(Duration::from_secs(30), check)
            .unwrap_or_else(|| panic!("timed out waiting for {what}"))
    }

    fn try_wait<T>(&self, limit: Duration, check: impl FnMut() -> Option<T>) -> Option<T> {
        wait_until(limit, Duration::from_millis(100), check)
    }
}

impl Element {
    /// The element as a script argument.
    pub fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.try_call("DELETE", "", None);
    }
}

fn call(driver: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    try_call(driver, method, path, body)
        .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
}

/// One WebDriver command; `Err` carries the driver's error and message.
fn try_call(driver: &str, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let (status, answer) = exchange(driver, method, path, &body)
        .map_err(|e| format!("talking to chromedriver at {driver}: {e}"))?;
    let mut parsed: Value =
        serde_json::from_slice(&answer).map_err(|e| format!("{status} (not JSON: {e})"))?;
    if status != 200 {
        let value = &parsed["value"];
        return Err(format!("{status} {}: {}", value["error"], value["message"]));
    }
    Ok(parsed["value"].take())
}

/// Sends one request and reads one answer, its body by `Content-Length`.
fn exchange(driver: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(driver)?;
    // Starting a browser on a loaded machine can take a while.
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {driver}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut answer = vec![0; length];
    reader.read_exact(&mut answer)?;
    Ok((status, answer))
}
