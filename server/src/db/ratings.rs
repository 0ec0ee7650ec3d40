//! Satisfaction ratings (`conversation_ratings`): one row per rated conversation, overwritten
//! when the visitor rates again.

use std::collections::HashMap;

use parlour_shared::ConversationId;
use parlour_shared::rest::Rating;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::DbError;

/// Stores (or replaces) the rating of `conversation`.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn upsert(pool: &AnyPool, conversation: ConversationId, score: u8, comment: Option<&str>, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO conversation_ratings (conversation_id, score, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (conversation_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, updated_at = excluded.updated_at",
    )
    .bind(conversation.to_string())
    .bind(i64::from(score))
    .bind(comment)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

fn decode(row: &AnyRow) -> Result<(ConversationId, Rating), DbError> {
    let id: String = row.try_get("conversation_id")?;
    let score: i64 = row.try_get("score")?;
    Ok((
        id.parse().map_err(|e: uuid::Error| DbError::Corrupt(e.to_string()))?,
        Rating {
            score: u8::try_from(score).map_err(|_| DbError::Corrupt(format!("score {score}")))?,
            comment: row.try_get("comment")?,
            rated_at: row.try_get("updated_at")?,
        },
    ))
}

/// The rating of `conversation`, if it was rated.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn find(pool: &AnyPool, conversation: ConversationId) -> Result<Option<Rating>, DbError> {
    Ok(for_conversations(pool, &[conversation]).await?.remove(&conversation))
}

/// The ratings of those of `conversations` that were rated, in one query.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn for_conversations(pool: &AnyPool, conversations: &[ConversationId]) -> Result<HashMap<ConversationId, Rating>, DbError> {
    if conversations.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT conversation_id, score, comment, updated_at FROM conversation_ratings WHERE conversation_id IN ({})",
        super::placeholders(conversations.len())
    );
    let mut query = sqlx::query(&sql);
    for id in conversations {
        query = query.bind(id.to_string());
    }
    query.fetch_all(pool).await?.iter().map(decode).collect()
}
