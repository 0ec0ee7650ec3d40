//! The Parlour server: widget sessions, the visitor's WebSocket and REST surface, the agent API
//! and live feed, on SQLite or PostgreSQL through one `sqlx` Any code path.
//!
//! [`app`] builds the router from a state (tests drive it directly); [`Server::build`] sets up
//! the database, keys and writer on an already bound listener; [`serve`] does both and runs
//! until the shutdown future resolves.

pub mod auth;
pub mod chat;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod routes;
pub mod security;
pub mod state;
pub mod ws;

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::Config;
pub use routes::app;
use state::{AppState, Shared};

/// How long shutdown waits for open sockets to finish their last writes.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened, migrated or seeded.
    #[error(transparent)]
    Db(#[from] db::DbError),
    /// The listener failed.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
}

/// A server that is ready to accept connections (database migrated, keys loaded, writer running).
pub struct Server {
    listener: TcpListener,
    state: AppState,
    shutdown: watch::Sender<bool>,
    writer_task: JoinHandle<()>,
    /// The bound address.
    pub addr: SocketAddr,
    /// The public base URL (`--base-url`, or `http://<addr>`).
    pub base_url: String,
    /// The token of an agent created at this start, when none existed (print it once).
    pub new_agent_token: Option<String>,
}

impl Server {
    /// Prepares everything on the bound `listener`.
    ///
    /// # Errors
    /// [`ServeError`] when the database cannot be set up.
    pub async fn build(listener: TcpListener, config: &Config) -> Result<Self, ServeError> {
        let addr = listener.local_addr()?;
        let base_url = config.base_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let pool = db::connect(&config.database_url).await?;
        db::projects::seed_demo(&pool).await?;
        let keys = auth::load_keys(&pool, config.jwt_secret.as_ref()).await?;
        let new_agent_token = auth::bootstrap_agent(&pool, config.agent_token.as_ref()).await?;
        let hub = ws::hub::Hub::new();
        let (writer, writer_task) = db::writer::Writer::spawn(pool.clone(), Arc::new(hub.clone()));
        let (shutdown, shutdown_rx) = watch::channel(false);
        let init_limiter = match config.rate_limits {
            config::RateLimits::On => Some(security::rate_limit::RateLimiter::new(state::INIT_RATE)),
            config::RateLimits::Off => None,
        };
        let state = AppState::new(Shared {
            pool,
            writer,
            hub,
            keys,
            init_limiter,
            ws_base: state::ws_base(&base_url),
            assets_dir: config.assets_dir.clone(),
            projects: chat::projects::ProjectCache::default(),
            shutdown: shutdown_rx,
        });
        Ok(Self { listener, state, shutdown, writer_task, addr, base_url, new_agent_token })
    }

    /// The application state (for tests that call the plain functions directly).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then closes sockets, drains the writer and the pool.
    ///
    /// # Errors
    /// [`ServeError::Io`] when the listener fails.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
        let Self { listener, state, shutdown: stop_sockets, writer_task, .. } = self;
        let pool = state.pool.clone();
        let router = app(state).into_make_service_with_connect_info::<SocketAddr>();
        let signal = async move {
            shutdown.await;
            let _ = stop_sockets.send(true);
        };
        axum::serve(listener, router).with_graceful_shutdown(signal).await?;
        // The router (and its writer handles) is dropped once every connection ended; sockets
        // still closing hold the last handles, so the writer stops after their final writes.
        // A socket stuck on a dead peer must not keep the process alive, hence the bound.
        if tokio::time::timeout(SHUTDOWN_GRACE, writer_task).await.is_err() {
            tracing::warn!("sockets did not close in time; stopping anyway");
        }
        pool.close().await;
        Ok(())
    }
}

/// Sets up the server on `listener`, prints the `listening on` line (and a new agent token, if
/// one was created) to stdout, and serves until `shutdown` resolves.
///
/// # Errors
/// [`ServeError`] when start-up or the listener fails.
pub async fn serve(listener: TcpListener, config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
    let server = Server::build(listener, &config).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "parlour-server listening on http://{}", server.addr)?;
    if let Some(token) = &server.new_agent_token {
        writeln!(out, "parlour-server agent token: {token}")?;
        writeln!(out, "parlour-server agent page: {}/agent#token={token}", server.base_url.trim_end_matches('/'))?;
    }
    out.flush()?;
    drop(out);
    server.run(shutdown).await
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
