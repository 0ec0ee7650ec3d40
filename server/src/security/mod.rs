//! Entry-point security: which origins a project allows (and CORS), whether a host's claim about
//! its visitor is genuine, who the client is behind our proxies, and how fast a key may go.

pub mod client_ip;
pub mod cors;
pub mod identity;
pub mod limits;
pub mod origin;
pub mod rate_limit;

use client_ip::TrustedProxies;
use cors::OriginIndex;
use limits::{Limiters, SocketCounter};

/// Everything the entry points check against, built once from the configuration.
#[derive(Debug)]
pub struct Guard {
    /// The rate limiters (`None` with `--rate-limits off`).
    pub limits: Option<Limiters>,
    /// Open sockets per IP (`None` with `--rate-limits off`).
    pub sockets: Option<SocketCounter>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: TrustedProxies,
    /// Every active project's allowed domains, for CORS preflights.
    pub origins: OriginIndex,
}
