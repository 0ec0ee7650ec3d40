//! Server-wide secrets kept in the database (the session-token signing key), so every restart
//! and every server on the same database signs with the same key.

use sqlx::AnyPool;

use super::DbError;

/// The stored value named `name`, or `generate()`'s value stored now. Two servers starting at
/// once agree: the first insert wins and both read it back.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn get_or_create(pool: &AnyPool, name: &str, generate: impl FnOnce() -> String) -> Result<String, DbError> {
    sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(generate())
        .execute(pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1").bind(name).fetch_one(pool).await?)
}
