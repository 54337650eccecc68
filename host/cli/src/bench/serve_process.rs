//! A `rhyme serve` child process for the burst benchmark's crash run: unlike the in-process
//! server, it can be killed with SIGKILL mid-burst and started again on the same data folder
//! and port, as an operator's supervisor would.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// How long a (re)started server may take before `/readyz` answers 200.
const START_PATIENCE: Duration = Duration::from_secs(120);

/// The server process and how to start it again.
pub(crate) struct ServeProcess {
    exe: PathBuf,
    data: PathBuf,
    listen: String,
    queue: usize,
    child: Child,
}

impl ServeProcess {
    /// Starts `rhyme serve` on `data` (which holds the plugin registry and the store) on a
    /// free local port, and waits until it is ready.
    pub(crate) async fn start(data: &Path, queue: usize) -> anyhow::Result<ServeProcess> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let exe = std::env::current_exe().context("finding the rhyme binary")?;
        let listen = format!("127.0.0.1:{port}");
        let child = spawn(&exe, data, &listen, queue)?;
        let server = ServeProcess {
            exe,
            data: data.to_path_buf(),
            listen,
            queue,
            child,
        };
        server.ready().await?;
        Ok(server)
    }

    /// The server's base URL.
    pub(crate) fn base(&self) -> String {
        format!("http://{}", self.listen)
    }

    /// SIGKILL, then a fresh process on the same folder and port; how long until it was ready
    /// again.
    pub(crate) async fn kill_and_restart(&mut self) -> anyhow::Result<Duration> {
        self.child.kill().context("killing rhyme serve")?;
        self.child.wait()?;
        let killed = Instant::now();
        self.child = spawn(&self.exe, &self.data, &self.listen, self.queue)?;
        self.ready().await?;
        Ok(killed.elapsed())
    }

    async fn ready(&self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let url = format!("{}/readyz", self.base());
        let began = Instant::now();
        while began.elapsed() < START_PATIENCE {
            if let Ok(answer) = client.get(&url).send().await
                && answer.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "rhyme serve on {} was not ready within {} s; its log is in {}",
            self.listen,
            START_PATIENCE.as_secs(),
            self.data.join("serve.log").display()
        )
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(exe: &Path, data: &Path, listen: &str, queue: usize) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data.join("serve.log"))?;
    Command::new(exe)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", listen, "--queue", &queue.to_string()])
        // No clock ticks or deliveries: only ingest and its plugin runs, as in-process.
        .args(["--tick-seconds", "3600", "--deliver-ms", "3600000"])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {} serve", exe.display()))
}

/// Copies the plugin registry (manifests, components, their compile cache, the operator's
/// grants) from `from` into the fresh folder `to`, so the child serves the same plugins.
pub(crate) fn copy_registry(from: &Path, to: &Path) -> anyhow::Result<()> {
    copy_dir(&from.join("plugins"), &to.join("plugins"))
        .with_context(|| format!("copying the plugin registry of {}", from.display()))
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
