//! One message append, run by the writer inside its batch transaction: find the conversation
//! (creating the session's first one), return the original for a repeated `clientMessageId`, else
//! assign the next `seq` and insert.

use parlour_shared::{ConversationStatus, Message, MessageId};
use sqlx::AnyConnection;
use uuid::Uuid;

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
    let (mut conversation, created) = match (existing, &msg.target) {
        (Some(conversation), _) => {
            if let Some(original) = find_repeat(conn, &conversation, msg).await? {
                return Ok(Appended { message: original, duplicate: true, conversation, conversation_created: false });
            }
            (conversation, false)
        }
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
    let message = Message {
        id: MessageId(Uuid::new_v4()),
        conversation_id: conversation.id,
        seq,
        client_message_id: Some(msg.client_message_id.clone()),
        author: msg.author.clone(),
        body: msg.body.clone(),
        created_at: now,
    };
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, client_message_id, author_kind, author_name, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(message.id.to_string())
    .bind(message.conversation_id.to_string())
    .bind(seq)
    .bind(msg.client_message_id.as_str())
    .bind(message.author.kind.as_str())
    .bind(message.author.name.as_deref())
    .bind(message.body.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Appended { message, duplicate: false, conversation, conversation_created: created })
}

/// The message already stored under this `clientMessageId` in the conversation, if any.
async fn find_repeat(conn: &mut AnyConnection, conversation: &ConversationRow, msg: &NewMessage) -> Result<Option<Message>, OpError> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM messages WHERE conversation_id = $1 AND client_message_id = $2",
        messages::COLUMNS
    ))
    .bind(conversation.id.to_string())
    .bind(msg.client_message_id.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(messages::decode).transpose().map_err(|e| corrupt(&e))
}
