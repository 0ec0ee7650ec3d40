//! Verified end users: which sessions the host vouched for (`verified_sessions`), and the
//! conversations a visitor may see because of it: their own session's, plus those of every
//! session of the same project with the same **verified** external user id (another device).
//! A merely claimed `externalUserId` links nothing.

use parlour_shared::{ConversationStatus, ProjectId, SessionId};
use sqlx::AnyPool;

use super::conversations::ConversationRow;
use super::{DbError, now_ms};

/// Records that `session` belongs to the verified user `external_user_id` of `project`.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn record(pool: &AnyPool, session: SessionId, project: &ProjectId, external_user_id: &str) -> Result<(), DbError> {
    sqlx::query("INSERT INTO verified_sessions (session_id, project_id, external_user_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(session.to_string())
        .bind(project.as_str())
        .bind(external_user_id)
        .bind(now_ms())
        .execute(pool)
        .await?;
    Ok(())
}

/// The sessions whose conversations `$1`'s visitor may see: itself, and every session with the
/// same verified user in the same project.
const VISIBLE_SESSIONS: &str = "SELECT $1 UNION SELECT b.session_id FROM verified_sessions a
     JOIN verified_sessions b ON b.project_id = a.project_id AND b.external_user_id = a.external_user_id
     WHERE a.session_id = $1";

/// Whether `session`'s visitor may see a conversation of `owner` (the same session, or the same
/// verified user).
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn may_see(pool: &AnyPool, session: SessionId, owner: SessionId) -> Result<bool, DbError> {
    if session == owner {
        return Ok(true);
    }
    let linked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM verified_sessions a JOIN verified_sessions b
         ON b.project_id = a.project_id AND b.external_user_id = a.external_user_id
         WHERE a.session_id = $1 AND b.session_id = $2",
    )
    .bind(session.to_string())
    .bind(owner.to_string())
    .fetch_one(pool)
    .await?;
    Ok(linked > 0)
}

/// The conversations `session`'s visitor may see (newest activity first), optionally of one
/// status, and how many match in all.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn list_visible(
    pool: &AnyPool,
    session: SessionId,
    status: Option<ConversationStatus>,
    limit: u32,
    offset: u32,
) -> Result<(i64, Vec<ConversationRow>), DbError> {
    super::conversations::page_where(pool, &format!("session_id IN ({VISIBLE_SESSIONS})"), session, status, limit, offset).await
}
