//! Getting and keeping a live connection: restore the stored session (or start one), open the
//! socket after the last seen `seq`, and on any loss retry with backoff (at once when the browser
//! comes back `online`).

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::session::InitSessionRequest;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Event;

use super::{Client, Phase};
use crate::browser;
use crate::state::Connection;
use crate::storage::StoredSession;
use crate::transport::http::{self, HttpError};
use crate::transport::socket::{Socket, SocketEvent};

impl Client {
    /// Starts connecting unless already connected, connecting or stopped.
    pub fn start(&self) {
        self.listen_online();
        let mut inner = self.inner.borrow_mut();
        match inner.phase {
            Phase::Idle => {}
            // The visitor is waiting for something: do not make them wait for the timer.
            Phase::Waiting => inner.retry_timer = None,
            Phase::Establishing | Phase::Connected | Phase::Stopped => return,
        }
        inner.phase = Phase::Establishing;
        drop(inner);
        if self.signals.connection.with_untracked(|c| *c == Connection::Idle) {
            self.signals.connection.set(Connection::Connecting);
        }
        let me = self.me.clone();
        spawn_local(async move {
            if let Some(client) = me.upgrade() {
                client.establish().await;
            }
        });
    }

    async fn establish(self: Rc<Self>) {
        let session = match self.ensure_session().await {
            Ok(session) => session,
            Err(err) if err.is_permanent() => {
                if !self.stopped() {
                    browser::warn(&err.describe());
                    self.inner.borrow_mut().phase = Phase::Idle;
                    self.signals.connection.set(Connection::Unavailable(err.describe()));
                }
                return;
            }
            Err(_) => return self.schedule_retry(),
        };
        if self.stopped() {
            return;
        }
        let (conversation, after) = self.signals.timeline.with_untracked(|t| (t.conversation_id(), t.last_seq()));
        let me = self.me.clone();
        let opened = Socket::connect(&session.ws_url_resume(conversation, after), move |event| {
            if let Some(client) = me.upgrade() {
                client.on_socket_event(event);
            }
        });
        match opened {
            Ok(socket) => {
                let mut inner = self.inner.borrow_mut();
                inner.socket = Some(socket);
                inner.ready = false;
                inner.phase = Phase::Connected;
            }
            Err(_) => self.schedule_retry(),
        }
    }

    /// The session to connect with: the stored one if the server still accepts it, else a new one.
    async fn ensure_session(&self) -> Result<StoredSession, HttpError> {
        let (fresh, validated) = {
            let inner = self.inner.borrow();
            (inner.stored.fresh_session(browser::now_secs()).cloned(), inner.validated)
        };
        if let Some(session) = fresh {
            if validated {
                return Ok(session);
            }
            match http::session_status(&self.config.api_base, &session.token).await {
                Ok(_) => {
                    self.inner.borrow_mut().validated = true;
                    return Ok(session);
                }
                Err(err) if err.is_unauthorized() => {}
                Err(err) => return Err(err),
            }
        }
        if self.stopped() {
            return Err(HttpError::Network);
        }
        // No session, an expired one, or one the server forgot: start over (the outbox stays).
        if self.inner.borrow().stored.session.is_some() {
            self.inner.borrow_mut().stored.forget_session();
            self.signals.timeline.update(|t| t.reset(None));
            self.signals.read_seq.set(0);
        }
        let init = http::init_session(&self.config.api_base, &self.init_request()).await?;
        if self.stopped() {
            return Err(HttpError::Network);
        }
        let session = StoredSession::from_init(&init);
        {
            let mut inner = self.inner.borrow_mut();
            inner.stored.session = Some(session.clone());
            inner.validated = true;
        }
        self.signals.look.set(session.look.clone());
        self.persist();
        Ok(session)
    }

    fn init_request(&self) -> InitSessionRequest {
        let (user_agent, locale) = browser::user_agent_and_locale();
        InitSessionRequest {
            project_id: self.config.project_id.clone(),
            widget_instance_id: self.inner.borrow().instance_id.clone(),
            external_user_id: None,
            page_url: browser::page_url(),
            host_origin: Some(browser::page_origin()),
            user_agent,
            locale,
            user_jwt: None,
            user_hash: None,
            honeypot: None,
        }
    }

    pub(super) fn on_socket_event(&self, event: SocketEvent) {
        if self.stopped() {
            return;
        }
        match event {
            SocketEvent::Frame(frame) => self.on_frame(frame),
            SocketEvent::Closed { code } => self.on_closed(code),
        }
    }

    fn on_closed(&self, code: u16) {
        {
            let mut inner = self.inner.borrow_mut();
            // A handshake refused before `ready` may mean the token is no longer valid (a browser
            // cannot read the status): check the session again before the next socket.
            if !inner.ready || code == 4401 {
                inner.validated = false;
            }
            inner.socket = None;
            inner.ping = None;
            inner.ready = false;
        }
        self.schedule_retry();
    }

    /// Waits (backoff with jitter), then tries again.
    pub(super) fn schedule_retry(&self) {
        let mut inner = self.inner.borrow_mut();
        if inner.phase == Phase::Stopped {
            return;
        }
        let delay = inner.backoff.next_delay(browser::random());
        let me = self.me.clone();
        inner.phase = Phase::Waiting;
        inner.retry_timer = Some(Timeout::new(delay, move || {
            if let Some(client) = me.upgrade() {
                client.start();
            }
        }));
        drop(inner);
        self.signals.connection.set(Connection::Reconnecting);
    }

    /// Retries at once when the browser says the network is back.
    fn listen_online(&self) {
        let mut inner = self.inner.borrow_mut();
        if inner.online_listener.is_some() || inner.phase == Phase::Stopped {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let me = self.me.clone();
        let listener = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if let Some(client) = me.upgrade()
                && client.inner.borrow().phase == Phase::Waiting
            {
                client.inner.borrow_mut().backoff.reset();
                client.start();
            }
        });
        let _ = window.add_event_listener_with_callback("online", listener.as_ref().unchecked_ref());
        inner.online_listener = Some(listener);
    }
}
