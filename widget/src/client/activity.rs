//! Typing indicators, read receipts and the conversation's status, both ways: the composer's
//! keystrokes become `typing` (throttled, stopped after a pause or on send), messages shown with
//! the panel open in a visible tab become `read {seq}`; an agent's `typing`, `read` and
//! `conversation_status` become the signals the timeline shows.

use leptos::prelude::*;
use parlour_shared::ws::ClientFrame;
use parlour_shared::{Author, AuthorKind, ConversationId, ConversationStatus};

use super::listen::hidden;
use super::Client;
use crate::browser;
use crate::state::typing::IDLE_MS;
use crate::state::Timeline;

/// An agent's "typing" fades after this long without news (a lost `false`), ms.
const AGENT_TYPING_TTL_MS: u32 = 8_000;

impl Client {
    /// The visitor typed in the composer.
    pub fn typing_input(&self) {
        let now = browser::now_ms();
        let announce = self.inner.borrow_mut().typing.input(now);
        if let Some(is_typing) = announce {
            self.send_frame(&ClientFrame::Typing { is_typing });
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let timer = self.after(IDLE_MS as u32, Client::typing_paused);
        self.inner.borrow_mut().typing_timer = Some(timer);
    }

    /// The visitor paused typing: say they stopped, if the throttle says so.
    fn typing_paused(&self) {
        let stop = self.inner.borrow_mut().typing.idle(browser::now_ms());
        if let Some(is_typing) = stop {
            self.send_frame(&ClientFrame::Typing { is_typing });
        }
    }

    /// The visitor sent their message: typing is over.
    pub(super) fn stop_typing(&self) {
        let stop = {
            let mut inner = self.inner.borrow_mut();
            inner.typing_timer = None;
            inner.typing.sent()
        };
        if let Some(is_typing) = stop {
            self.send_frame(&ClientFrame::Typing { is_typing });
        }
    }

    /// Moves the read cursor to the newest message when the panel is open in a visible tab, and
    /// tells the server when that shows agent messages it has not heard were read.
    pub(super) fn mark_read(&self) {
        if !self.signals.open.get_untracked() || hidden() {
            return;
        }
        let last = self.signals.timeline.with_untracked(Timeline::last_seq);
        if last > self.signals.read_seq.get_untracked() {
            self.signals.read_seq.set(last);
            self.inner.borrow_mut().stored.read_seq = last;
            self.persist();
        }
        let sent = self.inner.borrow().read_sent;
        let news = self.signals.timeline.with_untracked(|t| t.unread_after(sent) > 0);
        if last > sent && news && self.send_frame(&ClientFrame::Read { seq: last }) {
            self.inner.borrow_mut().read_sent = last;
        }
    }

    pub(super) fn on_agent_typing(&self, author: &Author, is_typing: bool) {
        if author.kind == AuthorKind::Visitor {
            return;
        }
        let name = author.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "Agent".to_owned());
        self.signals.agent_typing.set(is_typing.then_some(name));
        let timer = is_typing.then(|| self.after(AGENT_TYPING_TTL_MS, |client| client.signals.agent_typing.set(None)));
        self.inner.borrow_mut().agent_typing_timer = timer;
    }

    pub(super) fn on_status(&self, conversation: ConversationId, status: ConversationStatus) {
        let current = self.signals.timeline.with_untracked(Timeline::conversation_id);
        if current.is_some_and(|c| c != conversation) {
            return;
        }
        let closed = status == ConversationStatus::Closed;
        self.signals.closed.set(closed);
        if closed {
            self.signals.agent_typing.set(None);
        }
    }

    /// A new conversation: nobody typing, nothing read, not closed.
    pub(super) fn forget_activity(&self) {
        self.signals.agent_typing.set(None);
        self.signals.agent_read_seq.set(0);
        self.signals.closed.set(false);
        self.inner.borrow_mut().read_sent = 0;
    }
}
