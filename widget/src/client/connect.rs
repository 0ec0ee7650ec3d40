//! Getting and keeping a live link: restore the stored session (or start one), open the
//! transport after the last seen `seq`, and on any loss retry with backoff. The transport is the
//! `transport` attribute's: with `auto`, a WebSocket until two in a row fail before `ready`,
//! then polling for the rest of the page view, trying a WebSocket again every few minutes.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::session::InitSessionRequest;
use parlour_shared::ws::ClientFrame;

use super::{Client, Phase};
use crate::browser;
use crate::config::TransportMode;
use crate::state::heartbeat::TICK_MS;
use crate::state::{Beat, Connection, Heartbeat, Pace};
use crate::storage::StoredSession;
use crate::transport::http::{self, HttpError};
use crate::transport::poll::{PollStart, Poller};
use crate::transport::socket::Socket;
use crate::transport::{Event, Transport};

/// WebSockets failing before `ready` in a row before `auto` switches to polling.
const FAILURES_BEFORE_POLLING: u32 = 2;
/// How long `auto` polls before trying a WebSocket again, ms.
const PROBE_AFTER_MS: u32 = 120_000;

impl Client {
    /// Starts connecting unless already connected, connecting or stopped.
    pub fn start(&self) {
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
            Err(err) if err.is_permanent() || crate::api::is_identity_refusal(&err) => {
                if !self.stopped() {
                    browser::warn(&err.describe());
                    self.hooks.report_failure(&err);
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
        let on_event = {
            let me = self.me.clone();
            move |event| {
                if let Some(client) = me.upgrade() {
                    client.on_event(event);
                }
            }
        };
        let link: Box<dyn Transport> = if self.polls() {
            let me = self.me.clone();
            let pace = move || me.upgrade().map(|c| c.pace()).unwrap_or_default();
            let start = PollStart {
                base: self.config.api_base.clone(),
                token: session.token.clone(),
                session_id: session.session_id,
                conversation,
                after,
            };
            Box::new(Poller::start(start, pace, on_event))
        } else {
            match Socket::connect(&session.ws_url_resume(conversation, after), on_event) {
                Ok(socket) => Box::new(socket),
                Err(_) => return self.schedule_retry(),
            }
        };
        let socket = !link.is_polling();
        let mut inner = self.inner.borrow_mut();
        inner.link = Some(link);
        inner.ready = false;
        inner.phase = Phase::Connected;
        inner.heartbeat = socket.then(|| Heartbeat::new(browser::now_ms()));
        let me = self.me.clone();
        inner.ticker = socket.then(|| {
            Interval::new(TICK_MS, move || {
                if let Some(client) = me.upgrade() {
                    client.beat();
                }
            })
        });
    }

    /// Whether the next link is the polling transport.
    fn polls(&self) -> bool {
        match self.config.transport {
            TransportMode::Polling => true,
            TransportMode::WebSocket => false,
            TransportMode::Auto => self.inner.borrow().fallback,
        }
    }

    /// How fast the poller should go.
    fn pace(&self) -> Pace {
        Pace {
            open: self.signals.open.try_get_untracked().unwrap_or(false),
            pending: !self.inner.borrow().stored.outbox.is_empty(),
            hidden: super::listen::hidden(),
        }
    }

    /// The heartbeat's tick: ping a live socket, replace a dead one.
    fn beat(&self) {
        let beat = self.inner.borrow_mut().heartbeat.as_mut().map_or(Beat::Idle, |h| h.tick(browser::now_ms()));
        match beat {
            Beat::Idle => {}
            Beat::Ping => {
                self.send_frame(&ClientFrame::Ping);
            }
            Beat::Dead => {
                browser::warn("the connection went silent; reconnecting");
                self.on_closed(4000);
            }
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
                Ok(status) => {
                    self.set_presence(status.presence);
                    self.signals.away_mode.set(status.away_mode);
                    self.signals.max_upload_bytes.set(status.max_upload_bytes);
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
            inner.stored.pre_chat = init.pre_chat;
            inner.validated = true;
        }
        self.signals.look.set(session.look.clone());
        self.set_presence(init.presence);
        self.signals.away_mode.set(init.features.away_mode);
        self.signals.max_upload_bytes.set(init.features.max_upload_bytes);
        self.persist();
        self.refresh_pre_chat();
        Ok(session)
    }

    fn init_request(&self) -> InitSessionRequest {
        let (user_agent, browser_locale) = browser::user_agent_and_locale();
        let identity = self.hooks.identity.borrow().clone();
        InitSessionRequest {
            project_id: self.config.project_id.clone(),
            widget_instance_id: self.inner.borrow().instance_id.clone(),
            external_user_id: identity.user_id,
            page_url: browser::page_url(),
            host_origin: Some(browser::page_origin()),
            user_agent,
            locale: identity.locale.or(browser_locale),
            user_jwt: identity.user_jwt,
            user_hash: identity.user_hash,
            honeypot: None,
            name: identity.name,
            email: identity.email,
        }
    }

    fn on_event(&self, event: Event) {
        if self.stopped() {
            return;
        }
        match event {
            Event::Frame(frame) => {
                let ready = matches!(frame, parlour_shared::ws::ServerFrame::Ready { .. });
                if let Some(heartbeat) = self.inner.borrow_mut().heartbeat.as_mut() {
                    heartbeat.heard(browser::now_ms(), ready);
                }
                self.on_frame(frame);
            }
            Event::Closed { code } => self.on_closed(code),
        }
    }

    pub(super) fn on_closed(&self, code: u16) {
        let switch_to_polling = {
            let mut inner = self.inner.borrow_mut();
            let socket = inner.link.as_ref().is_some_and(|l| !l.is_polling());
            // A handshake refused before `ready` may mean the token is no longer valid (a browser
            // cannot read the status): check the session again before the next link.
            if !inner.ready || code == 4401 {
                inner.validated = false;
            }
            let failed_early = socket && !inner.ready;
            inner.link = None;
            inner.heartbeat = None;
            inner.ticker = None;
            inner.ready = false;
            if failed_early && self.config.transport == TransportMode::Auto {
                inner.ws_failures += 1;
            }
            !inner.fallback && inner.ws_failures >= FAILURES_BEFORE_POLLING
        };
        if switch_to_polling {
            self.fall_back_to_polling();
        } else {
            self.schedule_retry();
        }
    }

    /// WebSockets do not get through: poll for this page view, at once, and try a socket again
    /// later.
    fn fall_back_to_polling(&self) {
        browser::warn("WebSockets fail here; polling instead");
        let probe = self.after(PROBE_AFTER_MS, Client::probe_websocket);
        let mut inner = self.inner.borrow_mut();
        inner.fallback = true;
        inner.phase = Phase::Idle;
        inner.probe_timer = Some(probe);
        drop(inner);
        self.start();
    }

    /// Replaces the poller with a WebSocket; one failure before `ready` goes back to polling.
    fn probe_websocket(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.probe_timer = None;
        if !inner.fallback || inner.phase != Phase::Connected {
            return;
        }
        inner.fallback = false;
        inner.ws_failures = FAILURES_BEFORE_POLLING - 1;
        inner.link = None;
        inner.ready = false;
        inner.phase = Phase::Idle;
        drop(inner);
        self.start();
    }

    /// Waits (backoff with jitter), then tries again.
    pub(super) fn schedule_retry(&self) {
        let mut inner = self.inner.borrow_mut();
        if inner.phase == Phase::Stopped {
            return;
        }
        let delay = inner.backoff.next_delay(browser::random());
        inner.phase = Phase::Waiting;
        inner.retry_timer = Some(self.after(delay, Client::start));
        drop(inner);
        self.signals.connection.set(Connection::Reconnecting);
    }

    /// Retries at once (the network is back, the tab is visible again).
    pub(super) fn retry_now(&self) {
        if self.inner.borrow().phase == Phase::Waiting {
            self.inner.borrow_mut().backoff.reset();
            self.start();
        }
    }
}
