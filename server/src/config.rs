//! The server's configuration: command-line flags, each also readable from an environment
//! variable (see `docs/CONTRACT.md`, "The server binary").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};

use crate::cli::Command;
use crate::security::client_ip::Cidr;
use crate::security::limits::Rates;
use crate::security::rate_limit::Rate;

/// Everything the server needs to start.
#[derive(Debug, Clone, Parser)]
#[command(name = "parlour-server", version, about = "The Parlour live-chat server")]
pub struct Config {
    /// Listen address (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "PARLOUR_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// `sqlite://PATH` (the file and its parent directory are created) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/parlour.db", global = true)]
    pub database_url: String,

    /// The public URL, used to build the widget's WebSocket URL (default: `http://<bound addr>`).
    #[arg(long, env = "PARLOUR_BASE_URL")]
    pub base_url: Option<String>,

    /// Signs session tokens; generated once and kept in the database when not given.
    #[arg(long, env = "PARLOUR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// When given, an agent "Demo Agent" with this token exists (created if needed).
    #[arg(long, env = "PARLOUR_AGENT_TOKEN", hide_env_values = true)]
    pub agent_token: Option<Secret>,

    /// The built widget and demo page, served at `/` (a missing directory answers 404).
    #[arg(long, env = "PARLOUR_ASSETS_DIR", default_value = "dist")]
    pub assets_dir: PathBuf,

    /// `off` only for loopback load tests: switches off every rate limit and the socket cap.
    #[arg(long, env = "PARLOUR_RATE_LIMITS", value_enum, default_value_t = RateLimits::On)]
    pub rate_limits: RateLimits,

    /// Limits, timeouts and trusted proxies.
    #[command(flatten)]
    pub limits: LimitsConfig,

    /// Heartbeats and uploads.
    #[command(flatten)]
    pub engine: EngineConfig,

    /// An admin command instead of serving (`parlour-server project …`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Rate limits (`N/period`: `120/min`, `20/s`, `1000/h`, `40/2s`), socket and connection limits.
///
/// The defaults are generous on purpose: one office or mobile carrier NAT puts many real visitors
/// behind one IP, and a person typing fast sends a message every couple of seconds. They stop
/// floods, not people; tighten them per deployment.
#[derive(Debug, Clone, Args)]
pub struct LimitsConfig {
    /// Session inits per client IP (a widget inits once per browser and week).
    #[arg(long = "limit-init-per-ip", env = "PARLOUR_LIMIT_INIT_PER_IP", default_value = "120/min")]
    pub init_per_ip: Rate,

    /// Session inits per project.
    #[arg(long = "limit-init-per-project", env = "PARLOUR_LIMIT_INIT_PER_PROJECT", default_value = "6000/min")]
    pub init_per_project: Rate,

    /// Visitor REST calls and socket handshakes per client IP.
    #[arg(long = "limit-requests-per-ip", env = "PARLOUR_LIMIT_REQUESTS_PER_IP", default_value = "600/min")]
    pub requests_per_ip: Rate,

    /// Messages per visitor session, over REST and the socket together.
    #[arg(long = "limit-messages-per-visitor", env = "PARLOUR_LIMIT_MESSAGES_PER_VISITOR", default_value = "30/min")]
    pub messages_per_visitor: Rate,

    /// Visitor messages per project.
    #[arg(long = "limit-messages-per-project", env = "PARLOUR_LIMIT_MESSAGES_PER_PROJECT", default_value = "100000/h")]
    pub messages_per_project: Rate,

    /// Frames per socket (`40/2s`: 20 a second, bursts of 40); over it → error frame
    /// `RATE_LIMITED`, sustained → close 4429.
    #[arg(long = "limit-ws-frames", env = "PARLOUR_LIMIT_WS_FRAMES", default_value = "40/2s")]
    pub ws_frames: Rate,

    /// Open WebSockets per client IP (IPv6: per /64); more → 429 before the upgrade.
    #[arg(long, env = "PARLOUR_MAX_SOCKETS_PER_IP", default_value_t = 256)]
    pub max_sockets_per_ip: u32,

    /// How long a client may take to send a request's headers (`10s`, `500ms`), and to send its
    /// first bytes at all; slower connections are closed.
    #[arg(long, env = "PARLOUR_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_read_timeout: Duration,

    /// Reverse proxies (comma-separated addresses or CIDR networks) whose `X-Forwarded-For`
    /// names the client; without them the TCP peer is the client.
    #[arg(long, env = "PARLOUR_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<Cidr>,
}

impl LimitsConfig {
    /// The configured rates.
    #[must_use]
    pub const fn rates(&self) -> Rates {
        Rates {
            init_per_ip: self.init_per_ip,
            init_per_project: self.init_per_project,
            requests_per_ip: self.requests_per_ip,
            messages_per_visitor: self.messages_per_visitor,
            messages_per_project: self.messages_per_project,
            ws_frames: self.ws_frames,
        }
    }
}

impl Default for LimitsConfig {
    /// The documented defaults (the same as the flags').
    fn default() -> Self {
        Self {
            init_per_ip: Rate::per_minute(120),
            init_per_project: Rate::per_minute(6000),
            requests_per_ip: Rate::per_minute(600),
            messages_per_visitor: Rate::per_minute(30),
            messages_per_project: Rate::per_hour(100_000),
            ws_frames: Rate { limit: 40, period: Duration::from_secs(2) },
            max_sockets_per_ip: 256,
            header_read_timeout: Duration::from_secs(10),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Reads `10s`, `500ms` or a plain number of seconds.
fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let bad = || format!("`{raw}` is not a duration such as 10s or 500ms");
    let value = if let Some(ms) = raw.strip_suffix("ms") {
        Duration::from_millis(ms.parse().map_err(|_| bad())?)
    } else {
        Duration::from_secs(raw.strip_suffix('s').unwrap_or(raw).parse().map_err(|_| bad())?)
    };
    if value.is_zero() { Err(bad()) } else { Ok(value) }
}

/// Socket heartbeats and file uploads.
#[derive(Debug, Clone, Args)]
pub struct EngineConfig {
    /// How often the server sends a WebSocket Ping on every socket (`30s`, `500ms`).
    #[arg(long, env = "PARLOUR_WS_PING_INTERVAL", default_value = "30s", value_parser = parse_duration)]
    pub ws_ping_interval: Duration,

    /// A socket that sent nothing (no Pong, no frame) for this long is closed.
    #[arg(long, env = "PARLOUR_WS_IDLE_TIMEOUT", default_value = "90s", value_parser = parse_duration)]
    pub ws_idle_timeout: Duration,

    /// Where uploaded files are kept (created at start).
    #[arg(long, env = "PARLOUR_UPLOADS_DIR", default_value = "data/uploads")]
    pub uploads_dir: PathBuf,

    /// The largest upload accepted, in bytes.
    #[arg(long, env = "PARLOUR_MAX_UPLOAD_BYTES", default_value_t = parlour_shared::rest::DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: u64,
}

impl Default for EngineConfig {
    /// The documented defaults (the same as the flags').
    fn default() -> Self {
        Self {
            ws_ping_interval: Duration::from_secs(30),
            ws_idle_timeout: Duration::from_secs(90),
            uploads_dir: PathBuf::from("data/uploads"),
            max_upload_bytes: parlour_shared::rest::DEFAULT_MAX_UPLOAD_BYTES,
        }
    }
}

/// Whether entry-point rate limits apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RateLimits {
    /// Limits apply (the default).
    On,
    /// No limits: only for load tests on loopback.
    Off,
}

/// A secret string that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_contract() {
        let config = Config::try_parse_from(["parlour-server", "--database-url", "sqlite://x.db"]).unwrap();
        assert_eq!(config.database_url, "sqlite://x.db");
        assert_eq!(config.rate_limits, RateLimits::On);
        let off = Config::try_parse_from(["parlour-server", "--rate-limits", "off"]).unwrap();
        assert_eq!(off.rate_limits, RateLimits::Off);
    }

    #[test]
    fn limit_flags_default_to_the_documented_values_and_read_rates() {
        let config = Config::try_parse_from(["parlour-server"]).unwrap();
        assert_eq!(config.limits.rates(), LimitsConfig::default().rates());
        assert_eq!(config.limits.header_read_timeout, Duration::from_secs(10));
        assert!(config.command.is_none());
        let tight = Config::try_parse_from([
            "parlour-server", "--limit-init-per-ip", "2/min", "--limit-ws-frames", "5/s", "--max-sockets-per-ip", "3",
            "--header-read-timeout", "500ms", "--trusted-proxies", "10.0.0.0/8,::1",
        ])
        .unwrap();
        assert_eq!(tight.limits.init_per_ip, Rate::per_minute(2));
        assert_eq!(tight.limits.ws_frames, Rate { limit: 5, period: Duration::from_secs(1) });
        assert_eq!((tight.limits.max_sockets_per_ip, tight.limits.trusted_proxies.len()), (3, 2));
        assert_eq!(tight.limits.header_read_timeout, Duration::from_millis(500));
        assert!(Config::try_parse_from(["parlour-server", "--limit-init-per-ip", "lots"]).is_err());
        assert!(Config::try_parse_from(["parlour-server", "--trusted-proxies", "10.0.0.0/99"]).is_err());
        assert!(Config::try_parse_from(["parlour-server", "--header-read-timeout", "0s"]).is_err());
    }

    #[test]
    fn engine_flags_default_to_the_documented_values() {
        let config = Config::try_parse_from(["parlour-server"]).unwrap();
        assert_eq!(config.engine.ws_ping_interval, EngineConfig::default().ws_ping_interval);
        assert_eq!(config.engine.max_upload_bytes, 10 * 1024 * 1024);
        let custom =
            Config::try_parse_from(["parlour-server", "--ws-ping-interval", "200ms", "--max-upload-bytes", "1024"]).unwrap();
        assert_eq!(custom.engine.ws_ping_interval, Duration::from_millis(200));
        assert_eq!(custom.engine.max_upload_bytes, 1024);
    }

    #[test]
    fn secrets_never_print() {
        let config = Config::try_parse_from(["parlour-server", "--jwt-secret", "hunter2", "--agent-token", "tok"]).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("tok\""), "{shown}");
        assert_eq!(config.jwt_secret.unwrap().expose(), "hunter2");
    }
}
