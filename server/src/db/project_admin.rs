//! Writing projects (the admin CLI's side): create, change, rotate the identity secret. Widgets
//! never reach these; the server reads projects through [`super::projects::find`].

use parlour_shared::ProjectId;
use parlour_shared::session::{Features, Theme, UiHints};
use sqlx::AnyPool;

use super::projects::{demo_hints, to_json};
use super::{DbError, now_ms};
use crate::security::identity::IdentityMode;

/// A project to create.
#[derive(Debug, Clone)]
pub struct NewProject<'a> {
    /// The public id.
    pub id: &'a ProjectId,
    /// The display name.
    pub name: &'a str,
    /// Allowed origin patterns (already validated).
    pub allowed_domains: &'a [String],
    /// Identity verification.
    pub identity_mode: IdentityMode,
    /// The first identity secret, if any.
    pub identity_secret: Option<&'a str>,
}

/// Changes to a project (`None` = unchanged).
#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    /// A new display name.
    pub name: Option<String>,
    /// New allowed domains (already validated; empty = any origin).
    pub allowed_domains: Option<Vec<String>>,
    /// A new identity mode.
    pub identity_mode: Option<IdentityMode>,
    /// Switched on or off.
    pub active: Option<bool>,
}

/// Creates a project with a first widget configuration; `false` when the id is taken.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn create(pool: &AnyPool, project: &NewProject<'_>) -> Result<bool, DbError> {
    let now = now_ms();
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO projects (id, name, active, allowed_domains, identity_mode, identity_secret, created_at)
         VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(project.id.as_str())
    .bind(project.name)
    .bind(to_json(&project.allowed_domains)?)
    .bind(project.identity_mode.as_str())
    .bind(project.identity_secret)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    let hints = UiHints { widget_title: project.name.to_owned(), ..demo_hints() };
    sqlx::query(
        "INSERT INTO project_configs (project_id, version, theme, ui_hints, features, created_at) VALUES ($1, 1, $2, $3, $4, $5)",
    )
    .bind(project.id.as_str())
    .bind(to_json(&Theme::default())?)
    .bind(to_json(&hints)?)
    .bind(to_json(&Features::default())?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Applies `changes`; `false` when there is no such project.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn update(pool: &AnyPool, id: &ProjectId, changes: &ProjectChanges) -> Result<bool, DbError> {
    let domains = changes.allowed_domains.as_ref().map(to_json).transpose()?;
    let updated = sqlx::query(
        "UPDATE projects SET name = COALESCE($2, name), allowed_domains = COALESCE($3, allowed_domains),
         identity_mode = COALESCE($4, identity_mode), active = COALESCE($5, active) WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(changes.name.as_deref())
    .bind(domains)
    .bind(changes.identity_mode.map(IdentityMode::as_str))
    .bind(changes.active.map(i64::from))
    .execute(pool)
    .await?
    .rows_affected();
    Ok(updated > 0)
}

/// Makes `secret` current and keeps the current one as the previous (the older previous one is
/// retired); `false` when there is no such project.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn rotate_secret(pool: &AnyPool, id: &ProjectId, secret: &str) -> Result<bool, DbError> {
    // Both backends evaluate every right-hand side against the row as it was.
    let updated = sqlx::query(
        "UPDATE projects SET identity_secret_previous = identity_secret, identity_secret = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(secret)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(updated > 0)
}
