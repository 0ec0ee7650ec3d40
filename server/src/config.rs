//! The server's configuration: command-line flags, each also readable from an environment
//! variable (see `docs/CONTRACT.md`, "The server binary").

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Everything the server needs to start.
#[derive(Debug, Clone, Parser)]
#[command(name = "parlour-server", version, about = "The Parlour live-chat server")]
pub struct Config {
    /// Listen address (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "PARLOUR_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// `sqlite://PATH` (the file and its parent directory are created) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/parlour.db")]
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

    /// `off` only for loopback load tests.
    #[arg(long, env = "PARLOUR_RATE_LIMITS", value_enum, default_value_t = RateLimits::On)]
    pub rate_limits: RateLimits,
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
    fn secrets_never_print() {
        let config = Config::try_parse_from(["parlour-server", "--jwt-secret", "hunter2", "--agent-token", "tok"]).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("tok\""), "{shown}");
        assert_eq!(config.jwt_secret.unwrap().expose(), "hunter2");
    }
}
