//! The widget's engine: one [`Client`] per `<chat-widget>`. It owns the stored state, the live
//! link (a WebSocket or the polling transport) and the timers, and publishes what the UI shows
//! through [`Signals`]. Connecting, reconnecting and choosing the transport live in [`connect`],
//! the handling of server frames in [`frames`], typing and read receipts in [`activity`], page
//! events (`online`, `visibilitychange`, another tab's `storage`) in [`listen`].

mod activity;
mod connect;
mod contact;
mod frames;
mod listen;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use parlour_shared::session::Presence;
use parlour_shared::ws::ClientFrame;
use parlour_shared::{ClientMessageId, MessageBody, ValueError};

use crate::api::Hooks;
use crate::browser;
use crate::config::WidgetConfig;
use crate::state::{Backoff, Connection, Heartbeat, Pending, Timeline, TypingThrottle};
use crate::storage::{self, Look, Stored};
use crate::transport::Transport;

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
    /// The name of the agent typing right now, if one is.
    pub agent_typing: RwSignal<Option<String>>,
    /// How far an agent has read the conversation (for "Seen").
    pub agent_read_seq: RwSignal<i64>,
    /// An agent closed the conversation; the next message starts a new one.
    pub closed: RwSignal<bool>,
    /// Replies being streamed in (`token` frames), until their stored message arrives.
    pub drafts: RwSignal<crate::state::Drafts>,
    /// Whether an agent is online (from init, status and `presence` frames); `None` until the
    /// server has said.
    pub presence: RwSignal<Option<Presence>>,
    /// The project's away mode: ask for an email when nobody is online.
    pub away_mode: RwSignal<bool>,
    /// The pre-chat form to show instead of the composer (see [`Client::submit_contact`]).
    pub pre_chat: RwSignal<Option<parlour_shared::session::PreChat>>,
    /// The largest file the server accepts (`features.maxUploadBytes` at init; the default
    /// limit for a restored session, where the server's 413 still has the last word).
    pub max_upload_bytes: RwSignal<u64>,
}

/// Where the connection work stands (not shown; the UI reads [`Connection`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing running; `establish` may start.
    Idle,
    /// Restoring or starting the session, opening the link.
    Establishing,
    /// A link is up or coming up.
    Connected,
    /// A retry is scheduled.
    Waiting,
    /// Shut down for good.
    Stopped,
}

struct Inner {
    stored: Stored,
    phase: Phase,
    link: Option<Box<dyn Transport>>,
    /// `ready` arrived on the current link.
    ready: bool,
    /// The stored session was accepted by the server during this page's life.
    validated: bool,
    backoff: Backoff,
    retry_timer: Option<Timeout>,
    /// The socket's liveness and the timer that checks it.
    heartbeat: Option<Heartbeat>,
    ticker: Option<Interval>,
    /// WebSockets that failed before `ready`, in a row.
    ws_failures: u32,
    /// `transport="auto"` gave up on WebSockets for this page view.
    fallback: bool,
    probe_timer: Option<Timeout>,
    listeners: Vec<listen::Listener>,
    typing: TypingThrottle,
    typing_timer: Option<Timeout>,
    agent_typing_timer: Option<Timeout>,
    /// Drops streamed drafts that fell idle.
    draft_timer: Option<Timeout>,
    /// The highest `seq` reported read to the server.
    read_sent: i64,
    instance_id: String,
}

/// One widget's chat client.
pub struct Client {
    /// What the loader handed in (identity, locale) and the emitter of page events.
    pub hooks: Hooks,
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
            agent_typing: RwSignal::new(None),
            agent_read_seq: RwSignal::new(0),
            closed: RwSignal::new(false),
            drafts: RwSignal::new(crate::state::Drafts::default()),
            presence: RwSignal::new(None),
            away_mode: RwSignal::new(false),
            pre_chat: RwSignal::new(None),
            max_upload_bytes: RwSignal::new(parlour_shared::rest::DEFAULT_MAX_UPLOAD_BYTES),
        };
        let inner = Inner {
            stored,
            phase: Phase::Idle,
            link: None,
            ready: false,
            validated: false,
            backoff: Backoff::default(),
            retry_timer: None,
            heartbeat: None,
            ticker: None,
            ws_failures: 0,
            fallback: false,
            probe_timer: None,
            listeners: Vec::new(),
            typing: TypingThrottle::default(),
            typing_timer: None,
            agent_typing_timer: None,
            draft_timer: None,
            read_sent: 0,
            instance_id: browser::uuid_v4(),
        };
        Rc::new_cyclic(|me| Self { hooks: Hooks::default(), config, key, signals, inner: RefCell::new(inner), me: me.clone() })
    }

    /// Connects now when the visitor chatted before (so replies show as unread), has messages
    /// waiting, or the panel starts open; otherwise waits for the first open.
    pub fn boot(&self) {
        self.listen();
        self.refresh_pre_chat();
        let returning = {
            let inner = self.inner.borrow();
            inner.stored.fresh_session(browser::now_secs()).is_some() || !inner.stored.outbox.is_empty()
        };
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
            self.wake_link();
            self.mark_read();
        }
    }

    /// Sends a message: text and/or files uploaded before ([`crate::transport::upload`]; blank
    /// text is left out when there are files). It shows at once as *sending* and waits in the
    /// outbox, attachments included, until acknowledged.
    ///
    /// # Errors
    /// [`ValueError`] when there is neither text nor a file, the text is too long, or there are
    /// too many files (nothing is sent).
    pub fn send_with(&self, text: &str, attachments: Vec<parlour_shared::Attachment>) -> Result<(), ValueError> {
        let body = if text.trim().is_empty() && !attachments.is_empty() { None } else { Some(MessageBody::parse(text)?) };
        let ids: Vec<_> = attachments.iter().map(|a| a.id).collect();
        parlour_shared::message::check_content(body.as_ref(), &ids)?;
        let client_message_id = ClientMessageId::parse(browser::uuid_v4())?;
        let pending = Pending { client_message_id, body, attachments, created_at: browser::now_ms(), failed: false };
        self.stop_typing();
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

    /// The server's base URL (attachment URLs are relative to it).
    #[must_use]
    pub fn api_base(&self) -> &str {
        &self.config.api_base
    }

    /// The server and the session token for a REST call (the history view, ratings), once the
    /// visitor has a session.
    #[must_use]
    pub fn rest_auth(&self) -> Option<(String, String)> {
        let inner = self.inner.borrow();
        inner.stored.session.as_ref().map(|s| (self.config.api_base.clone(), s.token.clone()))
    }

    /// Leaves a closed conversation behind: the chat shows an empty conversation and the next
    /// message starts a new one (the server makes one after `closed`). Does nothing while the
    /// current conversation is still open.
    pub fn start_new(&self) {
        let open = !self.signals.closed.get_untracked() && self.signals.timeline.with_untracked(|t| t.conversation_id().is_some());
        if open {
            return;
        }
        self.signals.timeline.update(|t| t.reset(None));
        self.forget_activity();
        self.signals.read_seq.set(0);
        {
            let mut inner = self.inner.borrow_mut();
            inner.stored.last_seq = 0;
            inner.stored.read_seq = 0;
        }
        self.persist();
    }

    /// The email the server has for this session, if any: left on the away card, or given by
    /// the host page (`boot({email})`).
    #[must_use]
    pub fn saved_email(&self) -> Option<String> {
        self.inner.borrow().stored.email.clone().or_else(|| self.hooks.identity.borrow().email.clone())
    }

    /// Remembers (persisted, for this session) that the server has the visitor's email.
    pub fn remember_email(&self, email: String) {
        self.inner.borrow_mut().stored.email = Some(email);
        self.persist();
    }

    /// Closes the link, stops every timer and listener; the client does nothing afterwards.
    pub fn shutdown(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.phase = Phase::Stopped;
        inner.link = None;
        inner.retry_timer = None;
        inner.ticker = None;
        inner.probe_timer = None;
        inner.typing_timer = None;
        inner.agent_typing_timer = None;
        inner.draft_timer = None;
        let listeners = std::mem::take(&mut inner.listeners);
        drop(inner);
        listen::remove_all(listeners);
    }

    /// Runs `run` on the client after `ms`, unless the client is gone by then or the timer was
    /// dropped. Every timer of the client shares this one closure type: each closure handed to
    /// `Timeout::new` was its own copy of wasm-bindgen's closure glue.
    fn after(&self, ms: u32, run: fn(&Client)) -> Timeout {
        let me = self.me.clone();
        Timeout::new(ms, move || {
            if let Some(client) = me.upgrade() {
                run(&client);
            }
        })
    }

    fn stopped(&self) -> bool {
        self.inner.borrow().phase == Phase::Stopped
    }

    /// Sends `user_message` for `pending` if the link is ready; `false` otherwise.
    fn transmit(&self, pending: &Pending) -> bool {
        let frame = ClientFrame::UserMessage {
            client_message_id: pending.client_message_id.clone(),
            body: pending.body.clone(),
            attachment_ids: pending.attachments.iter().map(|a| a.id).collect(),
        };
        self.send_frame(&frame)
    }

    /// Sends a frame on the link once it is ready; `false` when it cannot now.
    fn send_frame(&self, frame: &ClientFrame) -> bool {
        let inner = self.inner.borrow();
        inner.ready && inner.link.as_ref().is_some_and(|l| l.send(frame))
    }

    /// Tells the polling transport to look now (a socket needs no telling).
    fn wake_link(&self) {
        if let Some(link) = self.inner.borrow().link.as_ref() {
            link.wake();
        }
    }

    /// Writes the state, first taking in what another tab of the site wrote meanwhile (its
    /// outbox is kept, not overwritten); messages adopted from it are shown and sent here too.
    fn persist(&self) {
        let disk = storage::browser::load(&self.key);
        let adopted = self.inner.borrow_mut().stored.absorb(&disk);
        storage::browser::save(&self.key, &self.inner.borrow().stored);
        self.adopt(&adopted);
    }

    /// Shows and sends messages taken over from another tab's outbox.
    fn adopt(&self, adopted: &[Pending]) {
        if adopted.is_empty() {
            return;
        }
        self.signals.timeline.update(|t| adopted.iter().for_each(|p| t.add_pending(p)));
        for pending in adopted {
            if !self.transmit(pending) {
                self.start();
            }
        }
    }
}
