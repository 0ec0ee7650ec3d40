//! The conversation as the visitor sees it: stored messages ordered by `seq` (deduplicated by
//! message id), followed by the visitor's own messages still on their way, each with its
//! delivery state.

use parlour_shared::{Attachment, Author, AuthorKind, ClientMessageId, ConversationId, Message, MessageId};

use super::outbox::Pending;

/// Where one of the visitor's messages stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Shown at once, not acknowledged yet (queued while offline, too).
    Sending,
    /// Stored by the server (every received message is `Sent`).
    Sent,
    /// Refused by the server; the visitor can retry.
    Failed,
}

impl Delivery {
    /// The state as a word, for `data-state` attributes and tests.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Delivery::Sending => "sending",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
        }
    }
}

/// One row of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable across `Sending` → `Sent`: the client message id of the visitor's own messages,
    /// the message id of everything else.
    pub key: String,
    /// The stored message's `seq`; `None` until the server stores it.
    pub seq: Option<i64>,
    /// The stored message's id.
    pub id: Option<MessageId>,
    /// The visitor's id for their own message.
    pub client_message_id: Option<ClientMessageId>,
    /// Who wrote it.
    pub author: Author,
    /// The text, shown as text (empty when the message is only attachments).
    pub body: String,
    /// The files it carries.
    pub attachments: Vec<Attachment>,
    /// When it was written, Unix milliseconds.
    pub created_at: i64,
    /// Its delivery state.
    pub delivery: Delivery,
    /// Why the server refused it, when it did.
    pub error: Option<String>,
}

impl Entry {
    fn from_message(message: Message) -> Self {
        let key = match (&message.client_message_id, message.author.kind) {
            (Some(cid), AuthorKind::Visitor) => cid.as_str().to_owned(),
            _ => message.id.to_string(),
        };
        Self {
            key,
            seq: Some(message.seq),
            id: Some(message.id),
            client_message_id: message.client_message_id,
            author: message.author,
            body: message.body,
            attachments: message.attachments,
            created_at: message.created_at,
            delivery: Delivery::Sent,
            error: None,
        }
    }

    /// A row for a message the server has not stored yet.
    #[must_use]
    pub fn from_pending(pending: &Pending) -> Self {
        Self {
            key: pending.client_message_id.as_str().to_owned(),
            seq: None,
            id: None,
            client_message_id: Some(pending.client_message_id.clone()),
            author: Author { kind: AuthorKind::Visitor, name: None },
            body: pending.body.as_ref().map(|b| b.as_str().to_owned()).unwrap_or_default(),
            attachments: pending.attachments.clone(),
            created_at: pending.created_at,
            delivery: if pending.failed { Delivery::Failed } else { Delivery::Sending },
            error: None,
        }
    }

    /// Whether the visitor wrote it.
    #[must_use]
    pub fn is_own(&self) -> bool {
        self.author.kind == AuthorKind::Visitor
    }

    /// Changes whenever the row must be drawn again (a keyed list re-renders on a new key).
    #[must_use]
    pub fn render_key(&self) -> String {
        format!("{}:{}", self.key, self.delivery.as_str())
    }
}

/// What [`Timeline::merge`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// The message is new; it replaced the visitor's pending copy when `confirmed` names one.
    Added {
        /// The pending message it confirmed, to drop from the outbox.
        confirmed: Option<ClientMessageId>,
    },
    /// The message was already there.
    Duplicate,
}

/// The conversation: stored entries sorted by `seq`, then pending ones in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    entries: Vec<Entry>,
    conversation_id: Option<ConversationId>,
}

impl Timeline {
    /// The rows, in display order.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The conversation the stored entries belong to.
    #[must_use]
    pub const fn conversation_id(&self) -> Option<ConversationId> {
        self.conversation_id
    }

    /// The highest `seq` held (0 when none): the resume cursor.
    #[must_use]
    pub fn last_seq(&self) -> i64 {
        self.entries.iter().filter_map(|e| e.seq).max().unwrap_or(0)
    }

    /// How many messages from others arrived after `read_seq`.
    #[must_use]
    pub fn unread_after(&self, read_seq: i64) -> usize {
        self.entries.iter().filter(|e| !e.is_own() && e.seq.is_some_and(|s| s > read_seq)).count()
    }

    /// Shows a message the visitor just wrote (or one restored from the outbox).
    pub fn add_pending(&mut self, pending: &Pending) {
        if !self.entries.iter().any(|e| e.key == pending.client_message_id.as_str()) {
            self.entries.push(Entry::from_pending(pending));
        }
    }

    /// Adds a stored message in `seq` order, dropping duplicates and replacing the visitor's
    /// pending copy. A message of another conversation starts over: the old rows go.
    pub fn merge(&mut self, message: Message) -> Merge {
        if self.conversation_id != Some(message.conversation_id) {
            if self.conversation_id.is_some() {
                self.entries.retain(|e| e.seq.is_none());
            }
            self.conversation_id = Some(message.conversation_id);
        }
        if self.entries.iter().any(|e| e.id == Some(message.id)) {
            return Merge::Duplicate;
        }
        let confirmed = match (&message.client_message_id, message.author.kind) {
            (Some(cid), AuthorKind::Visitor) => self.take_pending(cid),
            _ => None,
        };
        let seq = message.seq;
        let stored = self.entries.iter().take_while(|e| e.seq.is_some()).count();
        let at = self.entries[..stored].partition_point(|e| e.seq.is_some_and(|s| s < seq));
        self.entries.insert(at, Entry::from_message(message));
        Merge::Added { confirmed }
    }

    /// Handles an `ack`: the stored message replaces the pending one named `client_message_id`.
    pub fn confirm(&mut self, client_message_id: &ClientMessageId, message: Message) {
        self.take_pending(client_message_id);
        self.merge(message);
    }

    /// Marks a pending message refused; `false` when there is no such pending message.
    pub fn fail(&mut self, client_message_id: &ClientMessageId, reason: String) -> bool {
        self.pending_mut(client_message_id)
            .map(|e| {
                e.delivery = Delivery::Failed;
                e.error = Some(reason);
            })
            .is_some()
    }

    /// Puts a failed message back to `Sending`.
    pub fn retry(&mut self, client_message_id: &ClientMessageId) -> bool {
        self.pending_mut(client_message_id)
            .map(|e| {
                e.delivery = Delivery::Sending;
                e.error = None;
            })
            .is_some()
    }

    /// Forgets the stored rows (a new session or conversation), keeping pending ones.
    pub fn reset(&mut self, conversation_id: Option<ConversationId>) {
        self.entries.retain(|e| e.seq.is_none());
        self.conversation_id = conversation_id;
    }

    fn take_pending(&mut self, cid: &ClientMessageId) -> Option<ClientMessageId> {
        let at = self.entries.iter().position(|e| e.seq.is_none() && e.client_message_id.as_ref() == Some(cid))?;
        self.entries.remove(at).client_message_id
    }

    fn pending_mut(&mut self, cid: &ClientMessageId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.seq.is_none() && e.client_message_id.as_ref() == Some(cid))
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
