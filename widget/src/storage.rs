//! What the widget keeps in `localStorage["parlour:<projectId>"]`: the session (id, token, expiry,
//! WebSocket URL, conversation), the last seen `seq`, the read cursor and the outbox. Messages
//! themselves are not kept: the server replays them on every page load.

use parlour_shared::session::{InitSessionResponse, PreChat};
use parlour_shared::{ClientMessageId, ConversationId, ProjectId, SessionId};
#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;

use crate::state::{Outbox, Pending};

mod decode;

/// The storage key of a project's widget state.
#[must_use]
pub fn key(project_id: &ProjectId) -> String {
    format!("parlour:{project_id}")
}

/// A session the server gave out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct StoredSession {
    /// The session.
    pub session_id: SessionId,
    /// Its bearer token.
    pub token: String,
    /// When the token expires, Unix seconds.
    pub expires_at: i64,
    /// The WebSocket URL with `sessionId` and `token` (append `&after=`).
    pub ws_url: String,
    /// The open conversation, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// The project's look when the session started.
    #[serde(default)]
    pub look: Look,
}

/// The project's texts and colour, from the init answer (`uiHints`, `theme`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct Look {
    /// The panel title.
    pub title: String,
    /// The greeting shown above the conversation.
    pub welcome: String,
    /// The accent colour (sanitised before use).
    pub primary_color: String,
}

impl StoredSession {
    /// A token this close to expiry is not worth restoring (seconds).
    pub const EXPIRY_MARGIN_SECS: i64 = 60;

    /// The session an init answer describes.
    #[must_use]
    pub fn from_init(init: &InitSessionResponse) -> Self {
        Self {
            session_id: init.session_id,
            token: init.session_token.clone(),
            expires_at: init.session_expires_at,
            ws_url: init.chat.ws_url.clone(),
            conversation_id: init.conversation_id,
            look: Look {
                title: init.ui_hints.widget_title.clone(),
                welcome: init.ui_hints.welcome_message.clone(),
                primary_color: init.theme.primary_color.clone(),
            },
        }
    }

    /// Whether the token is still good at `now_secs` (with [`Self::EXPIRY_MARGIN_SECS`] to spare).
    #[must_use]
    pub const fn is_fresh(&self, now_secs: i64) -> bool {
        self.expires_at - Self::EXPIRY_MARGIN_SECS > now_secs
    }

    /// The socket URL that resumes `conversation` after `seq` (the server replays what follows,
    /// or answers `resync` when it cannot).
    #[must_use]
    pub fn ws_url_resume(&self, conversation: Option<ConversationId>, seq: i64) -> String {
        let sep = if self.ws_url.contains('?') { '&' } else { '?' };
        match conversation {
            Some(id) => format!("{}{sep}conversationId={id}&after={}", self.ws_url, seq.max(0)),
            None => format!("{}{sep}after=0", self.ws_url),
        }
    }
}

/// Everything stored for one project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    /// The session, if one was started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<StoredSession>,
    /// The highest `seq` received.
    #[serde(default)]
    pub last_seq: i64,
    /// The highest `seq` the visitor saw with the panel open (for the unread badge).
    #[serde(default)]
    pub read_seq: i64,
    /// Messages not acknowledged yet.
    #[serde(default)]
    pub outbox: Outbox,
    /// The ids of the latest messages the server acknowledged, so a tab that still holds one in
    /// its outbox does not write it back (see [`Stored::absorb`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delivered: Vec<ClientMessageId>,
    /// The project's pre-chat form, from the latest session init (absent: no form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_chat: Option<PreChat>,
    /// The session whose visitor sent the pre-chat form (it is not shown again for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_for: Option<SessionId>,
    /// The email the server has for this session (left on the away card), so the visitor is
    /// not asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Stored {
    /// Reads stored JSON; anything unreadable (another version, a hand edit) counts as nothing.
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        raw.and_then(crate::json::from_str).unwrap_or_default()
    }

    /// The stored session if its token is still fresh at `now_secs`.
    #[must_use]
    pub fn fresh_session(&self, now_secs: i64) -> Option<&StoredSession> {
        self.session.as_ref().filter(|s| s.is_fresh(now_secs))
    }

    /// How many acknowledged ids [`Stored::delivered`] remembers.
    pub const MAX_DELIVERED: usize = 100;

    /// The server stored the message `id`: it leaves the outbox for good (in every tab).
    pub fn confirm(&mut self, id: &ClientMessageId) -> bool {
        if !self.delivered.contains(id) {
            self.delivered.push(id.clone());
            if self.delivered.len() > Self::MAX_DELIVERED {
                self.delivered.remove(0);
            }
        }
        self.outbox.remove(id)
    }

    /// Merges what another tab of the same site wrote (`disk`, read just before this tab writes),
    /// so neither clobbers the other: the outboxes are united minus what either knows was
    /// delivered; cursors move forward when both speak of the same session. Returns the messages
    /// adopted from the other tab (to show them as *sending* here too).
    pub fn absorb(&mut self, disk: &Stored) -> Vec<Pending> {
        for id in &disk.delivered {
            if !self.delivered.contains(id) {
                self.delivered.push(id.clone());
            }
        }
        let extra = self.delivered.len().saturating_sub(Self::MAX_DELIVERED);
        self.delivered.drain(..extra);
        let delivered = self.delivered.clone();
        for id in &delivered {
            self.outbox.remove(id);
        }
        let adopted = self.outbox.adopt(&disk.outbox, |id| delivered.contains(id));
        let same_session = matches!((&self.session, &disk.session), (Some(a), Some(b)) if a.session_id == b.session_id);
        if same_session {
            self.read_seq = self.read_seq.max(disk.read_seq);
            // The form was sent in another tab.
            self.contact_for = self.contact_for.or(disk.contact_for);
            if self.email.is_none() {
                self.email.clone_from(&disk.email);
            }
        }
        adopted
    }

    /// The pre-chat form to show now, without the fields `given(key)` says the host page
    /// already supplied (`boot({name, email})`): only while the session has no conversation yet
    /// and its visitor has not sent the form; `None` when nothing is left to ask.
    #[must_use]
    pub fn pending_form(&self, given: impl Fn(&str) -> bool) -> Option<PreChat> {
        let session = self.session.as_ref()?;
        let fresh = session.conversation_id.is_none() && self.last_seq == 0 && self.outbox.is_empty();
        if !fresh || self.contact_for == Some(session.session_id) {
            return None;
        }
        let mut form = self.pre_chat.clone()?;
        form.fields.retain(|field| !given(&field.key));
        (form.enabled && !form.fields.is_empty()).then_some(form)
    }

    /// Forgets the session and its cursors (the server no longer knows it); the outbox stays, to
    /// be sent in the new session.
    pub fn forget_session(&mut self) {
        self.session = None;
        self.email = None;
        self.last_seq = 0;
        self.read_seq = 0;
    }
}

/// `localStorage`, when the page allows it (sandboxed frames and some private modes do not:
/// then the widget still works, it just forgets on reload).
#[cfg(target_arch = "wasm32")]
pub mod browser {
    use super::Stored;

    fn local_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// Reads the state stored under `key`.
    #[must_use]
    pub fn load(key: &str) -> Stored {
        let raw = local_storage().and_then(|s| s.get_item(key).ok().flatten());
        Stored::parse(raw.as_deref())
    }

    /// Writes `stored` under `key` (quietly does nothing when storage is unavailable or full).
    pub fn save(key: &str, stored: &Stored) {
        if let (Some(storage), Ok(json)) = (local_storage(), crate::json::to_string(stored).ok_or(())) {
            let _ = storage.set_item(key, &json);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::outbox::pending;
    use uuid::Uuid;

    fn session(expires_at: i64) -> StoredSession {
        StoredSession {
            session_id: SessionId(Uuid::from_u128(1)),
            token: "t".into(),
            expires_at,
            ws_url: "ws://h/ws/chat?sessionId=s&token=t".into(),
            conversation_id: None,
            look: Look::default(),
        }
    }

    #[test]
    fn the_pre_chat_form_shows_until_sent_and_skips_what_the_host_gave() {
        use parlour_shared::session::{FieldKind, PreChatField};
        let field = |key: &str| PreChatField { key: key.into(), label: key.into(), kind: FieldKind::Text, required: true };
        let form = PreChat { enabled: true, fields: vec![field("name"), field("order")] };
        let mut stored = Stored { session: Some(session(5)), pre_chat: Some(form.clone()), ..Stored::default() };
        assert_eq!(stored.pending_form(|_| false), Some(form.clone()));
        let shown = stored.pending_form(|key| key == "name").unwrap();
        assert_eq!(shown.fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["order"]);
        assert_eq!(stored.pending_form(|_| true), None, "nothing left to ask");
        stored.last_seq = 1;
        assert_eq!(stored.pending_form(|_| false), None, "a conversation is under way");
        stored.last_seq = 0;
        stored.contact_for = Some(SessionId(Uuid::from_u128(1)));
        assert_eq!(stored.pending_form(|_| false), None, "sent for this session");
        stored.contact_for = Some(SessionId(Uuid::from_u128(9)));
        assert!(stored.pending_form(|_| false).is_some(), "sent for an older session only");
        let text = crate::json::to_string(&stored).unwrap();
        assert_eq!(Stored::parse(Some(&text)), stored, "kept across reloads");
        stored.pre_chat = Some(PreChat { enabled: false, ..form });
        assert_eq!(stored.pending_form(|_| false), None);
    }

    #[test]
    fn the_key_names_the_project() {
        assert_eq!(key(&ProjectId::parse("demo").unwrap()), "parlour:demo");
    }

    #[test]
    fn expired_or_nearly_expired_sessions_are_not_restored() {
        let stored = Stored { session: Some(session(1_000)), ..Stored::default() };
        assert!(stored.fresh_session(900).is_some());
        assert!(stored.fresh_session(940).is_none());
        assert!(stored.fresh_session(2_000).is_none());
    }

    #[test]
    fn the_socket_url_carries_the_cursor() {
        let conversation = Some(ConversationId(Uuid::from_u128(2)));
        assert_eq!(
            session(0).ws_url_resume(conversation, 12),
            "ws://h/ws/chat?sessionId=s&token=t&conversationId=00000000-0000-0000-0000-000000000002&after=12"
        );
        assert_eq!(session(0).ws_url_resume(None, 12), "ws://h/ws/chat?sessionId=s&token=t&after=0");
        let bare = StoredSession { ws_url: "ws://h/ws/chat".into(), ..session(0) };
        assert!(bare.ws_url_resume(conversation, -3).ends_with("?conversationId=00000000-0000-0000-0000-000000000002&after=0"));
    }

    #[test]
    fn stored_state_round_trips_and_garbage_reads_as_empty() {
        let mut stored = Stored { session: Some(session(5)), last_seq: 4, read_seq: 3, ..Stored::default() };
        stored.outbox.push(pending("c1", "hi"));
        let json = serde_json::to_string(&stored).unwrap();
        assert!(json.contains("\"lastSeq\":4") && json.contains("\"wsUrl\""));
        assert_eq!(Stored::parse(Some(&json)), stored);
        assert_eq!(Stored::parse(Some("{not json")), Stored::default());
        assert_eq!(Stored::parse(None), Stored::default());
    }

    #[test]
    fn two_tabs_writing_in_turn_keep_both_outboxes_and_drop_what_was_delivered() {
        let mut tab_a = Stored { session: Some(session(5)), ..Stored::default() };
        let mut tab_b = tab_a.clone();
        tab_a.outbox.push(pending("a1", "from a"));
        tab_b.outbox.push(pending("b1", "from b"));
        // A writes first; B reads it back before writing: both survive.
        let disk = tab_a.clone();
        let adopted = tab_b.absorb(&disk);
        assert_eq!(adopted.len(), 1);
        assert_eq!(tab_b.outbox.iter().count(), 2);
        // B's message is acknowledged; A (still holding nothing of B's) writes next.
        assert!(tab_b.confirm(&ClientMessageId::parse("b1").unwrap()));
        let disk = tab_b.clone();
        tab_a.absorb(&disk);
        let ids: Vec<&str> = tab_a.outbox.iter().map(|p| p.client_message_id.as_str()).collect();
        assert_eq!(ids, ["a1"]);
        // A tab that adopted b1 earlier drops it once it reads that b1 was delivered.
        let mut tab_c = Stored::default();
        tab_c.outbox.push(pending("b1", "from b"));
        tab_c.absorb(&tab_b);
        let ids: Vec<&str> = tab_c.outbox.iter().map(|p| p.client_message_id.as_str()).collect();
        assert_eq!(ids, ["a1"]);
    }

    #[test]
    fn delivered_ids_are_bounded() {
        let mut stored = Stored::default();
        for i in 0..(Stored::MAX_DELIVERED + 3) {
            stored.confirm(&ClientMessageId::parse(format!("m{i}")).unwrap());
        }
        assert_eq!(stored.delivered.len(), Stored::MAX_DELIVERED);
        assert_eq!(stored.delivered[0].as_str(), "m3");
    }

    #[test]
    fn forgetting_the_session_keeps_the_outbox() {
        let mut stored = Stored { session: Some(session(5)), last_seq: 4, read_seq: 4, ..Stored::default() };
        stored.outbox.push(pending("c1", "hi"));
        stored.forget_session();
        assert_eq!((stored.session.clone(), stored.last_seq, stored.read_seq), (None, 0, 0));
        assert!(!stored.outbox.is_empty());
    }
}
