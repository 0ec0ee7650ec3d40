//! Replies being streamed in (`token` frames), before their stored message arrives: per stream
//! (`clientMessageId`) who writes and the text so far. Bounded (a few drafts, a few KiB each),
//! dropped on reconnect or resync (the stored reply comes through replay), when the stored reply
//! arrives, and after [`DRAFT_TTL_MS`] without a piece. A stream that was dropped or finished is
//! remembered, so a late piece never brings its draft back.

use parlour_shared::{Author, ClientMessageId};

/// Drafts shown at once; a new stream beyond this drops the one idle longest.
pub const MAX_DRAFTS: usize = 4;
/// The most text one draft holds, in bytes; further pieces are ignored until the reply arrives.
pub const MAX_DRAFT_BYTES: usize = 32 * 1024;
/// A draft with no new piece for this long (milliseconds) is dropped.
pub const DRAFT_TTL_MS: i64 = 30_000;
/// How many ended streams are remembered.
const MAX_ENDED: usize = 16;

/// One reply being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The stream: the id the stored reply will carry.
    pub client_message_id: ClientMessageId,
    /// Who writes it.
    pub author: Author,
    /// The text so far.
    pub text: String,
    /// When the last piece arrived, Unix milliseconds.
    pub updated_at: i64,
}

/// The drafts, oldest stream first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drafts {
    drafts: Vec<Draft>,
    ended: Vec<ClientMessageId>,
}

impl Drafts {
    /// The drafts, in the order their streams started.
    #[must_use]
    pub fn drafts(&self) -> &[Draft] {
        &self.drafts
    }

    /// The text so far of the stream `id`.
    #[must_use]
    pub fn text(&self, id: &ClientMessageId) -> Option<&str> {
        self.drafts.iter().find(|d| &d.client_message_id == id).map(|d| d.text.as_str())
    }

    /// Appends a piece to the stream `id` (starting its draft); `false` when nothing changed (an
    /// ended stream, or a full draft).
    pub fn push(&mut self, id: &ClientMessageId, author: Author, delta: &str, now: i64) -> bool {
        if self.ended.contains(id) || delta.is_empty() {
            return false;
        }
        let at = match self.drafts.iter().position(|d| &d.client_message_id == id) {
            Some(at) => at,
            None => {
                if self.drafts.len() >= MAX_DRAFTS
                    && let Some(idle) = self.drafts.iter().enumerate().min_by_key(|(_, d)| d.updated_at).map(|(i, _)| i)
                {
                    let gone = self.drafts.remove(idle).client_message_id;
                    self.remember(gone);
                }
                self.drafts.push(Draft { client_message_id: id.clone(), author, text: String::new(), updated_at: now });
                self.drafts.len() - 1
            }
        };
        let draft = &mut self.drafts[at];
        if draft.text.len() + delta.len() > MAX_DRAFT_BYTES {
            return false;
        }
        draft.text.push_str(delta);
        draft.updated_at = now;
        true
    }

    /// The stored reply of stream `id` arrived: its draft goes; `true` if there was one.
    pub fn finish(&mut self, id: &ClientMessageId) -> bool {
        let before = self.drafts.len();
        self.drafts.retain(|d| &d.client_message_id != id);
        if !self.ended.contains(id) {
            self.remember(id.clone());
        }
        self.drafts.len() != before
    }

    /// Drops every draft (a reconnect or resync); `true` if there was one.
    pub fn clear(&mut self) -> bool {
        let drafts = std::mem::take(&mut self.drafts);
        let had = !drafts.is_empty();
        for draft in drafts {
            self.remember(draft.client_message_id);
        }
        had
    }

    /// Drops the drafts idle for [`DRAFT_TTL_MS`] at `now`; `true` if one went.
    pub fn expire(&mut self, now: i64) -> bool {
        let (keep, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.drafts).into_iter().partition(|d| now - d.updated_at < DRAFT_TTL_MS);
        self.drafts = keep;
        let had = !gone.is_empty();
        for draft in gone {
            self.remember(draft.client_message_id);
        }
        had
    }

    /// When the next draft falls idle (Unix ms), if any is left.
    #[must_use]
    pub fn next_expiry(&self) -> Option<i64> {
        self.drafts.iter().map(|d| d.updated_at + DRAFT_TTL_MS).min()
    }

    fn remember(&mut self, id: ClientMessageId) {
        if self.ended.len() >= MAX_ENDED {
            self.ended.remove(0);
        }
        self.ended.push(id);
    }
}

#[cfg(test)]
mod tests {
    use parlour_shared::AuthorKind;

    use super::*;

    fn id(raw: &str) -> ClientMessageId {
        ClientMessageId::parse(raw).unwrap()
    }

    fn bot() -> Author {
        Author { kind: AuthorKind::Assistant, name: Some("Bot".into()) }
    }

    #[test]
    fn pieces_grow_their_stream_in_order() {
        let mut drafts = Drafts::default();
        assert!(drafts.push(&id("s1"), bot(), "Hel", 1));
        assert!(drafts.push(&id("s2"), bot(), "Other", 2));
        assert!(drafts.push(&id("s1"), bot(), "lo", 3));
        assert_eq!(drafts.text(&id("s1")), Some("Hello"));
        assert_eq!(drafts.drafts().iter().map(|d| d.text.as_str()).collect::<Vec<_>>(), ["Hello", "Other"]);
        assert_eq!(drafts.drafts()[0].author, bot());
    }

    #[test]
    fn the_stored_reply_replaces_its_draft_and_late_pieces_are_ignored() {
        let mut drafts = Drafts::default();
        drafts.push(&id("s1"), bot(), "Hi", 1);
        assert!(drafts.finish(&id("s1")));
        assert!(drafts.drafts().is_empty());
        assert!(!drafts.push(&id("s1"), bot(), " there", 2), "a late piece does not bring the draft back");
        assert!(!drafts.finish(&id("s2")), "a reply that was never streamed has no draft");
    }

    #[test]
    fn a_reconnect_drops_every_draft_for_good() {
        let mut drafts = Drafts::default();
        drafts.push(&id("s1"), bot(), "Hi", 1);
        assert!(drafts.clear());
        assert!(!drafts.clear());
        assert!(!drafts.push(&id("s1"), bot(), "tail", 2), "the rest of a dropped stream would be a fragment");
        assert!(drafts.push(&id("s2"), bot(), "new", 3));
    }

    #[test]
    fn an_idle_draft_expires_after_30_seconds() {
        let mut drafts = Drafts::default();
        drafts.push(&id("s1"), bot(), "a", 0);
        drafts.push(&id("s2"), bot(), "b", 10_000);
        assert_eq!(drafts.next_expiry(), Some(DRAFT_TTL_MS));
        assert!(!drafts.expire(DRAFT_TTL_MS - 1));
        assert!(drafts.expire(DRAFT_TTL_MS));
        assert_eq!(drafts.drafts().len(), 1);
        assert_eq!(drafts.next_expiry(), Some(10_000 + DRAFT_TTL_MS));
        assert!(!drafts.push(&id("s1"), bot(), "c", DRAFT_TTL_MS + 1));
    }

    #[test]
    fn drafts_stay_bounded_in_number_and_size() {
        let mut drafts = Drafts::default();
        for i in 0..=MAX_DRAFTS {
            drafts.push(&id(&format!("s{i}")), bot(), "x", i64::try_from(i).unwrap());
        }
        assert_eq!(drafts.drafts().len(), MAX_DRAFTS);
        assert_eq!(drafts.text(&id("s0")), None, "the longest idle stream made room");
        let big = "y".repeat(MAX_DRAFT_BYTES);
        assert!(!drafts.push(&id("s1"), bot(), &big, 9));
        assert_eq!(drafts.text(&id("s1")), Some("x"));
        for i in 0..100 {
            drafts.finish(&id(&format!("e{i}")));
        }
        assert_eq!(drafts.ended.len(), MAX_ENDED);
        assert!(!drafts.push(&id("s2"), bot(), "", 10), "an empty piece changes nothing");
    }
}
