//! One message append, run by the writer inside its batch transaction: find the conversation
//! (creating the session's first one), return the original for a repeated `clientMessageId`, else
//! assign the next `seq` and insert.
//!
//! The conversation and its `last_seq` come from the writer's [`Cache`]; the repeat check is the
//! `INSERT`'s own `ON CONFLICT (conversation_id, client_message_id)` when the repeat can only be
//! in that conversation, so a send to a known conversation is one statement.

use parlour_shared::{ConversationStatus, Message, MessageId};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::attachments::{self, Uploader};
use super::batch::Deferred;
use super::cache::{Cache, LoadError};
use super::conversations::ConversationRow;
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

impl From<LoadError> for OpError {
    fn from(err: LoadError) -> Self {
        match err {
            LoadError::Db(err) => OpError::Db(err),
            LoadError::Corrupt(err) => corrupt(&err),
        }
    }
}

fn corrupt(err: &super::DbError) -> OpError {
    OpError::Rejected(WriteError::Failed(err.to_string()))
}

/// Inserts a message unless its `clientMessageId` is already stored in its conversation.
const INSERT_MESSAGE: &str = "INSERT INTO messages (id, conversation_id, seq, client_message_id, author_kind, author_name, body, created_at, attachment_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (conversation_id, client_message_id) DO NOTHING";

/// Appends `msg` at time `now` (Unix ms). With `deferred`, a message without files is queued
/// for the batch's multi-row insert (its repeat already looked up); without, it is inserted here.
pub(super) async fn append(
    conn: &mut AnyConnection,
    cache: &mut Cache,
    deferred: Option<&mut Deferred>,
    msg: &NewMessage,
    now: i64,
) -> Result<Appended, OpError> {
    let (existing, alone) = match &msg.target {
        Target::Session { session_id, .. } => {
            let known = cache.session(conn, *session_id).await?;
            let current = match known.current {
                Some(id) => cache.conversation(conn, id).await?,
                None => None,
            };
            (current, known.alone)
        }
        Target::Conversation(id) => (cache.conversation(conn, *id).await?, true),
    };
    if let Some(deferred) = deferred.as_deref()
        && let Some(original) = repeat_in_batch(cache, conn, deferred, msg).await?
    {
        return Ok(original);
    }
    // Whether the repeat look-up at the start of the batch covered this message.
    let looked_up = match (&deferred, &existing) {
        (Some(deferred), Some(conversation)) if alone => deferred.stored(conversation.id, &msg.client_message_id),
        _ => None,
    };
    // A visitor's repeat may be in an earlier (closed) conversation of the session, and a repeat
    // with files must be found before its (already claimed) files are checked.
    let look_up_now = !alone || !msg.attachment_ids.is_empty() || looked_up == Some(true) || (deferred.is_some() && existing.is_some() && looked_up.is_none());
    if look_up_now && let Some(original) = find_repeat(conn, cache, msg).await? {
        return Ok(original);
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
            cache.created(conversation.clone());
            (conversation, true)
        }
    };
    let seq = conversation.last_seq + 1;
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
    match deferred {
        Some(deferred) if msg.attachment_ids.is_empty() => deferred.pending.push(message.clone(), conversation.session_id),
        _ => {
            if !insert(conn, &message, msg.attachment_ids.len()).await? {
                // A repeat within this conversation: nothing was written, no `seq` used.
                return find_repeat(conn, cache, msg)
                    .await?
                    .ok_or_else(|| OpError::Rejected(WriteError::Failed("a repeat without its original".to_owned())));
            }
        }
    }
    conversation.last_seq = seq;
    conversation.updated_at = now;
    cache.update(&conversation, true);
    for (position, id) in (0_i64..).zip(&msg.attachment_ids) {
        attachments::claim(conn, *id, conversation.id, seq, position).await?;
        if let Some(row) = attachments::find_in(conn, *id).await? {
            message.attachments.push(row.to_wire());
        }
    }
    Ok(Appended { message, duplicate: false, conversation, conversation_created: created })
}

/// Inserts one message row; `false` when its `clientMessageId` is already in its conversation.
async fn insert(conn: &mut AnyConnection, message: &Message, attachment_count: usize) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(INSERT_MESSAGE)
        .bind(message.id.to_string())
        .bind(message.conversation_id.to_string())
        .bind(message.seq)
        .bind(message.client_message_id.as_ref().map(parlour_shared::ClientMessageId::as_str))
        .bind(message.author.kind.as_str())
        .bind(message.author.name.as_deref())
        .bind(message.body.as_str())
        .bind(message.created_at)
        .bind(i64::try_from(attachment_count).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(inserted > 0)
}

/// The original of a repeat sent earlier in the same batch (queued, not written yet).
async fn repeat_in_batch(cache: &mut Cache, conn: &mut AnyConnection, deferred: &Deferred, msg: &NewMessage) -> Result<Option<Appended>, OpError> {
    let found = match &msg.target {
        Target::Session { session_id, .. } => deferred.pending.find(Some(*session_id), None, &msg.client_message_id),
        Target::Conversation(id) => deferred.pending.find(None, Some(*id), &msg.client_message_id),
    };
    let Some(message) = found.cloned() else { return Ok(None) };
    let conversation = cache
        .conversation(conn, message.conversation_id)
        .await?
        .ok_or_else(|| OpError::Rejected(WriteError::Failed("a message without its conversation".to_owned())))?;
    Ok(Some(Appended { message, duplicate: true, conversation, conversation_created: false }))
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

/// The message already stored under this `clientMessageId` and its conversation, as a repeat:
/// for a visitor, in any of the session's conversations (a repeat sent after the conversation was
/// closed still finds its original); for an agent, in the target conversation.
async fn find_repeat(conn: &mut AnyConnection, cache: &mut Cache, msg: &NewMessage) -> Result<Option<Appended>, OpError> {
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
    let [message] = original;
    let conversation = cache
        .conversation(conn, message.conversation_id)
        .await?
        .ok_or_else(|| OpError::Rejected(WriteError::Failed("a message without its conversation".to_owned())))?;
    Ok(Some(Appended { message, duplicate: true, conversation, conversation_created: false }))
}
