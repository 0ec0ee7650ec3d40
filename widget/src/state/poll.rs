//! The polling transport's plain logic: how often to poll ([`Pace`]) and where the poller stands
//! in the conversation ([`PollCursor`]), turning each fetched page into the same
//! [`ServerFrame`]s a WebSocket would have sent, so the client handles both alike.

use parlour_shared::rest::ConversationMessages;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{ConversationId, ConversationStatus, Message};

/// The poll period while the visitor is looking or a send is pending, in ms.
pub const FAST_MS: u32 = 1_500;
/// The poll period otherwise (panel closed, nothing to send), in ms.
pub const SLOW_MS: u32 = 10_000;

/// What decides the poll period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pace {
    /// The panel is open.
    pub open: bool,
    /// Messages wait in the outbox.
    pub pending: bool,
    /// The tab is hidden.
    pub hidden: bool,
}

impl Pace {
    /// The delay before the next poll; `None` while the tab is hidden (polling pauses and
    /// resumes on `visibilitychange`).
    #[must_use]
    pub const fn delay_ms(self) -> Option<u32> {
        if self.hidden {
            None
        } else if self.open || self.pending {
            Some(FAST_MS)
        } else {
            Some(SLOW_MS)
        }
    }
}

/// The poller's place in the visitor's current conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollCursor {
    conversation: Option<ConversationId>,
    after: i64,
    status: Option<ConversationStatus>,
    agent_read: i64,
}

impl PollCursor {
    /// A cursor after `after` in `conversation` (`None`: not known yet).
    #[must_use]
    pub fn new(conversation: Option<ConversationId>, after: i64) -> Self {
        Self { conversation, after: if conversation.is_some() { after.max(0) } else { 0 }, ..Self::default() }
    }

    /// The conversation being polled.
    #[must_use]
    pub const fn conversation(&self) -> Option<ConversationId> {
        self.conversation
    }

    /// The `after=` of the next fetch.
    #[must_use]
    pub const fn after(&self) -> i64 {
        self.after
    }

    /// Whether the last page said the conversation is closed.
    #[must_use]
    pub fn closed(&self) -> bool {
        self.status == Some(ConversationStatus::Closed)
    }

    /// Follows the conversation a stored message belongs to (a send after `closed` starts a new
    /// one, `seq` 1 again); the next fetch reads it from its start (merging dedupes).
    pub fn follow(&mut self, message: &Message) {
        self.switch_to(message.conversation_id);
    }

    /// Polls `conversation` from its start when it is not the one polled now.
    pub fn switch_to(&mut self, conversation: ConversationId) {
        if self.conversation != Some(conversation) {
            *self = Self { conversation: Some(conversation), ..Self::default() };
        }
    }

    /// Takes a fetched page: returns the frames to hand to the client and whether to fetch again
    /// at once (more pages, or a resync from the start). A page of another conversation (a
    /// fetch that raced a switch) is ignored.
    pub fn apply(&mut self, page: ConversationMessages) -> (Vec<ServerFrame>, bool) {
        if self.conversation != Some(page.conversation_id) {
            return (Vec::new(), false);
        }
        let mut frames = Vec::new();
        if page.resync {
            // Our cursor is from history this server does not hold: start over.
            self.after = 0;
            frames.push(ServerFrame::Resync { conversation_id: Some(page.conversation_id), last_seq: page.last_seq });
            return (frames, true);
        }
        let more = page.has_more && !page.messages.is_empty();
        for message in page.messages {
            self.after = self.after.max(message.seq);
            frames.push(ServerFrame::Message { message });
        }
        if self.status != Some(page.status) {
            self.status = Some(page.status);
            frames.push(ServerFrame::ConversationStatus { conversation_id: page.conversation_id, status: page.status });
        }
        if page.agent_read_seq > self.agent_read {
            self.agent_read = page.agent_read_seq;
            frames.push(ServerFrame::Read { seq: page.agent_read_seq });
        }
        (frames, more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlour_shared::{Author, AuthorKind, MessageId};
    use uuid::Uuid;

    fn conv(n: u128) -> ConversationId {
        ConversationId(Uuid::from_u128(n))
    }

    fn message(c: u128, seq: i64) -> Message {
        Message {
            id: MessageId(Uuid::from_u128(100 + seq as u128)),
            conversation_id: conv(c),
            seq,
            client_message_id: None,
            author: Author { kind: AuthorKind::Agent, name: None },
            body: "x".into(),
            created_at: 0,
            attachments: Vec::new(),
        }
    }

    fn page(c: u128, seqs: &[i64], has_more: bool) -> ConversationMessages {
        ConversationMessages {
            conversation_id: conv(c),
            status: ConversationStatus::Open,
            messages: seqs.iter().map(|s| message(c, *s)).collect(),
            has_more,
            last_seq: seqs.last().copied().unwrap_or(0),
            resync: false,
            visitor_read_seq: 0,
            agent_read_seq: 0,
        }
    }

    #[test]
    fn polling_is_fast_while_looking_or_sending_slow_otherwise_and_paused_when_hidden() {
        assert_eq!(Pace { open: true, ..Pace::default() }.delay_ms(), Some(FAST_MS));
        assert_eq!(Pace { pending: true, ..Pace::default() }.delay_ms(), Some(FAST_MS));
        assert_eq!(Pace::default().delay_ms(), Some(SLOW_MS));
        assert_eq!(Pace { open: true, pending: true, hidden: true }.delay_ms(), None);
    }

    #[test]
    fn pages_move_the_cursor_and_become_frames() {
        let mut cursor = PollCursor::new(Some(conv(1)), 2);
        let (frames, again) = cursor.apply(page(1, &[3, 4], true));
        assert!(again);
        assert_eq!(cursor.after(), 4);
        assert!(matches!(frames[0], ServerFrame::Message { .. }));
        assert!(matches!(frames[2], ServerFrame::ConversationStatus { status: ConversationStatus::Open, .. }));
        let (frames, again) = cursor.apply(page(1, &[], false));
        assert!(!again);
        assert!(frames.is_empty(), "nothing new, status unchanged: {frames:?}");
        assert_eq!(cursor.after(), 4);
    }

    #[test]
    fn status_and_read_changes_are_reported_once() {
        let mut cursor = PollCursor::new(Some(conv(1)), 0);
        cursor.apply(page(1, &[], false));
        let closed = ConversationMessages { status: ConversationStatus::Closed, agent_read_seq: 3, ..page(1, &[], false) };
        let (frames, _) = cursor.apply(closed.clone());
        assert_eq!(
            frames,
            vec![
                ServerFrame::ConversationStatus { conversation_id: conv(1), status: ConversationStatus::Closed },
                ServerFrame::Read { seq: 3 },
            ]
        );
        assert!(cursor.apply(closed).0.is_empty());
    }

    #[test]
    fn a_resync_starts_over_and_a_stale_page_is_ignored() {
        let mut cursor = PollCursor::new(Some(conv(1)), 9);
        let (frames, again) = cursor.apply(ConversationMessages { resync: true, ..page(1, &[], false) });
        assert!(again);
        assert_eq!(cursor.after(), 0);
        assert!(matches!(frames[0], ServerFrame::Resync { .. }));
        assert_eq!(cursor.apply(page(2, &[1], false)), (Vec::new(), false));
        assert_eq!(cursor.after(), 0);
    }

    #[test]
    fn a_message_in_a_new_conversation_moves_the_cursor_there() {
        let mut cursor = PollCursor::new(Some(conv(1)), 5);
        cursor.follow(&message(1, 6));
        assert_eq!((cursor.conversation(), cursor.after()), (Some(conv(1)), 5));
        cursor.follow(&message(2, 1));
        assert_eq!((cursor.conversation(), cursor.after()), (Some(conv(2)), 0));
        assert_eq!(PollCursor::new(None, 7).after(), 0);
    }
}
