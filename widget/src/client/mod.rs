//! The widget's engine: one [`Client`] per `<chat-widget>`. It owns the stored state, the socket
//! and the timers, and publishes what the UI shows through [`Signals`]. Connecting and reconnecting
//! live in [`connect`], the handling of server frames in [`frames`].

mod connect;
mod frames;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use parlour_shared::ws::ClientFrame;
use parlour_shared::{ClientMessageId, MessageBody, ValueError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Event;

use crate::browser;
use crate::config::WidgetConfig;
use crate::state::{Backoff, Connection, Pending, Timeline};
use crate::storage::{self, Look, Stored};
use crate::transport::socket::Socket;

/// What the UI reads. All `Copy`; owned by the widget's mount, disposed on unmount.
#[derive(Clone, Copy)]
pub struct Signals {
    /// The conversation.
    pub timeline: RwSignal<Timeline>,
    /// The connection state, for the header.
    pub connection: RwSignal<Connection>,
    /// The project's title, welcome text and colour (from the session).
    pub look: RwSignal<Look>,
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// The highest `seq` seen with the panel open.
    pub read_seq: RwSignal<i64>,
}

/// Where the connection work stands (not shown; the UI reads [`Connection`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing running; `establish` may start.
    Idle,
    /// Restoring or starting the session, opening the socket.
    Establishing,
    /// A socket is open or opening.
    Connected,
    /// A retry is scheduled.
    Waiting,
    /// Shut down for good.
    Stopped,
}

struct Inner {
    stored: Stored,
    phase: Phase,
    socket: Option<Socket>,
    /// `ready` arrived on the current socket.
    ready: bool,
    /// The stored session was accepted by the server during this page's life.
    validated: bool,
    backoff: Backoff,
    retry_timer: Option<Timeout>,
    ping: Option<Interval>,
    online_listener: Option<Closure<dyn FnMut(Event)>>,
    instance_id: String,
}

/// One widget's chat client.
pub struct Client {
    config: WidgetConfig,
    key: String,
    signals: Signals,
    inner: RefCell<Inner>,
    me: Weak<Client>,
}

/// A `Copy + Send` handle on the client for view code; does nothing once the widget is gone.
#[derive(Clone, Copy)]
pub struct ClientHandle {
    client: StoredValue<Rc<Client>, LocalStorage>,
    /// The client's signals.
    pub signals: Signals,
}

impl ClientHandle {
    /// Runs `f` with the client, if the widget is still mounted.
    pub fn with(&self, f: impl FnOnce(&Client)) {
        if let Some(client) = self.client.try_get_value() {
            f(&client);
        }
    }
}

impl Client {
    /// A client for `config`, with the state stored for its project. Call inside the widget's
    /// reactive owner: its signals belong to it.
    #[must_use]
    pub fn new(config: WidgetConfig) -> Rc<Self> {
        let key = storage::key(&config.project_id);
        let stored = storage::browser::load(&key);
        let mut timeline = Timeline::default();
        for pending in stored.outbox.iter() {
            timeline.add_pending(pending);
        }
        let signals = Signals {
            timeline: RwSignal::new(timeline),
            connection: RwSignal::new(Connection::Idle),
            look: RwSignal::new(stored.session.as_ref().map(|s| s.look.clone()).unwrap_or_default()),
            open: RwSignal::new(false),
            read_seq: RwSignal::new(stored.read_seq),
        };
        let inner = Inner {
            stored,
            phase: Phase::Idle,
            socket: None,
            ready: false,
            validated: false,
            backoff: Backoff::default(),
            retry_timer: None,
            ping: None,
            online_listener: None,
            instance_id: browser::uuid_v4(),
        };
        Rc::new_cyclic(|me| Self { config, key, signals, inner: RefCell::new(inner), me: me.clone() })
    }

    /// Connects now when the visitor chatted before (so replies show as unread) or the panel
    /// starts open; otherwise waits for the first open.
    pub fn boot(&self) {
        let returning = self.inner.borrow().stored.fresh_session(browser::now_secs()).is_some();
        if self.config.default_open {
            self.set_open(true);
        } else if returning {
            self.start();
        }
    }

    /// A handle for view code (register it inside the widget's owner).
    #[must_use]
    pub fn handle(self: &Rc<Self>) -> ClientHandle {
        ClientHandle { client: StoredValue::new_local(self.clone()), signals: self.signals }
    }

    /// Opens or closes the panel; opening starts the chat and marks everything read.
    pub fn set_open(&self, open: bool) {
        self.signals.open.set(open);
        if open {
            self.start();
            self.mark_read();
        }
    }

    /// Sends a message: shown at once as *sending*, kept in the outbox until acknowledged.
    ///
    /// # Errors
    /// [`ValueError`] when the text is blank or too long (nothing is sent).
    pub fn send(&self, text: &str) -> Result<(), ValueError> {
        let body = MessageBody::parse(text)?;
        let client_message_id = ClientMessageId::parse(browser::uuid_v4())?;
        let pending = Pending { client_message_id, body, created_at: browser::now_ms(), failed: false };
        self.signals.timeline.update(|t| t.add_pending(&pending));
        self.inner.borrow_mut().stored.outbox.push(pending.clone());
        self.persist();
        if !self.transmit(&pending) {
            self.start();
        }
        Ok(())
    }

    /// Sends a failed message again, with the same id.
    pub fn retry(&self, id: &ClientMessageId) {
        let pending = self.inner.borrow_mut().stored.outbox.retry(id).cloned();
        let Some(pending) = pending else { return };
        self.signals.timeline.update(|t| {
            t.retry(id);
        });
        self.persist();
        if !self.transmit(&pending) {
            self.start();
        }
    }

    /// Closes the socket, stops every timer and listener; the client does nothing afterwards.
    pub fn shutdown(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.phase = Phase::Stopped;
        inner.socket = None;
        inner.retry_timer = None;
        inner.ping = None;
        if let (Some(listener), Some(window)) = (inner.online_listener.take(), web_sys::window()) {
            let _ = window.remove_event_listener_with_callback("online", listener.as_ref().unchecked_ref());
        }
    }

    fn stopped(&self) -> bool {
        self.inner.borrow().phase == Phase::Stopped
    }

    /// Sends `user_message` for `pending` if the socket is ready; `false` otherwise.
    fn transmit(&self, pending: &Pending) -> bool {
        let inner = self.inner.borrow();
        let frame = ClientFrame::UserMessage {
            client_message_id: pending.client_message_id.clone(),
            body: Some(pending.body.clone()),
            attachment_ids: Vec::new(),
        };
        inner.ready && inner.socket.as_ref().is_some_and(|s| s.send(&frame))
    }

    /// Moves the read cursor to the newest message when the panel is open.
    fn mark_read(&self) {
        if !self.signals.open.get_untracked() {
            return;
        }
        let last = self.signals.timeline.with_untracked(Timeline::last_seq);
        if last > self.signals.read_seq.get_untracked() {
            self.signals.read_seq.set(last);
            self.inner.borrow_mut().stored.read_seq = last;
            self.persist();
        }
    }

    fn persist(&self) {
        storage::browser::save(&self.key, &self.inner.borrow().stored);
    }
}
