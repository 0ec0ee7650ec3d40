//! The Parlour server: widget sessions, the visitor's WebSocket and REST surface, the agent API
//! and live feed, on SQLite or PostgreSQL through one `sqlx` Any code path.
//!
//! [`app`] builds the router from a state (tests drive it directly); [`Server::build`] sets up
//! the database, keys and writer on an already bound listener; [`serve`] does both and runs
//! until the shutdown future resolves.

mod accept;
pub mod admin;
pub mod auth;
pub mod chat;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod routes;
pub mod security;
pub mod state;
pub mod uploads;
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
    header_read_timeout: std::time::Duration,
}

/// The entry-point checks as configured (limits and the socket cap off with `--rate-limits off`).
fn guard(config: &Config) -> security::Guard {
    let on = config.rate_limits == config::RateLimits::On;
    security::Guard {
        limits: on.then(|| security::limits::Limiters::new(config.limits.rates())),
        sockets: on.then(|| security::limits::SocketCounter::new(config.limits.max_sockets_per_ip)),
        proxies: security::client_ip::TrustedProxies::new(config.limits.trusted_proxies.clone()),
        origins: security::cors::OriginIndex::default(),
    }
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
        let file_key = db::secrets::get_or_create(&pool, uploads::token::SECRET_NAME, uploads::token::generate_key).await?;
        let signer = uploads::FileSigner::new(file_key.as_bytes());
        let uploads = uploads::Uploads::new(config.engine.uploads_dir.clone(), config.engine.max_upload_bytes, signer.clone())?;
        let hub = ws::hub::Hub::with_signer(signer);
        let (writer, writer_task) = db::writer::Writer::spawn(pool.clone(), Arc::new(hub.clone()));
        let (shutdown, shutdown_rx) = watch::channel(false);
        let guard = guard(config);
        let state = AppState::new(Shared {
            pool,
            writer,
            hub,
            keys,
            guard,
            ws_base: state::ws_base(&base_url),
            assets_dir: config.assets_dir.clone(),
            projects: chat::projects::ProjectCache::default(),
            shutdown: shutdown_rx,
            uploads,
            heartbeat: ws::Heartbeat { ping_interval: config.engine.ws_ping_interval, idle_timeout: config.engine.ws_idle_timeout },
        });
        let header_read_timeout = config.limits.header_read_timeout;
        Ok(Self { listener, state, shutdown, writer_task, addr, base_url, new_agent_token, header_read_timeout })
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
        let Self { listener, state, shutdown: stop_sockets, writer_task, header_read_timeout, .. } = self;
        let pool = state.pool.clone();
        let signal = async move {
            shutdown.await;
            let _ = stop_sockets.send(true);
        };
        accept::serve(listener, app(state), header_read_timeout, signal).await;
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

/// Dependencies that log message payloads or headers (tokens in socket URLs, message bodies) at
/// debug/trace; they stay at `info` whatever `RUST_LOG` says.
const PAYLOAD_LOGGERS: [&str; 4] = ["tungstenite", "tokio_tungstenite", "hyper", "h2"];

/// Logs to stderr, filtered by `RUST_LOG` (default `info`), never with payloads (see
/// [`PAYLOAD_LOGGERS`]).
pub fn init_tracing() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for target in PAYLOAD_LOGGERS {
        // A directive for exactly the same target replaces any `RUST_LOG` one.
        if let Ok(directive) = format!("{target}=info").parse() {
            filter = filter.add_directive(directive);
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
