//! Uploaded files' metadata (the bytes live under `--uploads-dir` with a random name): insert at
//! upload (through the writer), claim by a message inside the append transaction, and look up
//! for downloads and for the messages that carry them.

use parlour_shared::{Attachment, AttachmentId, ConversationId, Message, SessionId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

use super::DbError;

/// The columns [`decode`] reads.
const COLUMNS: &str =
    "id, session_id, agent_id, name, content_type, size, storage_name, conversation_id, message_seq, created_at";

/// Who uploaded a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploader {
    /// A visitor's session.
    Session(SessionId),
    /// An agent (by id).
    Agent(String),
}

/// A file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// The file's id.
    pub id: AttachmentId,
    /// Who uploaded it.
    pub uploader: Uploader,
    /// Its sanitised name.
    pub name: String,
    /// The sniffed type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// The random file name under the uploads directory.
    pub storage_name: String,
    /// The conversation of the message that carries it, once sent.
    pub conversation_id: Option<ConversationId>,
    /// That message's `seq`.
    pub message_seq: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
}

impl AttachmentRow {
    /// The wire form, with an unsigned URL (the caller adds the download token).
    #[must_use]
    pub fn to_wire(&self) -> Attachment {
        Attachment {
            id: self.id,
            name: self.name.clone(),
            content_type: self.content_type.clone(),
            size: self.size,
            url: file_path(self.id, &self.name),
        }
    }
}

/// `/v1/files/{id}/{name}`, with the name reduced to URL-safe characters (it is cosmetic: only
/// the id selects the file).
#[must_use]
pub fn file_path(id: AttachmentId, name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let slug = if slug.trim_matches('.').is_empty() { "file".to_owned() } else { slug };
    format!("{}/{id}/{slug}", parlour_shared::rest::FILES_PATH)
}

fn decode(row: &AnyRow) -> Result<AttachmentRow, DbError> {
    let corrupt = |e: &dyn std::fmt::Display| DbError::Corrupt(e.to_string());
    let session: Option<String> = row.try_get("session_id")?;
    let agent: Option<String> = row.try_get("agent_id")?;
    let uploader = match (session, agent) {
        (Some(session), _) => Uploader::Session(session.parse().map_err(|e| corrupt(&e))?),
        (None, Some(agent)) => Uploader::Agent(agent),
        (None, None) => return Err(DbError::Corrupt("attachment without uploader".to_owned())),
    };
    Ok(AttachmentRow {
        id: row.try_get::<String, _>("id")?.parse().map_err(|e| corrupt(&e))?,
        uploader,
        name: row.try_get("name")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        storage_name: row.try_get("storage_name")?,
        conversation_id: row
            .try_get::<Option<String>, _>("conversation_id")?
            .map(|c| c.parse())
            .transpose()
            .map_err(|e| corrupt(&e))?,
        message_seq: row.try_get("message_seq")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores a new file's metadata (run by the writer).
pub(super) async fn insert(conn: &mut AnyConnection, row: &AttachmentRow) -> Result<(), sqlx::Error> {
    let (session, agent) = match &row.uploader {
        Uploader::Session(id) => (Some(id.to_string()), None),
        Uploader::Agent(id) => (None, Some(id.clone())),
    };
    sqlx::query(
        "INSERT INTO attachments (id, session_id, agent_id, name, content_type, size, storage_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(row.id.to_string())
    .bind(session)
    .bind(agent)
    .bind(row.name.as_str())
    .bind(row.content_type.as_str())
    .bind(row.size)
    .bind(row.storage_name.as_str())
    .bind(row.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The file with this id, if any.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn find(pool: &AnyPool, id: AttachmentId) -> Result<Option<AttachmentRow>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(decode).transpose()
}

/// The file with this id, inside the writer's transaction.
pub(super) async fn find_in(conn: &mut AnyConnection, id: AttachmentId) -> Result<Option<AttachmentRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(decode).transpose().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Marks a file as carried by message `seq` of `conversation`, at `position` among its files.
pub(super) async fn claim(conn: &mut AnyConnection, id: AttachmentId, conversation: ConversationId, seq: i64, position: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE attachments SET conversation_id = $2, message_seq = $3, position = $4 WHERE id = $1")
        .bind(id.to_string())
        .bind(conversation.to_string())
        .bind(seq)
        .bind(position)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Fills in the attachments of `messages` (all of one conversation, ascending), with one query
/// for the messages that carry any.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn fill<'c, E>(executor: E, messages: &mut [Message], counts: &[i64]) -> Result<(), DbError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let carrying: Vec<i64> = messages.iter().zip(counts).filter(|(_, n)| **n > 0).map(|(m, _)| m.seq).collect();
    let (Some(first), Some(last), Some(conversation)) =
        (carrying.first(), carrying.last(), messages.first().map(|m| m.conversation_id))
    else {
        return Ok(());
    };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM attachments WHERE conversation_id = $1 AND message_seq >= $2 AND message_seq <= $3
         ORDER BY message_seq, position"
    ))
    .bind(conversation.to_string())
    .bind(first)
    .bind(last)
    .fetch_all(executor)
    .await?;
    for row in rows {
        let row = decode(&row)?;
        if let Some(message) = row.message_seq.and_then(|seq| messages.iter_mut().find(|m| m.seq == seq)) {
            message.attachments.push(row.to_wire());
        }
    }
    Ok(())
}
