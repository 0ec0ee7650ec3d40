//! Reading stored messages: pages after a `seq` cursor, and the newest one of a conversation (or of
//! a whole list of them, in one query).

use std::collections::HashMap;

use parlour_shared::{Author, AuthorKind, ClientMessageId, ConversationId, Message};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::{DbError, attachments, placeholders};

/// The columns [`decode`] reads, in a form to paste into a `SELECT`.
pub const COLUMNS: &str = "id, conversation_id, seq, client_message_id, author_kind, author_name, body, created_at, attachment_count";

/// Reads a message row selected with [`COLUMNS`].
///
/// # Errors
/// [`DbError::Corrupt`] for a value that does not parse.
pub fn decode(row: &AnyRow) -> Result<Message, DbError> {
    let corrupt = |e: &dyn std::fmt::Display| DbError::Corrupt(e.to_string());
    let kind: String = row.try_get("author_kind")?;
    Ok(Message {
        id: row.try_get::<String, _>("id")?.parse().map_err(|e| corrupt(&e))?,
        conversation_id: row.try_get::<String, _>("conversation_id")?.parse().map_err(|e| corrupt(&e))?,
        seq: row.try_get("seq")?,
        client_message_id: row
            .try_get::<Option<String>, _>("client_message_id")?
            .map(ClientMessageId::parse)
            .transpose()
            .map_err(|e| corrupt(&e))?,
        author: Author {
            kind: AuthorKind::from_str_opt(&kind).ok_or_else(|| DbError::Corrupt(format!("author kind {kind}")))?,
            name: row.try_get("author_name")?,
        },
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        attachments: Vec::new(),
    })
}

/// How many files the message in `row` carries (filled in by [`attachments::fill`]).
///
/// # Errors
/// [`DbError`] when the column is missing.
pub fn attachment_count(row: &AnyRow) -> Result<i64, DbError> {
    Ok(row.try_get("attachment_count")?)
}

/// Decodes rows and fills in their attachments.
async fn decode_all(pool: &AnyPool, rows: &[AnyRow]) -> Result<Vec<Message>, DbError> {
    let mut messages = rows.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
    let counts = rows.iter().map(attachment_count).collect::<Result<Vec<_>, _>>()?;
    attachments::fill(pool, &mut messages, &counts).await?;
    Ok(messages)
}

/// Up to `limit` messages with `seq > after`, ascending, and whether more follow.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn after(pool: &AnyPool, conversation: ConversationId, after: i64, limit: u32) -> Result<(Vec<Message>, bool), DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ))
    .bind(conversation.to_string())
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(pool)
    .await?;
    let mut messages = decode_all(pool, &rows).await?;
    let has_more = messages.len() > limit as usize;
    messages.truncate(limit as usize);
    Ok((messages, has_more))
}

/// The newest message of a conversation, if any.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn last(pool: &AnyPool, conversation: ConversationId) -> Result<Option<Message>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT 1"
    ))
    .bind(conversation.to_string())
    .fetch_optional(pool)
    .await?;
    Ok(decode_all(pool, row.as_slice()).await?.pop())
}

/// The newest message of each of `conversations` that has one, in one query (a conversation list
/// would otherwise ask once per row). Files are filled in only for the messages that carry any.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn last_of(pool: &AnyPool, conversations: &[ConversationId]) -> Result<HashMap<ConversationId, Message>, DbError> {
    if conversations.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM messages m WHERE conversation_id IN ({}) \
         AND seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = m.conversation_id)",
        placeholders(conversations.len())
    );
    let mut query = sqlx::query(&sql);
    for id in conversations {
        query = query.bind(id.to_string());
    }
    let rows = query.fetch_all(pool).await?;
    let mut newest = HashMap::with_capacity(rows.len());
    for row in &rows {
        let mut message = decode(row)?;
        let count = attachment_count(row)?;
        if count > 0 {
            attachments::fill(pool, std::slice::from_mut(&mut message), &[count]).await?;
        }
        newest.insert(message.conversation_id, message);
    }
    Ok(newest)
}
