//! A project's away-mode switch (`project set --away-mode`). It lives in the `features` JSON of
//! the project's newest widget configuration, next to whatever else is there, so it needs no
//! column of its own; a row written before it existed reads as on.

use parlour_shared::ProjectId;
use sqlx::{AnyPool, Row};

use super::DbError;

/// Switches away mode on or off; `false` when the project has no widget configuration (no such
/// project).
///
/// # Errors
/// [`DbError`] on a database failure or unreadable stored JSON.
pub async fn set_away_mode(pool: &AnyPool, id: &ProjectId, on: bool) -> Result<bool, DbError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query("SELECT version, features FROM project_configs WHERE project_id = $1 ORDER BY version DESC LIMIT 1")
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else { return Ok(false) };
    let version: i64 = row.try_get("version")?;
    let text: String = row.try_get("features")?;
    let mut features: serde_json::Value = serde_json::from_str(&text).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let Some(object) = features.as_object_mut() else { return Err(DbError::Corrupt("features is not an object".to_owned())) };
    object.insert("awayMode".to_owned(), serde_json::Value::Bool(on));
    sqlx::query("UPDATE project_configs SET features = $3 WHERE project_id = $1 AND version = $2")
        .bind(id.as_str())
        .bind(version)
        .bind(features.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
