//! `parlour-server`: parse the configuration, start logging, then either run an admin command
//! (`parlour-server project …`) or bind and serve until SIGINT/SIGTERM.

use std::process::ExitCode;

use clap::Parser;
use parlour_server::cli::Command;
use parlour_server::{Config, admin, db, init_tracing, serve, shutdown_signal};

#[tokio::main]
async fn main() -> ExitCode {
    let mut config = Config::parse();
    init_tracing();
    if let Some(Command::Project(command)) = config.command.take() {
        return run_admin(&config.database_url, command).await;
    }
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::error!(addr = %config.addr, error = %err, "cannot bind");
            return ExitCode::FAILURE;
        }
    };
    match serve(listener, config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "server failed");
            ExitCode::FAILURE
        }
    }
}

/// Runs one admin command against the database (migrated first) and prints its outcome.
async fn run_admin(database_url: &str, command: parlour_server::cli::ProjectCommand) -> ExitCode {
    let outcome = match db::connect(database_url).await {
        Ok(pool) => {
            // A fresh database gets the demo project first, as the server would seed it.
            let seeded = db::projects::seed_demo(&pool).await.map_err(admin::AdminError::from);
            let outcome = match seeded {
                Ok(()) => admin::run(&pool, command).await,
                Err(err) => Err(err),
            };
            pool.close().await;
            outcome
        }
        Err(err) => Err(err.into()),
    };
    match outcome {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("parlour-server: {err}");
            ExitCode::FAILURE
        }
    }
}
