//! The polling transport, for networks that block WebSockets: the same conversation over REST.
//! It starts like a socket — `GET /v1/widget/session` names the current conversation and
//! becomes a `ready` — then fetches `…/messages?after=` on the [`Pace`] the client reports (fast
//! while the panel is open or a send is pending, slow otherwise, paused while the tab is hidden).
//! Sends go one at a time through `POST /v1/widget/messages` (same `clientMessageId`, so a
//! resend is harmless) and come back as `ack`; typing and read go to their endpoints. Any failure
//! but a refused message ends the poller with [`Event::Closed`], and the client reconnects
//! with backoff exactly as it does for a socket.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::task::spawn_local;
use parlour_shared::rest::SendMessageRequest;
use parlour_shared::session::SessionStatusResponse;
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{ConversationId, SessionId};

use super::http::{self, Activity, HttpError};
use super::{Event, Transport};
use crate::state::{Pace, PollCursor};

/// Where a poller starts.
pub struct PollStart {
    /// The server's base URL.
    pub base: String,
    /// The session token.
    pub token: String,
    /// The session.
    pub session_id: SessionId,
    /// The conversation the client shows, if any.
    pub conversation: Option<ConversationId>,
    /// The last `seq` the client has of it.
    pub after: i64,
}

/// A running poller. Drop it to stop: no event follows.
pub struct Poller {
    shared: Rc<Shared>,
}

struct Shared {
    start: PollStart,
    cursor: RefCell<PollCursor>,
    on_event: Box<dyn Fn(Event)>,
    pace: Box<dyn Fn() -> Pace>,
    timer: RefCell<Option<Timeout>>,
    /// A fetch is running; `again` asks for another right after it.
    fetching: Cell<bool>,
    again: Cell<bool>,
    /// `ready` was reported.
    ready: Cell<bool>,
    /// Messages to send, one request at a time so they are stored in the order written.
    queue: RefCell<VecDeque<ClientFrame>>,
    sending: Cell<bool>,
    dead: Cell<bool>,
    /// When `GET /v1/widget/session` last answered (ms): it also says whether an agent is online.
    status_at: Cell<i64>,
}

/// How often the poller asks the session status for presence while it has a conversation, ms.
const PRESENCE_EVERY_MS: i64 = 15_000;

impl Poller {
    /// Starts polling; events go to `on_event`, `pace` is asked before each wait.
    pub fn start(start: PollStart, pace: impl Fn() -> Pace + 'static, on_event: impl Fn(Event) + 'static) -> Self {
        let cursor = PollCursor::new(start.conversation, start.after);
        let shared = Rc::new(Shared {
            start,
            cursor: RefCell::new(cursor),
            on_event: Box::new(on_event),
            pace: Box::new(pace),
            timer: RefCell::new(None),
            fetching: Cell::new(false),
            again: Cell::new(false),
            ready: Cell::new(false),
            queue: RefCell::new(VecDeque::new()),
            sending: Cell::new(false),
            dead: Cell::new(false),
            status_at: Cell::new(0),
        });
        Shared::poll(&shared);
        Self { shared }
    }
}

impl Transport for Poller {
    fn send(&self, frame: &ClientFrame) -> bool {
        let shared = &self.shared;
        if shared.dead.get() {
            return false;
        }
        match frame {
            ClientFrame::UserMessage { .. } => {
                shared.queue.borrow_mut().push_back(frame.clone());
                if !shared.sending.replace(true) {
                    spawn_local(Shared::drain(shared.clone()));
                }
            }
            ClientFrame::Typing { is_typing } => shared.activity(Activity::Typing(*is_typing)),
            ClientFrame::Read { seq } => shared.activity(Activity::Read(*seq)),
            ClientFrame::Ping => {}
        }
        true
    }

    fn wake(&self) {
        Shared::poll(&self.shared);
    }

    fn is_polling(&self) -> bool {
        true
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.shared.dead.set(true);
        self.shared.timer.borrow_mut().take();
        self.shared.queue.borrow_mut().clear();
    }
}

impl Shared {
    fn emit(&self, event: Event) {
        if self.dead.get() {
            return;
        }
        if matches!(event, Event::Closed { .. }) {
            self.dead.set(true);
        }
        (self.on_event)(event);
    }

    fn fail(&self, err: &HttpError) {
        self.emit(Event::Closed { code: if err.is_unauthorized() { 4401 } else { 1006 } });
    }

    /// Fetches now (or right after the running fetch), then waits for the next turn.
    fn poll(this: &Rc<Self>) {
        if this.dead.get() {
            return;
        }
        if this.fetching.replace(true) {
            this.again.set(true);
            return;
        }
        this.timer.borrow_mut().take();
        let me = this.clone();
        spawn_local(async move {
            let fetched = me.fetch().await;
            me.fetching.set(false);
            if let Err(err) = fetched {
                return me.fail(&err);
            }
            if me.again.replace(false) { Self::poll(&me) } else { Self::schedule(&me) }
        });
    }

    fn schedule(this: &Rc<Self>) {
        if this.dead.get() {
            return;
        }
        // Hidden tab: no timer; `wake` (visibilitychange) resumes.
        let Some(delay) = (this.pace)().delay_ms() else { return };
        let weak = Rc::downgrade(this);
        *this.timer.borrow_mut() = Some(Timeout::new(delay, move || {
            if let Some(shared) = weak.upgrade() {
                Self::poll(&shared);
            }
        }));
    }

    /// One turn: `ready` the first time, then every page after the cursor. (The session status
    /// is awaited in one place only: each `.await` is a state of its own in the compiled code.)
    async fn fetch(&self) -> Result<(), HttpError> {
        let PollStart { base, token, .. } = &self.start;
        loop {
            if self.dead.get() {
                return Ok(());
            }
            let (conversation, closed) = {
                let cursor = self.cursor.borrow();
                (cursor.conversation(), cursor.closed())
            };
            let ready = self.ready.get();
            let presence_due = crate::browser::now_ms() - self.status_at.get() >= PRESENCE_EVERY_MS;
            if !ready || conversation.is_none() || closed || presence_due {
                // Not `ready` yet; no conversation yet, or a closed one: another tab may have
                // started the next. (Or time to hear whether an agent is online.)
                let status = http::session_status(base, token).await?;
                if !ready {
                    self.announce(status);
                    continue;
                }
                self.presence(status.presence);
                match status.conversation_id {
                    Some(current) if Some(current) != conversation => {
                        self.cursor.borrow_mut().switch_to(current);
                        continue;
                    }
                    _ if conversation.is_none() => return Ok(()),
                    _ => {}
                }
            }
            let Some(conversation) = conversation else { return Ok(()) };
            let after = self.cursor.borrow().after();
            let page = match http::conversation_messages(base, token, conversation, after).await {
                Ok(page) => page,
                // Not this session's conversation (any more): start from nothing, like a socket's
                // `resync` without a conversation.
                Err(HttpError::Status { status: 404, .. }) => {
                    *self.cursor.borrow_mut() = PollCursor::new(None, 0);
                    self.emit(Event::Frame(ServerFrame::Resync { conversation_id: None, last_seq: 0 }));
                    return Ok(());
                }
                Err(err) => return Err(err),
            };
            let (frames, more) = self.cursor.borrow_mut().apply(page);
            for frame in frames {
                self.emit(Event::Frame(frame));
            }
            if !more {
                return Ok(());
            }
        }
    }

    /// The first session status: it names the current conversation and becomes `ready`.
    fn announce(&self, status: SessionStatusResponse) {
        let current = status.conversation_id;
        if current != self.cursor.borrow().conversation() {
            *self.cursor.borrow_mut() = PollCursor::new(current, 0);
        }
        self.ready.set(true);
        let ready = ServerFrame::Ready {
            session_id: self.start.session_id,
            conversation_id: current,
            last_seq: status.last_seq,
            visitor_read_seq: 0,
            agent_read_seq: 0,
        };
        self.emit(Event::Frame(ready));
        self.presence(status.presence);
    }

    /// Sends the queued messages in order; a refused one becomes an `error`, anything else ends
    /// the poller (the outbox keeps the rest for the next connection).
    async fn drain(this: Rc<Self>) {
        let PollStart { base, token, .. } = &this.start;
        loop {
            let next = this.queue.borrow_mut().pop_front();
            let Some(ClientFrame::UserMessage { client_message_id, body, attachment_ids }) = next else { break };
            if this.dead.get() {
                break;
            }
            let request = SendMessageRequest { client_message_id: client_message_id.clone(), body, attachment_ids, honeypot: None };
            match http::send_message(base, token, &request).await {
                Ok(sent) => {
                    this.cursor.borrow_mut().follow(&sent.message);
                    this.emit(Event::Frame(ServerFrame::Ack { client_message_id, message: sent.message }));
                }
                Err(HttpError::Status { status: 400 | 413 | 415 | 422 | 429, body: Some(body) }) => {
                    let frame = ServerFrame::Error { code: body.code, message: body.message, client_message_id: Some(client_message_id) };
                    this.emit(Event::Frame(frame));
                }
                Err(err) => {
                    this.queue.borrow_mut().clear();
                    this.fail(&err);
                    break;
                }
            }
        }
        this.sending.set(false);
        // Replies tend to follow a message: look soon.
        Self::poll(&this);
    }

    /// Passes on whether an agent is online, as the socket's `presence` frame would.
    fn presence(&self, presence: parlour_shared::session::Presence) {
        self.status_at.set(crate::browser::now_ms());
        self.emit(Event::Frame(ServerFrame::Presence { online: presence.online, agents: presence.agents }));
    }

    fn activity(&self, what: Activity) {
        let Some(conversation) = self.cursor.borrow().conversation() else { return };
        let (base, token) = (self.start.base.clone(), self.start.token.clone());
        // Ephemeral or repeated later: a failure here is not worth a reconnect.
        spawn_local(async move {
            let _ = http::post_activity(&base, &token, conversation, what).await;
        });
    }
}
