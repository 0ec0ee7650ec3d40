//! Projects and their versioned widget configuration (the newest version is current), and the
//! `demo` project seeded into an empty database.

use parlour_shared::ProjectId;
use parlour_shared::session::{Features, Theme, UiHints};
use sqlx::{AnyPool, Row};

use super::{DbError, now_ms};
use crate::security::identity::{IdentityMode, IdentitySecret};

/// A project with its current configuration. (`Debug` never prints the identity secrets.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The public id.
    pub id: ProjectId,
    /// The display name.
    pub name: String,
    /// Whether widgets may start sessions.
    pub active: bool,
    /// Allowed origin patterns (empty = any origin).
    pub allowed_domains: Vec<String>,
    /// Whether visitors must (or may) prove who they are with a host-signed token.
    pub identity_mode: IdentityMode,
    /// The secrets host identity tokens are checked with: the current one first, then the
    /// previous one (valid until the next rotation). Unusable stored values are left out.
    pub identity_secrets: Vec<IdentitySecret>,
    /// The current configuration.
    pub config: ProjectConfig,
}

/// One version of a project's widget configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectConfig {
    /// The version number (0 when the project has none stored).
    pub version: i64,
    /// The look.
    pub theme: Theme,
    /// Texts.
    pub ui_hints: UiHints,
    /// Switched-on features.
    pub features: Features,
}

/// The project with this id and its newest configuration, if it exists.
///
/// # Errors
/// [`DbError`] on a database failure or unreadable JSON.
pub async fn find(pool: &AnyPool, id: &ProjectId) -> Result<Option<Project>, DbError> {
    let row = sqlx::query(
        "SELECT p.id, p.name, p.active, p.allowed_domains, p.identity_mode, p.identity_secret,
         p.identity_secret_previous, c.version, c.theme, c.ui_hints, c.features
         FROM projects p LEFT JOIN project_configs c ON c.project_id = p.id
         WHERE p.id = $1 ORDER BY c.version DESC LIMIT 1",
    )
    .bind(id.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let config = match row.try_get::<Option<i64>, _>("version")? {
        Some(version) => ProjectConfig {
            version,
            theme: json(&row.try_get::<String, _>("theme")?)?,
            ui_hints: json(&row.try_get::<String, _>("ui_hints")?)?,
            features: json(&row.try_get::<String, _>("features")?)?,
        },
        None => ProjectConfig { version: 0, theme: Theme::default(), ui_hints: demo_hints(), features: Features::default() },
    };
    let mode: String = row.try_get("identity_mode")?;
    let secrets = ["identity_secret", "identity_secret_previous"]
        .into_iter()
        .map(|column| row.try_get::<Option<String>, _>(column))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .filter_map(|secret| IdentitySecret::new(secret.into_bytes()).ok())
        .collect();
    Ok(Some(Project {
        id: id.clone(),
        name: row.try_get("name")?,
        active: row.try_get::<i64, _>("active")? != 0,
        allowed_domains: json(&row.try_get::<String, _>("allowed_domains")?)?,
        identity_mode: IdentityMode::from_str_opt(&mode).ok_or_else(|| DbError::Corrupt(format!("identity_mode {mode}")))?,
        identity_secrets: secrets,
        config,
    }))
}

fn json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, DbError> {
    serde_json::from_str(raw).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// The allowed-domain lists of every active project (for CORS preflights, whose project is
/// unknown).
///
/// # Errors
/// [`DbError`] on a database failure or unreadable JSON.
pub async fn active_domain_lists(pool: &AnyPool) -> Result<Vec<Vec<String>>, DbError> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT allowed_domains FROM projects WHERE active = 1").fetch_all(pool).await?;
    rows.iter().map(|raw| json(raw)).collect()
}

pub(super) fn demo_hints() -> UiHints {
    UiHints { welcome_message: "Hi! Ask us anything.".to_owned(), widget_title: "Parlour demo".to_owned() }
}

/// Seeds the `demo` project (CONTRACT.md) when no project exists yet.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn seed_demo(pool: &AnyPool) -> Result<(), DbError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects").fetch_one(pool).await?;
    if count > 0 {
        return Ok(());
    }
    let now = now_ms();
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO projects (id, name, active, allowed_domains, identity_mode, created_at)
         VALUES ('demo', 'Parlour demo', 1, '[]', 'off', $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO project_configs (project_id, version, theme, ui_hints, features, created_at)
         VALUES ('demo', 1, $1, $2, $3, $4) ON CONFLICT (project_id, version) DO NOTHING",
    )
    .bind(to_json(&Theme::default())?)
    .bind(to_json(&demo_hints())?)
    .bind(to_json(&Features::default())?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(e.to_string()))
}
