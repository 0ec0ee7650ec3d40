//! One message append, run by the writer inside its batch transaction: find the conversation
//! (creating the session's first one), return the original for a repeated `clientMessageId`, else
//! assign the next `seq` and insert.

use parlour_shared::{ConversationStatus, Message, MessageId};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::attachments::{self, Uploader};
use super::conversations::{self, ConversationRow};
use super::messages;
use super::writer::{Appended, NewMessage, Target, WriteError};

/// Why an append did not happen.
pub(super) enum OpError {
    /// Refused before anything was written; the rest of the batch is unaffected.
    Rejected(WriteError),
    /// A database error, after which the transaction must be rolled back.
    Db(sqlx::Error),
}

impl From<sqlx::Error> for OpError {
    fn from(err: sqlx::Error) -> Self {
        OpError::Db(err)
    }
}

fn corrupt(err: &super::DbError) -> OpError {
    OpError::Rejected(WriteError::Failed(err.to_string()))
}

/// Appends `msg` at time `now` (Unix ms).
pub(super) async fn append(conn: &mut AnyConnection, msg: &NewMessage, now: i64) -> Result<Appended, OpError> {
    let found = match &msg.target {
        Target::Session { session_id, .. } => {
            sqlx::query(conversations::CURRENT_FOR_SESSION).bind(session_id.to_string()).fetch_optional(&mut *conn).await?
        }
        Target::Conversation(id) => {
            sqlx::query(&format!("SELECT {} FROM conversations WHERE id = $1", conversations::COLUMNS))
                .bind(id.to_string())
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let existing = found.as_ref().map(conversations::decode).transpose().map_err(|e| corrupt(&e))?;
    if let Some((message, conversation)) = find_repeat(conn, existing.as_ref(), msg).await? {
        return Ok(Appended { message, duplicate: true, conversation, conversation_created: false });
    }
    check_attachments(conn, msg).await?;
    let (mut conversation, created) = match (existing, &msg.target) {
        (Some(conversation), _) => (conversation, false),
        (None, Target::Conversation(_)) => return Err(OpError::Rejected(WriteError::NotFound)),
        (None, Target::Session { session_id, project_id }) => {
            let conversation = ConversationRow {
                id: parlour_shared::ConversationId(Uuid::new_v4()),
                project_id: project_id.clone(),
                session_id: *session_id,
                status: ConversationStatus::Open,
                last_seq: 0,
                created_at: now,
                updated_at: now,
                visitor_read_seq: 0,
                agent_read_seq: 0,
            };
            sqlx::query(
                "INSERT INTO conversations (id, project_id, session_id, status, last_seq, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 0, $5, $5)",
            )
            .bind(conversation.id.to_string())
            .bind(conversation.project_id.as_str())
            .bind(conversation.session_id.to_string())
            .bind(conversation.status.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?;
            (conversation, true)
        }
    };
    let seq: i64 = sqlx::query_scalar("UPDATE conversations SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 RETURNING last_seq")
        .bind(conversation.id.to_string())
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
    conversation.last_seq = seq;
    conversation.updated_at = now;
    let mut message = Message {
        id: MessageId(Uuid::new_v4()),
        conversation_id: conversation.id,
        seq,
        client_message_id: Some(msg.client_message_id.clone()),
        author: msg.author.clone(),
        body: msg.body.clone(),
        created_at: now,
        attachments: Vec::with_capacity(msg.attachment_ids.len()),
    };
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, client_message_id, author_kind, author_name, body, created_at, attachment_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(message.id.to_string())
    .bind(message.conversation_id.to_string())
    .bind(seq)
    .bind(msg.client_message_id.as_str())
    .bind(message.author.kind.as_str())
    .bind(message.author.name.as_deref())
    .bind(message.body.as_str())
    .bind(now)
    .bind(i64::try_from(msg.attachment_ids.len()).unwrap_or(i64::MAX))
    .execute(&mut *conn)
    .await?;
    for (position, id) in (0_i64..).zip(&msg.attachment_ids) {
        attachments::claim(conn, *id, conversation.id, seq, position).await?;
        if let Some(row) = attachments::find_in(conn, *id).await? {
            message.attachments.push(row.to_wire());
        }
    }
    Ok(Appended { message, duplicate: false, conversation, conversation_created: created })
}

/// Refuses (before anything is written) attachments that do not exist, are not the sender's
/// (a visitor's own uploads; any agent's for agent replies), or were sent already.
async fn check_attachments(conn: &mut AnyConnection, msg: &NewMessage) -> Result<(), OpError> {
    for id in &msg.attachment_ids {
        let row = attachments::find_in(conn, *id).await?;
        let usable = row.is_some_and(|row| {
            row.conversation_id.is_none()
                && match (&msg.target, &row.uploader) {
                    (Target::Session { session_id, .. }, Uploader::Session(owner)) => owner == session_id,
                    (Target::Conversation(_), Uploader::Agent(_)) => true,
                    _ => false,
                }
        });
        if !usable {
            return Err(OpError::Rejected(WriteError::Invalid("an attachment is unknown, not yours, or already sent")));
        }
    }
    Ok(())
}

/// The message already stored under this `clientMessageId`, and its conversation: for a visitor,
/// in any of the session's conversations (a repeat sent after the conversation was closed still
/// finds its original); for an agent, in the target conversation.
async fn find_repeat(
    conn: &mut AnyConnection,
    current: Option<&ConversationRow>,
    msg: &NewMessage,
) -> Result<Option<(Message, ConversationRow)>, OpError> {
    let columns = messages::COLUMNS.split(", ").map(|c| format!("m.{c}")).collect::<Vec<_>>().join(", ");
    let row = match &msg.target {
        Target::Session { session_id, .. } => {
            sqlx::query(&format!(
                "SELECT {columns} FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE c.session_id = $1 AND m.client_message_id = $2"
            ))
            .bind(session_id.to_string())
            .bind(msg.client_message_id.as_str())
            .fetch_optional(&mut *conn)
            .await?
        }
        Target::Conversation(id) => {
            sqlx::query(&format!("SELECT {columns} FROM messages m WHERE m.conversation_id = $1 AND m.client_message_id = $2"))
                .bind(id.to_string())
                .bind(msg.client_message_id.as_str())
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let Some(row) = row else { return Ok(None) };
    let mut original = [messages::decode(&row).map_err(|e| corrupt(&e))?];
    let count = messages::attachment_count(&row).map_err(|e| corrupt(&e))?;
    attachments::fill(&mut *conn, &mut original, &[count]).await.map_err(|e| corrupt(&e))?;
    let [original] = original;
    let conversation = match current {
        Some(current) if current.id == original.conversation_id => current.clone(),
        _ => {
            let row = sqlx::query(&format!("SELECT {} FROM conversations WHERE id = $1", conversations::COLUMNS))
                .bind(original.conversation_id.to_string())
                .fetch_one(&mut *conn)
                .await?;
            conversations::decode(&row).map_err(|e| corrupt(&e))?
        }
    };
    Ok(Some((original, conversation)))
}
