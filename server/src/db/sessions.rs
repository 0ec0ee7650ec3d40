//! Widget sessions: the row written at init (through the writer) and read on every
//! authenticated request.

use parlour_shared::{ProjectId, SessionId};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::DbError;

/// `sessions.status` of a live session.
pub const STATUS_ACTIVE: &str = "ACTIVE";

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The session.
    pub id: SessionId,
    /// Its project.
    pub project_id: ProjectId,
    /// The widget instance that started it.
    pub widget_instance_id: String,
    /// The host's user id, if shared.
    pub external_user_id: Option<String>,
    /// The page the widget was on.
    pub page_url: Option<String>,
    /// The host page's origin.
    pub host_origin: Option<String>,
    /// The browser's user agent.
    pub user_agent: Option<String>,
    /// The visitor's locale.
    pub locale: Option<String>,
    /// `ACTIVE` or `ENDED`.
    pub status: String,
    /// The project config version it started with.
    pub config_version: i64,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub last_seen_at: i64,
    /// Unix ms; the token's expiry.
    pub expires_at: i64,
}

impl SessionRow {
    /// Whether the session can be used at `now` (Unix ms).
    #[must_use]
    pub fn is_active(&self, now: i64) -> bool {
        self.status == STATUS_ACTIVE && self.expires_at > now
    }
}

/// Inserts a session (called by the writer, inside its transaction).
///
/// # Errors
/// The database error.
pub async fn insert(conn: &mut sqlx::AnyConnection, s: &SessionRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id, project_id, widget_instance_id, external_user_id, page_url, host_origin,
         user_agent, locale, status, config_version, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(s.id.to_string())
    .bind(s.project_id.as_str())
    .bind(s.widget_instance_id.as_str())
    .bind(s.external_user_id.as_deref())
    .bind(s.page_url.as_deref())
    .bind(s.host_origin.as_deref())
    .bind(s.user_agent.as_deref())
    .bind(s.locale.as_deref())
    .bind(s.status.as_str())
    .bind(s.config_version)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(s.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this id, if any.
///
/// # Errors
/// [`DbError`] on a database failure or an unreadable row.
pub async fn find(pool: &AnyPool, id: SessionId) -> Result<Option<SessionRow>, DbError> {
    let row = sqlx::query(
        "SELECT id, project_id, widget_instance_id, external_user_id, page_url, host_origin, user_agent, locale,
         status, config_version, created_at, last_seen_at, expires_at FROM sessions WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(decode).transpose()
}

fn decode(row: &AnyRow) -> Result<SessionRow, DbError> {
    let corrupt = |e: &dyn std::fmt::Display| DbError::Corrupt(e.to_string());
    Ok(SessionRow {
        id: row.try_get::<String, _>("id")?.parse().map_err(|e| corrupt(&e))?,
        project_id: ProjectId::parse(row.try_get::<String, _>("project_id")?).map_err(|e| corrupt(&e))?,
        widget_instance_id: row.try_get("widget_instance_id")?,
        external_user_id: row.try_get("external_user_id")?,
        page_url: row.try_get("page_url")?,
        host_origin: row.try_get("host_origin")?,
        user_agent: row.try_get("user_agent")?,
        locale: row.try_get("locale")?,
        status: row.try_get("status")?,
        config_version: row.try_get("config_version")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}
