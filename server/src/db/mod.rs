//! The database: one `sqlx` Any pool (SQLite or PostgreSQL, one code path), migrations run at
//! start-up, one module per table family, and the batching writer every write goes through.
//!
//! Conventions: ids are TEXT, times BIGINT Unix milliseconds, flags integers, JSON as TEXT;
//! placeholders are `$1, $2…` (both backends accept them).

pub mod agents;
pub mod attachments;
pub mod contact;
pub mod away;
pub mod conversations;
pub mod identities;
pub mod messages;
pub mod project_admin;
pub mod projects;
pub mod ratings;
pub mod secrets;
pub mod sessions;
pub mod writer;
mod append;
mod batch;
mod cache;
mod update;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// A database failure, as the rest of the server sees it.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database cannot be reached or the pool is exhausted (→ 503).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The URL names a database this server does not support.
    #[error("unsupported database URL (use sqlite://… or postgres://…)")]
    UnsupportedUrl,
    /// A stored value could not be read back (a bug or a hand-edited row).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Creating the SQLite file's directory failed.
    #[error("cannot create the database directory: {0}")]
    Io(#[from] std::io::Error),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => {
                DbError::Unavailable(err.to_string())
            }
            other => DbError::Other(other),
        }
    }
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs.
    Sqlite,
    /// `postgres:` / `postgresql:` URLs.
    Postgres,
}

impl Backend {
    /// The backend of a database URL.
    ///
    /// # Errors
    /// [`DbError::UnsupportedUrl`] for any other scheme.
    pub fn of(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

/// Opens the pool (creating a SQLite file and its directory when needed) and runs migrations.
///
/// # Errors
/// [`DbError`] when the database cannot be opened or migrated.
pub async fn connect(url: &str) -> Result<AnyPool, DbError> {
    install_default_drivers();
    let backend = Backend::of(url)?;
    let url = match backend {
        Backend::Sqlite => prepare_sqlite_url(url)?,
        Backend::Postgres => url.to_owned(),
    };
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(5));
    let pool = match backend {
        Backend::Sqlite => {
            options
                .max_connections(8)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = NORMAL",
                            "PRAGMA busy_timeout = 5000",
                            "PRAGMA foreign_keys = ON",
                            // Checkpoints (which fsync) run in `checkpoints`, off the writer's path.
                            "PRAGMA wal_autocheckpoint = 0",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                        Ok(())
                    })
                })
                .connect(&url)
                .await?
        }
        Backend::Postgres => options.max_connections(16).connect(&url).await?,
    };
    match backend {
        Backend::Sqlite => {
            SQLITE_MIGRATIONS.run(&pool).await?;
            tokio::spawn(checkpoints(pool.clone()));
        }
        Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
    }
    Ok(pool)
}

/// How often the SQLite write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Checkpoints the SQLite WAL in the background until the pool closes. SQLite's automatic
/// checkpoint runs inside the committing transaction and fsyncs, which stalled the writer
/// (every group commit waits for it); a passive checkpoint here runs beside the writer.
async fn checkpoints(pool: AnyPool) {
    let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !pool.is_closed() {
        ticks.tick().await;
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::debug!(error = %err, "WAL checkpoint failed; retrying later");
        }
    }
}

/// Adds `mode=rwc` (create the file) to a SQLite URL and creates the file's parent directory.
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.contains("mode=memory") {
        return Ok(url.to_owned());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(if query.contains("mode=") {
        url.to_owned()
    } else if query.is_empty() {
        format!("{url}?mode=rwc")
    } else {
        format!("{url}&mode=rwc")
    })
}

/// `$1, $2, …, $n`: the bind placeholders of an `IN (…)` list of `n` values.
#[must_use]
pub fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Now, in Unix milliseconds.
#[must_use]
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode_and_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/db.sqlite", dir.path().display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.path().join("nested").is_dir());
        assert_eq!(prepare_sqlite_url("sqlite::memory:").unwrap(), "sqlite::memory:");
        assert!(Backend::of("mysql://x").is_err());
        assert_eq!(Backend::of("postgresql://x").unwrap(), Backend::Postgres);
    }
}
