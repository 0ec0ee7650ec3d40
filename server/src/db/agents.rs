//! Agents: a name and the SHA-256 of their opaque token (the token itself is never stored).

use parlour_shared::agent::AgentProfile;
use sqlx::{AnyPool, Row};

use super::{DbError, now_ms};

/// The agent whose token hashes to `token_sha256`, if any.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn find_by_token_hash(pool: &AnyPool, token_sha256: &str) -> Result<Option<AgentProfile>, DbError> {
    let row = sqlx::query("SELECT id, name FROM agents WHERE token_sha256 = $1")
        .bind(token_sha256)
        .fetch_optional(pool)
        .await?;
    Ok(match row {
        Some(row) => Some(AgentProfile { id: row.try_get("id")?, name: row.try_get("name")? }),
        None => None,
    })
}

/// How many agents exist.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn count(pool: &AnyPool) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM agents").fetch_one(pool).await?)
}

/// Creates an agent with this token hash unless one exists (start-up only, so it bypasses the
/// writer).
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn ensure(pool: &AnyPool, name: &str, token_sha256: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO agents (id, name, token_sha256, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (token_sha256) DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(name)
    .bind(token_sha256)
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(())
}
