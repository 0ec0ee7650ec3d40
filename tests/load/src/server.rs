//! The server under test: started here on a fresh SQLite file, or attached to by URL.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::LoadError;

/// A server to drive.
pub struct Target {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    child: Option<Child>,
    _data: Option<tempfile::TempDir>,
}

fn ensure_loopback(url: &str) -> Result<(), LoadError> {
    let host = url
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(""))
        .map(|authority| authority.rsplit_once(':').map_or(authority, |(h, _)| h))
        .unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if loopback { Ok(()) } else { Err(LoadError::NotLoopback(url.to_owned())) }
}

impl Target {
    /// Attaches to a running server (loopback only).
    pub fn attach(url: &str) -> Result<Self, LoadError> {
        ensure_loopback(url)?;
        Ok(Self { base_url: url.trim_end_matches('/').to_owned(), child: None, _data: None })
    }

    /// Starts `bin` on a free loopback port with a fresh SQLite database and waits for its
    /// `listening on` line.
    pub async fn start(bin: &str) -> Result<Self, LoadError> {
        let data = tempfile::tempdir()?;
        let db = data.path().join("load.db");
        let mut child = Command::new(bin)
            .args(["--addr", "127.0.0.1:0", "--assets-dir"])
            .arg(data.path().join("no-assets"))
            .arg("--database-url")
            .arg(format!("sqlite://{}", db.display()))
            .env("PARLOUR_RATE_LIMITS", "off")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| LoadError::Server(format!("cannot start {bin}: {e} (build it with cargo build --release -p parlour-server)")))?;
        let stdout = child.stdout.take().ok_or_else(|| LoadError::Server("no stdout".into()))?;
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let Some(line) = lines.next_line().await? else {
                return Err(LoadError::Server("exited before listening".into()));
            };
            if let Some(url) = line.strip_prefix("parlour-server listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        ensure_loopback(&base_url)?;
        Ok(Self { base_url, child: Some(child), _data: Some(data) })
    }

    /// The server's resident memory in KiB, when this tool started it (Linux /proc).
    pub fn rss_kib(&self) -> Option<u64> {
        let pid = self.child.as_ref()?.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_are_accepted() {
        for ok in ["http://127.0.0.1:8080", "http://localhost:1/", "http://[::1]:9", "http://127.1.2.3"] {
            assert!(ensure_loopback(ok).is_ok(), "{ok}");
        }
        for bad in ["http://10.0.0.1:80", "http://example.com", "http://127.0.0.1.evil.com", "http://192.168.1.2"] {
            assert!(ensure_loopback(bad).is_err(), "{bad}");
        }
    }
}
