//! Reading conversations: a session's current one, one by id, and lists for visitors and agents.

use parlour_shared::{ConversationId, ConversationStatus, ProjectId, SessionId};
use parlour_shared::agent::ConversationSummary;
use parlour_shared::Message;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::DbError;

/// The columns [`decode`] reads.
pub const COLUMNS: &str = "id, project_id, session_id, status, last_seq, created_at, updated_at, visitor_read_seq, agent_read_seq";

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    /// The conversation.
    pub id: ConversationId,
    /// Its project.
    pub project_id: ProjectId,
    /// The visitor's session.
    pub session_id: SessionId,
    /// Open, pending or closed.
    pub status: ConversationStatus,
    /// The highest `seq` assigned.
    pub last_seq: i64,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// How far the visitor has read.
    pub visitor_read_seq: i64,
    /// How far an agent has read.
    pub agent_read_seq: i64,
}

impl ConversationRow {
    /// The agent-facing summary, with the newest message if known.
    #[must_use]
    pub fn summary(&self, last_message: Option<Message>) -> ConversationSummary {
        ConversationSummary {
            id: self.id,
            project_id: self.project_id.clone(),
            session_id: self.session_id,
            status: self.status,
            last_seq: self.last_seq,
            last_message,
            created_at: self.created_at,
            updated_at: self.updated_at,
            visitor_read_seq: self.visitor_read_seq,
            agent_read_seq: self.agent_read_seq,
            rating: None,
        }
    }
}

/// Reads a row selected with [`COLUMNS`].
///
/// # Errors
/// [`DbError::Corrupt`] for a value that does not parse.
pub fn decode(row: &AnyRow) -> Result<ConversationRow, DbError> {
    let corrupt = |e: &dyn std::fmt::Display| DbError::Corrupt(e.to_string());
    let status: String = row.try_get("status")?;
    Ok(ConversationRow {
        id: row.try_get::<String, _>("id")?.parse().map_err(|e| corrupt(&e))?,
        project_id: ProjectId::parse(row.try_get::<String, _>("project_id")?).map_err(|e| corrupt(&e))?,
        session_id: row.try_get::<String, _>("session_id")?.parse().map_err(|e| corrupt(&e))?,
        status: ConversationStatus::from_str_opt(&status).ok_or_else(|| DbError::Corrupt(format!("status {status}")))?,
        last_seq: row.try_get("last_seq")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        visitor_read_seq: row.try_get("visitor_read_seq")?,
        agent_read_seq: row.try_get("agent_read_seq")?,
    })
}

/// The SQL selecting a session's current (newest not closed) conversation; `$1` = session id.
pub const CURRENT_FOR_SESSION: &str = "SELECT id, project_id, session_id, status, last_seq, created_at, updated_at,
     visitor_read_seq, agent_read_seq FROM conversations WHERE session_id = $1 AND status <> 'closed' ORDER BY created_at DESC, id DESC LIMIT 1";

/// The session's current conversation, if it has one.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn current_for_session(pool: &AnyPool, session: SessionId) -> Result<Option<ConversationRow>, DbError> {
    let row = sqlx::query(CURRENT_FOR_SESSION).bind(session.to_string()).fetch_optional(pool).await?;
    row.as_ref().map(decode).transpose()
}

/// The conversation with this id, if any.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn find(pool: &AnyPool, id: ConversationId) -> Result<Option<ConversationRow>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM conversations WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// A session's conversations (newest activity first), optionally of one status, and how many
/// match in all.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn list_for_session(
    pool: &AnyPool,
    session: SessionId,
    status: Option<ConversationStatus>,
    limit: u32,
    offset: u32,
) -> Result<(i64, Vec<ConversationRow>), DbError> {
    page_where(pool, "session_id = $1", session, status, limit, offset).await
}

/// One page of conversations matching `sessions` (a condition on `session_id` using `$1`, the
/// session) and, when given, a status; newest activity first, with how many match in all.
///
/// # Errors
/// [`DbError`] on a database failure.
pub(super) async fn page_where(
    pool: &AnyPool,
    sessions: &str,
    session: SessionId,
    status: Option<ConversationStatus>,
    limit: u32,
    offset: u32,
) -> Result<(i64, Vec<ConversationRow>), DbError> {
    let status = status.map(ConversationStatus::as_str);
    let filter = format!("{sessions} AND ($2 IS NULL OR status = $2)");
    let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM conversations WHERE {filter}"))
        .bind(session.to_string())
        .bind(status)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE {filter} ORDER BY updated_at DESC, id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(session.to_string())
    .bind(status)
    .bind(i64::from(limit))
    .bind(i64::from(offset))
    .fetch_all(pool)
    .await?;
    Ok((count, rows.iter().map(decode).collect::<Result<_, _>>()?))
}

/// All conversations (newest activity first), optionally of one status, for agents.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn list_all(pool: &AnyPool, status: Option<ConversationStatus>, limit: u32) -> Result<Vec<ConversationRow>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE ($1 IS NULL OR status = $1) ORDER BY updated_at DESC, id DESC LIMIT $2"
    ))
    .bind(status.map(ConversationStatus::as_str))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(decode).collect()
}
