//! `parlour-load`: measures the Parlour server against the targets in docs/PERFORMANCE.md.
//!
//! Each scenario starts its own server (a fresh SQLite file in a temp dir) unless `--url` points
//! at a running one, drives it over loopback only, prints its figures and exits. Every loop is
//! bounded by a count and a duration.

mod client;
mod scenarios;
mod server;
mod stats;

use clap::{Parser, Subcommand};

/// Load scenarios for the Parlour server (loopback only).
#[derive(Debug, Parser)]
#[command(name = "parlour-load", version)]
struct Cli {
    /// The server binary to start for the run.
    #[arg(long, default_value = "target/release/parlour-server", global = true)]
    server_bin: String,
    /// Use an already running server at this loopback URL instead of starting one
    /// (memory figures need a started server).
    #[arg(long, global = true)]
    url: Option<String>,
    /// The project to open sessions in.
    #[arg(long, default_value = "demo", global = true)]
    project: String,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Opens N sessions with a live WebSocket each, then reports the server's RSS per session.
    Idle {
        /// How many sessions (each one init + one WebSocket).
        #[arg(long, default_value_t = 10_000)]
        sessions: usize,
    },
    /// Sends messages at a fixed rate over many sockets; reports throughput and ack latency.
    Messages {
        /// How many visitor sockets send.
        #[arg(long, default_value_t = 200)]
        connections: usize,
        /// Messages per second, all sockets together.
        #[arg(long, default_value_t = 10_000)]
        rate: u32,
        /// How long to send, in seconds (at most 120).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Posts session inits as fast as the server answers; reports inits/s and latency.
    Inits {
        /// How many inits in all (at most 1,000,000).
        #[arg(long, default_value_t = 50_000)]
        total: usize,
        /// How many requests in flight at once.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
    },
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The target is not a loopback address.
    #[error("refusing to load a non-loopback target: {0}")]
    NotLoopback(String),
    /// The server did not start or died.
    #[error("server: {0}")]
    Server(String),
    /// An HTTP call failed.
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    /// A WebSocket failed.
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
    /// The server answered something unexpected.
    #[error("protocol: {0}")]
    Protocol(String),
    /// Local I/O failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = run(cli).await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("parlour-load: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), LoadError> {
    let target = match &cli.url {
        Some(url) => server::Target::attach(url)?,
        None => server::Target::start(&cli.server_bin).await?,
    };
    match cli.scenario {
        Scenario::Idle { sessions } => scenarios::idle(&target, &cli.project, sessions.min(19_000)).await,
        Scenario::Messages { connections, rate, seconds } => {
            scenarios::messages(&target, &cli.project, connections.clamp(1, 5_000), rate.max(1), seconds.clamp(1, 120)).await
        }
        Scenario::Inits { total, concurrency } => {
            scenarios::inits(&target, &cli.project, total.min(1_000_000), concurrency.clamp(1, 1_024)).await
        }
    }
}
