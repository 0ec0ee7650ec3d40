//! `parlour-server`: parse the configuration, start logging, bind, serve until SIGINT/SIGTERM.

use clap::Parser;
use parlour_server::{Config, init_tracing, serve, shutdown_signal};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    init_tracing();
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::error!(addr = %config.addr, error = %err, "cannot bind");
            return std::process::ExitCode::FAILURE;
        }
    };
    match serve(listener, config, shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "server failed");
            std::process::ExitCode::FAILURE
        }
    }
}
