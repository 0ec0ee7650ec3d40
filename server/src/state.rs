//! The application state every handler and socket shares (cheap to clone): the pool, the writer,
//! the hub, the token keys, the rate limiters, and a few derived settings.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

use sqlx::AnyPool;
use tokio::sync::watch;

use crate::auth::SessionKeys;
use crate::chat::projects::ProjectCache;
use crate::db::writer::Writer;
use crate::security::Guard;
use crate::ws::hub::Hub;

/// The state (an `Arc` inside).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What the state holds.
pub struct Shared {
    /// Reads go straight to the pool.
    pub pool: AnyPool,
    /// Writes go through the batching writer.
    pub writer: Writer,
    /// Live fan-out.
    pub hub: Hub,
    /// Session-token keys.
    pub keys: SessionKeys,
    /// Rate limits, the socket cap, trusted proxies and the CORS origin index.
    pub guard: Guard,
    /// The public URL with `http` → `ws` (`https` → `wss`), no trailing slash.
    pub ws_base: String,
    /// The built widget and demo page.
    pub assets_dir: PathBuf,
    /// Projects, cached briefly.
    pub projects: ProjectCache,
    /// Becomes `true` when the server shuts down, so sockets close cleanly.
    pub shutdown: watch::Receiver<bool>,
    /// Upload storage, limits and download-token signing.
    pub uploads: crate::uploads::Uploads,
    /// Socket heartbeat timing.
    pub heartbeat: crate::ws::Heartbeat,
}

impl AppState {
    /// Wraps the parts.
    #[must_use]
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The WebSocket base for a public URL: `http` → `ws`, `https` → `wss`.
#[must_use]
pub fn ws_base(base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ws_base_swaps_the_scheme() {
        assert_eq!(super::ws_base("https://chat.example.com/"), "wss://chat.example.com");
        assert_eq!(super::ws_base("http://127.0.0.1:8080"), "ws://127.0.0.1:8080");
    }
}
