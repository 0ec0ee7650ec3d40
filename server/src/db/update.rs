//! The writer's small writes: a conversation's status, a read position, an upload's metadata.
//! Each reads the row inside the batch transaction first, so a refusal writes nothing.

use sqlx::AnyConnection;

use super::append::OpError;
use super::attachments;
use super::cache::Cache;
use super::conversations::ConversationRow;
use super::writer::{Reader, Update, Updated, WriteError};

async fn conversation(conn: &mut AnyConnection, cache: &mut Cache, id: parlour_shared::ConversationId) -> Result<ConversationRow, OpError> {
    cache.conversation(conn, id).await?.ok_or(OpError::Rejected(WriteError::NotFound))
}

/// Applies `change` at time `now` (Unix ms).
pub(super) async fn update(conn: &mut AnyConnection, cache: &mut Cache, change: &Update, now: i64) -> Result<Updated, OpError> {
    match change {
        Update::Status(id, status) => {
            let mut row = conversation(conn, cache, *id).await?;
            if row.status == *status {
                return Ok(Updated { conversation: Some(row), changed: false });
            }
            sqlx::query("UPDATE conversations SET status = $2, updated_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(status.as_str())
                .bind(now)
                .execute(&mut *conn)
                .await?;
            row.status = *status;
            row.updated_at = now;
            cache.status_changed(&row);
            Ok(Updated { conversation: Some(row), changed: true })
        }
        Update::Read(id, reader, seq) => {
            let mut row = conversation(conn, cache, *id).await?;
            if *seq < 0 || *seq > row.last_seq {
                return Err(OpError::Rejected(WriteError::Invalid("seq is beyond the conversation's last message")));
            }
            let (current, column) = match reader {
                Reader::Visitor => (&mut row.visitor_read_seq, "visitor_read_seq"),
                Reader::Agent => (&mut row.agent_read_seq, "agent_read_seq"),
            };
            if *seq <= *current {
                return Ok(Updated { conversation: Some(row), changed: false });
            }
            *current = *seq;
            sqlx::query(&format!("UPDATE conversations SET {column} = $2 WHERE id = $1"))
                .bind(id.to_string())
                .bind(*seq)
                .execute(&mut *conn)
                .await?;
            cache.update(&row, false);
            Ok(Updated { conversation: Some(row), changed: true })
        }
        Update::Attachment(row) => {
            attachments::insert(conn, row).await?;
            Ok(Updated { conversation: None, changed: true })
        }
    }
}
