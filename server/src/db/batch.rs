//! Multi-row statements for the writer: a batch's new messages are inserted, its repeats looked
//! up and its conversations' `last_seq` written with a few statements per batch instead of a
//! few per message, because each statement is a round trip to the database (on SQLite, a hop to
//! sqlx's worker thread and back).
//!
//! Each statement has a fixed number of `VALUES` rows ([`CHUNKS`]), padded with NULL rows that
//! match nothing, so only a handful of SQL texts exist and all stay prepared. Both backends name
//! the columns of a `VALUES` list `column1, column2…`.

use std::collections::HashSet;
use std::sync::LazyLock;

use parlour_shared::{ClientMessageId, ConversationId, Message, SessionId};
use sqlx::{AnyConnection, Row};

/// Rows per statement: the smallest that holds what is left, else the largest.
const CHUNKS: [usize; 4] = [1, 4, 16, 64];

/// `VALUES ($1, …, $width), (…)` with `rows` rows.
fn values(rows: usize, width: usize) -> String {
    let mut sql = String::from("(VALUES ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * width + col + 1).to_string());
        }
        sql.push(')');
    }
    sql.push_str(") AS v");
    sql
}

/// One SQL text per chunk size.
fn per_chunk(build: impl Fn(usize) -> String) -> [String; CHUNKS.len()] {
    CHUNKS.map(build)
}

static INSERT_MESSAGES: LazyLock<[String; CHUNKS.len()]> = LazyLock::new(|| {
    per_chunk(|rows| {
        format!(
            "INSERT INTO messages (id, conversation_id, seq, client_message_id, author_kind, author_name, body, created_at, attachment_count)
             SELECT column1, column2, column3, column4, column5, column6, column7, column8, 0 FROM {} WHERE column1 IS NOT NULL",
            values(rows, 8)
        )
    })
});

static UPDATE_CONVERSATIONS: LazyLock<[String; CHUNKS.len()]> = LazyLock::new(|| {
    per_chunk(|rows| {
        format!(
            "UPDATE conversations SET last_seq = v.column2, updated_at = v.column3 FROM {} WHERE conversations.id = v.column1",
            values(rows, 3)
        )
    })
});

static FIND_STORED: LazyLock<[String; CHUNKS.len()]> = LazyLock::new(|| {
    per_chunk(|rows| {
        format!(
            "SELECT m.conversation_id, m.client_message_id FROM messages m JOIN {}
             ON m.conversation_id = v.column1 AND m.client_message_id = v.column2",
            values(rows, 2)
        )
    })
});

/// Splits `len` items into chunks: (start, count, index into [`CHUNKS`]).
fn chunks(len: usize) -> impl Iterator<Item = (usize, usize, usize)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= len {
            return None;
        }
        let left = len - start;
        let index = CHUNKS.iter().position(|&size| size >= left).unwrap_or(CHUNKS.len() - 1);
        let count = left.min(CHUNKS[index]);
        let chunk = (start, count, index);
        start += count;
        Some(chunk)
    })
}

/// What a batch defers to its end, and the repeats it looked up at its start.
#[derive(Debug, Default)]
pub(super) struct Deferred {
    /// New messages to insert.
    pub(super) pending: Pending,
    /// (conversation, `clientMessageId`) pairs looked up at the start.
    checked: HashSet<(ConversationId, String)>,
    /// Those of them already stored.
    stored: HashSet<(ConversationId, String)>,
}

impl Deferred {
    /// Looks up, in one statement per chunk, whether the appends whose conversation is already
    /// known are repeats.
    pub(super) async fn look_up(&mut self, conn: &mut AnyConnection, pairs: &[(ConversationId, &ClientMessageId)]) -> Result<(), sqlx::Error> {
        self.stored = find_stored(conn, pairs).await?;
        self.checked = pairs.iter().map(|(c, id)| (*c, id.as_str().to_owned())).collect();
        Ok(())
    }

    /// Whether the start-of-batch look-up covered this pair, and if so whether it is stored.
    pub(super) fn stored(&self, conversation: ConversationId, client: &ClientMessageId) -> Option<bool> {
        let key = (conversation, client.as_str().to_owned());
        self.checked.contains(&key).then(|| self.stored.contains(&key))
    }
}

/// A message whose row is written at the end of the batch.
#[derive(Debug)]
pub(super) struct PendingMessage {
    /// The message (no attachments: those are written at once).
    pub(super) message: Message,
    /// Its conversation's session (a visitor's repeat is looked up across the session).
    pub(super) session_id: SessionId,
}

/// The batch's messages not written yet.
#[derive(Debug, Default)]
pub(super) struct Pending {
    messages: Vec<PendingMessage>,
}

impl Pending {
    /// A message of this batch with this `clientMessageId`, in `conversation` or, when `None`,
    /// in any conversation of `session`.
    pub(super) fn find(&self, session: Option<SessionId>, conversation: Option<ConversationId>, client: &ClientMessageId) -> Option<&Message> {
        self.messages
            .iter()
            .find(|p| {
                p.message.client_message_id.as_ref() == Some(client)
                    && conversation.map_or(Some(p.session_id) == session, |c| c == p.message.conversation_id)
            })
            .map(|p| &p.message)
    }

    /// Queues a row.
    pub(super) fn push(&mut self, message: Message, session_id: SessionId) {
        self.messages.push(PendingMessage { message, session_id });
    }

    /// Inserts every queued row.
    pub(super) async fn write(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for (start, count, index) in chunks(self.messages.len()) {
            let mut query = sqlx::query(&INSERT_MESSAGES[index]);
            for pending in &self.messages[start..start + count] {
                let m = &pending.message;
                query = query
                    .bind(m.id.to_string())
                    .bind(m.conversation_id.to_string())
                    .bind(m.seq)
                    .bind(m.client_message_id.as_ref().map(ClientMessageId::as_str))
                    .bind(m.author.kind.as_str())
                    .bind(m.author.name.as_deref())
                    .bind(m.body.as_str())
                    .bind(m.created_at);
            }
            for _ in count..CHUNKS[index] {
                query = query
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(None::<i64>)
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(None::<i64>);
            }
            let inserted = query.execute(&mut *conn).await?.rows_affected();
            if inserted != count as u64 {
                return Err(sqlx::Error::Protocol(format!("inserted {inserted} of {count} messages")));
            }
        }
        self.messages.clear();
        Ok(())
    }
}

/// Writes `last_seq` and `updated_at` of each conversation.
pub(super) async fn update_conversations(conn: &mut AnyConnection, rows: &[(ConversationId, i64, i64)]) -> Result<(), sqlx::Error> {
    for (start, count, index) in chunks(rows.len()) {
        let mut query = sqlx::query(&UPDATE_CONVERSATIONS[index]);
        for (id, last_seq, updated_at) in &rows[start..start + count] {
            query = query.bind(id.to_string()).bind(*last_seq).bind(*updated_at);
        }
        for _ in count..CHUNKS[index] {
            query = query.bind(None::<String>).bind(None::<i64>).bind(None::<i64>);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Which of these (conversation, `clientMessageId`) pairs are stored already.
pub(super) async fn find_stored(
    conn: &mut AnyConnection,
    pairs: &[(ConversationId, &ClientMessageId)],
) -> Result<HashSet<(ConversationId, String)>, sqlx::Error> {
    let mut found = HashSet::new();
    for (start, count, index) in chunks(pairs.len()) {
        let mut query = sqlx::query(&FIND_STORED[index]);
        for (conversation, client) in &pairs[start..start + count] {
            query = query.bind(conversation.to_string()).bind(client.as_str());
        }
        for _ in count..CHUNKS[index] {
            query = query.bind(None::<String>).bind(None::<String>);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let conversation: String = row.try_get(0)?;
            let client: String = row.try_get(1)?;
            if let Ok(conversation) = conversation.parse() {
                found.insert((conversation, client));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything_with_few_sizes() {
        let all: Vec<_> = chunks(70).collect();
        assert_eq!(all, vec![(0, 64, 3), (64, 6, 2)]);
        assert_eq!(chunks(1).collect::<Vec<_>>(), vec![(0, 1, 0)]);
        assert_eq!(chunks(0).count(), 0);
        assert_eq!(values(2, 2), "(VALUES ($1, $2), ($3, $4)) AS v");
    }
}
