//! What the client does with each [`ServerFrame`] (from a socket, or made up by the poller):
//! `ready` flushes the outbox, `ack` and `message` merge into the timeline (and empty the
//! outbox), `error` marks a message failed, `resync` refetches the conversation over REST;
//! `typing`, `read` and `conversation_status` go to [`super::activity`]; `token` grows a draft
//! of a streamed reply until its stored `message` replaces it (drafts are dropped on every new
//! link and on resync, since the stored reply comes through replay).

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{Author, AuthorKind, ClientMessageId, ConversationId, ErrorCode, Message};

use super::Client;
use crate::browser;
use crate::state::{Connection, Pending};
use crate::transport::http;

impl Client {
    pub(super) fn on_frame(&self, frame: ServerFrame) {
        match frame {
            ServerFrame::Ready { conversation_id, visitor_read_seq, agent_read_seq, .. } => {
                self.on_ready(conversation_id, visitor_read_seq, agent_read_seq);
            }
            ServerFrame::Ack { client_message_id, message } => {
                self.signals.timeline.update(|t| t.confirm(&client_message_id, message));
                self.inner.borrow_mut().stored.confirm(&client_message_id);
                self.after_messages();
            }
            ServerFrame::Message { message } => self.merge_messages(vec![message]),
            ServerFrame::Resync { conversation_id, .. } => self.resync(conversation_id),
            ServerFrame::Error { code, message, client_message_id: Some(id) } => {
                let reason = failure_text(code, &message);
                self.signals.timeline.update(|t| {
                    t.fail(&id, reason);
                });
                self.inner.borrow_mut().stored.outbox.mark_failed(&id);
                self.persist();
            }
            ServerFrame::Error { code, message, client_message_id: None } => {
                browser::warn(&format!("{code}: {message}"));
            }
            ServerFrame::Pong => {}
            ServerFrame::Typing { author, is_typing } => self.on_agent_typing(&author, is_typing),
            ServerFrame::Read { seq } => self.signals.agent_read_seq.update(|s| *s = (*s).max(seq)),
            ServerFrame::ConversationStatus { conversation_id, status } => self.on_status(conversation_id, status),
            ServerFrame::Token { conversation_id, client_message_id, author, delta } => {
                self.on_token(conversation_id, &client_message_id, author, &delta);
            }
            ServerFrame::Presence { online, agents } => self.set_presence(parlour_shared::session::Presence { online, agents }),
        }
    }

    /// Shows whether an agent is online (only a change notifies the UI: the poller repeats it).
    pub(super) fn set_presence(&self, presence: parlour_shared::session::Presence) {
        if self.signals.presence.with_untracked(|p| p.as_ref() != Some(&presence)) {
            self.signals.presence.set(Some(presence));
        }
    }

    /// Merges stored messages (replayed, live or fetched) and drops what they confirm from the
    /// outbox (the visitor's own messages, whichever tab sent them). A `Vec`, not any iterator:
    /// one copy of this code for live and fetched messages.
    fn merge_messages(&self, messages: Vec<Message>) {
        for message in messages {
            let own = message.author.kind == AuthorKind::Visitor;
            if !own {
                self.signals.agent_typing.set(None);
            }
            if let Some(id) = message.client_message_id.clone().filter(|_| own) {
                self.inner.borrow_mut().stored.confirm(&id);
            }
            if let Some(id) = message.client_message_id.as_ref().filter(|_| !own) {
                // The stored reply replaces its streamed draft.
                self.signals.drafts.maybe_update(|d| d.finish(id));
            }
            self.signals.timeline.update(|t| {
                t.merge(message);
            });
        }
        self.after_messages();
    }

    /// The server cannot replay what we missed: forget the cursor and read the conversation
    /// again from its start over REST (live frames keep coming meanwhile; merging dedupes).
    fn resync(&self, conversation_id: Option<ConversationId>) {
        self.signals.timeline.update(|t| t.reset(conversation_id));
        self.signals.drafts.maybe_update(crate::state::Drafts::clear);
        self.inner.borrow_mut().stored.last_seq = 0;
        self.persist();
        let token = self.inner.borrow().stored.session.as_ref().map(|s| s.token.clone());
        let (Some(conversation), Some(token)) = (conversation_id, token) else { return };
        let me = self.me.clone();
        spawn_local(async move {
            let mut after = 0;
            loop {
                let Some(base) = me.upgrade().map(|c| c.config.api_base.clone()) else { return };
                let page = http::conversation_messages(&base, &token, conversation, after).await;
                let Some(client) = me.upgrade().filter(|c| !c.stopped()) else { return };
                // On failure the next reconnect resumes from what we have (or resyncs again).
                let Ok(page) = page else { return };
                after = page.messages.iter().map(|m| m.seq).max().unwrap_or(after);
                let more = page.has_more && !page.messages.is_empty();
                client.merge_messages(page.messages);
                if !more {
                    return;
                }
            }
        });
    }

    fn on_ready(&self, conversation_id: Option<ConversationId>, visitor_read_seq: i64, agent_read_seq: i64) {
        // A new link: pieces sent meanwhile are lost, so drafts would have gaps; the stored
        // replies come through replay.
        self.signals.drafts.maybe_update(crate::state::Drafts::clear);
        let known = self.signals.timeline.with_untracked(|t| t.conversation_id());
        if known.is_some() && conversation_id != known {
            // The conversation changed while we were away (or was closed): our cursor means
            // nothing in the new one, so start again from its beginning.
            self.signals.timeline.update(|t| t.reset(conversation_id));
            self.signals.read_seq.set(0);
            self.forget_activity();
            let mut inner = self.inner.borrow_mut();
            inner.stored.last_seq = 0;
            inner.stored.read_seq = 0;
            inner.link = None;
            inner.heartbeat = None;
            inner.ticker = None;
            inner.phase = super::Phase::Idle;
            drop(inner);
            self.start();
            return;
        }
        let to_send: Vec<Pending> = {
            let mut inner = self.inner.borrow_mut();
            inner.ready = true;
            inner.backoff.reset();
            if inner.link.as_ref().is_some_and(|l| !l.is_polling()) {
                // A WebSocket works here (again).
                inner.ws_failures = 0;
                inner.probe_timer = None;
            }
            inner.read_sent = inner.read_sent.max(visitor_read_seq);
            if let Some(session) = inner.stored.session.as_mut() {
                session.conversation_id = conversation_id;
            }
            inner.stored.outbox.to_send().cloned().collect()
        };
        self.signals.agent_read_seq.update(|s| *s = (*s).max(agent_read_seq));
        self.persist();
        self.signals.connection.set(Connection::Online);
        for pending in &to_send {
            self.transmit(pending);
        }
        self.mark_read();
    }

    /// A piece of a streamed reply: grows its draft (unless the stored reply is already here or
    /// it belongs to another conversation) and hides "is typing", which the draft replaces.
    fn on_token(&self, conversation: ConversationId, id: &ClientMessageId, author: Author, delta: &str) {
        let stale = self.signals.timeline.with_untracked(|t| {
            t.conversation_id().is_some_and(|c| c != conversation)
                || t.entries().iter().any(|e| !e.is_own() && e.client_message_id.as_ref() == Some(id))
        });
        if stale {
            return;
        }
        let now = browser::now_ms();
        let mut grown = false;
        self.signals.drafts.maybe_update(|d| {
            grown = d.push(id, author, delta, now);
            grown
        });
        if !grown {
            return;
        }
        if self.signals.agent_typing.with_untracked(Option::is_some) {
            self.signals.agent_typing.set(None);
        }
        if self.inner.borrow().draft_timer.is_none() {
            self.expire_drafts_at(now + crate::state::drafts::DRAFT_TTL_MS);
        }
    }

    /// Drops drafts that fell idle, at `at` (Unix ms) and then as long as drafts are left.
    fn expire_drafts_at(&self, at: i64) {
        let wait = u32::try_from((at - browser::now_ms()).max(0)).unwrap_or(u32::MAX);
        let timer = self.after(wait, Client::expire_drafts);
        self.inner.borrow_mut().draft_timer = Some(timer);
    }

    /// The draft timer: drops the idle drafts and waits for the next to fall idle.
    fn expire_drafts(&self) {
        self.inner.borrow_mut().draft_timer = None;
        self.signals.drafts.maybe_update(|d| d.expire(browser::now_ms()));
        if let Some(next) = self.signals.drafts.with_untracked(crate::state::Drafts::next_expiry) {
            self.expire_drafts_at(next);
        }
    }

    /// Keeps the cursors and storage in step after messages arrived.
    fn after_messages(&self) {
        let (last, conversation) = self.signals.timeline.with_untracked(|t| (t.last_seq(), t.conversation_id()));
        let switched = {
            let mut inner = self.inner.borrow_mut();
            let before = inner.stored.session.as_ref().and_then(|s| s.conversation_id);
            let switched = conversation.is_some() && before.is_some() && conversation != before;
            inner.stored.last_seq = if switched { last } else { inner.stored.last_seq.max(last) };
            if let Some(session) = inner.stored.session.as_mut()
                && conversation.is_some()
            {
                session.conversation_id = conversation;
            }
            switched
        };
        if switched {
            // A message after `closed` started a new conversation.
            self.forget_activity();
        }
        self.persist();
        self.mark_read();
    }
}

/// Words for the visitor about a refused message.
fn failure_text(code: ErrorCode, message: &str) -> String {
    match code {
        ErrorCode::RateLimited => "Too many messages, wait a moment".to_owned(),
        ErrorCode::PayloadTooLarge => "Message too long".to_owned(),
        ErrorCode::InvalidRequest if !message.is_empty() => message.to_owned(),
        _ => "Not sent".to_owned(),
    }
}
