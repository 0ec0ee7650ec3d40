//! The writer's memory of the conversations it writes, so a send is one `INSERT` instead of four
//! statements. It is sound because the writer task is the only writer of `conversations` and
//! `messages`: what it remembers is what it wrote. It lives inside one batch transaction at a
//! time; when a batch fails (rolled back), [`Cache::clear`] forgets everything, and the retry
//! reads the rows again.
//!
//! `last_seq` and `updated_at` advance here first; [`Cache::flush`] writes each changed
//! conversation once, inside the same transaction, just before it commits.

use std::collections::HashMap;

use parlour_shared::{ConversationId, SessionId};
use sqlx::AnyConnection;

use super::batch;
use super::conversations::{self, ConversationRow};
use super::writer::Target;

/// Forget everything beyond this many conversations (or sessions), to bound the memory.
const MAX_ENTRIES: usize = 50_000;

/// What the writer knows about a session's conversations.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    /// The current (newest not closed) conversation, if any.
    pub(super) current: Option<ConversationId>,
    /// Whether the session has no conversation besides `current`, so a repeated
    /// `clientMessageId` can only be in `current` (and `ON CONFLICT` finds it).
    pub(super) alone: bool,
}

#[derive(Debug)]
struct Entry {
    row: ConversationRow,
    /// `last_seq` / `updated_at` changed and are not written yet.
    dirty: bool,
}

/// Conversations by id and sessions' current conversations, as of the open transaction.
#[derive(Debug, Default)]
pub(super) struct Cache {
    conversations: HashMap<ConversationId, Entry>,
    sessions: HashMap<SessionId, Known>,
    dirty: Vec<ConversationId>,
}

impl Cache {
    /// Forgets everything (after a rollback, or when it grew too big between batches).
    pub(super) fn clear(&mut self) {
        self.conversations.clear();
        self.sessions.clear();
        self.dirty.clear();
    }

    /// Called between batches: bounds the memory.
    pub(super) fn trim(&mut self) {
        if self.conversations.len() > MAX_ENTRIES || self.sessions.len() > MAX_ENTRIES {
            self.clear();
        }
    }

    /// The conversation with this id (from memory, else read inside the transaction).
    pub(super) async fn conversation(&mut self, conn: &mut AnyConnection, id: ConversationId) -> Result<Option<ConversationRow>, LoadError> {
        if let Some(entry) = self.conversations.get(&id) {
            return Ok(Some(entry.row.clone()));
        }
        let row = sqlx::query(&format!("SELECT {} FROM conversations WHERE id = $1", conversations::COLUMNS))
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row.as_ref().map(conversations::decode).transpose()? else { return Ok(None) };
        Ok(Some(self.remember(row)))
    }

    /// What the writer knows of `session` (read inside the transaction the first time).
    pub(super) async fn session(&mut self, conn: &mut AnyConnection, session: SessionId) -> Result<Known, LoadError> {
        if let Some(known) = self.sessions.get(&session) {
            return Ok(*known);
        }
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE session_id = $1")
            .bind(session.to_string())
            .fetch_one(&mut *conn)
            .await?;
        let current = if total == 0 {
            None
        } else {
            let row = sqlx::query(conversations::CURRENT_FOR_SESSION).bind(session.to_string()).fetch_optional(&mut *conn).await?;
            row.as_ref().map(conversations::decode).transpose()?.map(|row| self.remember(row).id)
        };
        let known = Known { current, alone: total <= i64::from(current.is_some()) };
        self.sessions.insert(session, known);
        Ok(known)
    }

    /// Keeps `row` (a row read from the database) unless a newer one is held, and returns the held one.
    fn remember(&mut self, row: ConversationRow) -> ConversationRow {
        self.conversations.entry(row.id).or_insert(Entry { row, dirty: false }).row.clone()
    }

    /// A conversation this transaction created: the session's current and, if it had none
    /// before, its only one.
    pub(super) fn created(&mut self, row: ConversationRow) {
        let known = self.sessions.get(&row.session_id).copied().unwrap_or(Known { current: None, alone: true });
        self.sessions.insert(row.session_id, Known { current: Some(row.id), alone: known.alone && known.current.is_none() });
        self.conversations.insert(row.id, Entry { row, dirty: false });
    }

    /// Records a conversation's new state: `last_seq`/`updated_at` changes are written by
    /// [`Cache::flush`]; other columns the caller has written already.
    pub(super) fn update(&mut self, row: &ConversationRow, seq_changed: bool) {
        let entry = self.conversations.entry(row.id).or_insert(Entry { row: row.clone(), dirty: false });
        entry.row.clone_from(row);
        if seq_changed && !entry.dirty {
            entry.dirty = true;
            self.dirty.push(row.id);
        }
    }

    /// A conversation's status changed: the session's current conversation must be read again.
    pub(super) fn status_changed(&mut self, row: &ConversationRow) {
        self.sessions.remove(&row.session_id);
        self.update(row, false);
    }

    /// The conversation a message to `target` goes to, when known without reading anything and
    /// the only place its repeat could be.
    pub(super) fn peek(&self, target: &Target) -> Option<ConversationId> {
        match target {
            Target::Session { session_id, .. } => match self.sessions.get(session_id) {
                Some(Known { current: Some(id), alone: true }) => Some(*id),
                _ => None,
            },
            Target::Conversation(id) => self.conversations.contains_key(id).then_some(*id),
        }
    }

    /// Writes every changed `last_seq`/`updated_at` (call inside the transaction, before commit).
    pub(super) async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let mut rows = Vec::with_capacity(self.dirty.len());
        for id in std::mem::take(&mut self.dirty) {
            let Some(entry) = self.conversations.get_mut(&id) else { continue };
            entry.dirty = false;
            rows.push((id, entry.row.last_seq, entry.row.updated_at));
        }
        batch::update_conversations(conn, &rows).await
    }
}

/// Why a row could not be loaded.
#[derive(Debug)]
pub(super) enum LoadError {
    /// The database failed.
    Db(sqlx::Error),
    /// The row does not parse.
    Corrupt(super::DbError),
}

impl From<sqlx::Error> for LoadError {
    fn from(err: sqlx::Error) -> Self {
        LoadError::Db(err)
    }
}

impl From<super::DbError> for LoadError {
    fn from(err: super::DbError) -> Self {
        LoadError::Corrupt(err)
    }
}
