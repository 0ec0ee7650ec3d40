//! The History tab: the visitor's conversations, newest first (status, date, the last message as
//! plain text, the rating they gave), a page at a time with "Load more". The current conversation
//! opens the Chat tab; any other opens read-only, with a Back control. "Start a new conversation"
//! leaves a closed conversation behind (the next message starts a new one); while the current
//! one is open the same button reads "Continue the conversation" and only returns to the chat.
//!
//! The panel and everything in it are drawn with DOM calls ([`super::history_rows`]) from plain
//! state that [`HistoryView::paint`] shows after each change, with one click listener for every
//! button in it; a read conversation's messages are drawn once by [`draw_transcript`], like the
//! chat's rows.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::VisitorConversation;
use parlour_shared::{ConversationId, ConversationStatus};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement};

use super::dom::{self, child};
use super::history_rows::{Parts, draw_panel, draw_reading, show};
use super::message_list::draw_transcript;
use crate::client::ClientHandle;
use crate::components::react::{effect, effect_with};
use crate::i18n::{Key, Locale, t};
use crate::state::Timeline;
use crate::transport::http;

/// Conversations per page.
const PAGE: u32 = 10;

/// Where the list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Done,
    Failed,
}

/// What a background fetch asks the server for (one async path for both).
enum Fetch {
    /// A page of the list, from this offset.
    Page(usize),
    /// Every message of a conversation, to read it.
    Read(ConversationId, ConversationStatus),
}

/// The conversation being read: its id and the bar and log drawn for it. Dropping it removes
/// both.
struct Reading {
    id: ConversationId,
    parts: [Element; 2],
}

impl Drop for Reading {
    fn drop(&mut self) {
        for part in &self.parts {
            part.remove();
        }
    }
}

/// The History panel: its element, its state, and what its effects, its click listener and its
/// fetches share.
struct HistoryView {
    panel: Element,
    parts: Parts,
    client: ClientHandle,
    history: RwSignal<bool>,
    locale: Locale,
    rows: RefCell<Vec<VisitorConversation>>,
    total: Cell<i64>,
    load: Cell<Load>,
    reading: RefCell<Option<Reading>>,
}

/// Draws the History tab panel at the end of `parent` and sets up what keeps it current: an
/// effect that follows the tab, one for the "Start"/"Continue" label, and the click listener.
pub fn draw(parent: &Element, client: ClientHandle, history: RwSignal<bool>, locale: Locale) {
    let panel = &child(parent, "div", "");
    let parts = draw_panel(panel, locale, !history.get_untracked());
    let this = Rc::new(HistoryView {
        panel: panel.clone(),
        parts,
        client,
        history,
        locale,
        rows: RefCell::default(),
        total: Cell::new(0),
        load: Cell::new(Load::Done),
        reading: RefCell::default(),
    });
    // Shown or hidden with the tab, and fresh on every visit; loaded again when the connection
    // (and so the session) comes back after a failed or empty load.
    let visit = Rc::clone(&this);
    effect_with(move |shown: Option<bool>| {
        client.signals.connection.track();
        let now = history.get();
        visit.visit(now, shown);
        now
    });
    let label = Rc::clone(&this);
    effect(move || label.label());
    dom::listen(panel, &["click"], move |ev| this.click(&ev));
}

impl HistoryView {
    /// The open conversation (tracked: the "Start"/"Continue" label follows it).
    fn current(&self) -> Option<ConversationId> {
        let signals = self.client.signals;
        (!signals.closed.get()).then(|| signals.timeline.with(Timeline::conversation_id)).flatten()
    }

    /// The History tab was (`now`) selected or not; it was `shown` before.
    fn visit(self: &Rc<Self>, now: bool, shown: Option<bool>) {
        show(&self.panel, now);
        if now && shown != Some(true) {
            self.reading.take();
            self.load(0);
        } else if now && (self.load.get() == Load::Failed || self.rows.borrow().is_empty()) {
            self.load(0);
        }
    }

    /// "Continue the conversation" while one is open, else "Start a new conversation".
    fn label(&self) {
        let key = if self.current().is_some() { Key::ContinueChat } else { Key::StartNew };
        self.parts.start.set_text_content(Some(t(self.locale, key)));
    }

    /// Loads the page of the list at `offset` (the rows after it are replaced).
    fn load(self: &Rc<Self>, offset: usize) {
        if self.fetch(Fetch::Page(offset)) {
            self.load.set(Load::Loading);
        } else {
            self.rows.borrow_mut().clear();
            self.load.set(Load::Done);
        }
        self.paint();
    }

    /// Starts `what` in the background; false without a session.
    fn fetch(self: &Rc<Self>, what: Fetch) -> bool {
        let mut auth = None;
        self.client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else { return false };
        let this = Rc::clone(self);
        spawn_local(async move {
            match what {
                Fetch::Page(offset) => match http::list_conversations(&base, &token, PAGE, offset).await {
                    Ok(list) => {
                        let mut rows = this.rows.borrow_mut();
                        rows.truncate(offset);
                        rows.extend(list.results);
                        drop(rows);
                        this.total.set(list.count);
                        this.load.set(Load::Done);
                    }
                    Err(_) => this.load.set(Load::Failed),
                },
                Fetch::Read(id, status) => {
                    let mut timeline = Timeline::default();
                    let mut after = 0;
                    loop {
                        let Ok(page) = http::conversation_messages(&base, &token, id, after).await else {
                            this.load.set(Load::Failed);
                            break;
                        };
                        after = page.messages.iter().map(|m| m.seq).max().unwrap_or(after);
                        let more = page.has_more && !page.messages.is_empty();
                        for message in page.messages {
                            timeline.merge(message);
                        }
                        if !more {
                            this.read(id, status, &timeline);
                            break;
                        }
                    }
                }
            }
            this.paint();
        });
        true
    }

    /// Shows a conversation read-only in place of the list, and focuses Back.
    fn read(&self, id: ConversationId, status: ConversationStatus, timeline: &Timeline) {
        self.reading.take();
        let parts = draw_reading(&self.panel, status, self.locale);
        draw_transcript(&parts[1], self.client, timeline.entries(), self.locale);
        *self.reading.borrow_mut() = Some(Reading { id, parts });
        self.focus_later(Some(".back".to_owned()));
    }

    /// Sets the list's parts from the state: which are shown, "Load more" or "Retry", the rows.
    fn paint(&self) {
        let Parts { start, list, failed: error, empty, more: button } = &self.parts;
        let reading = self.reading.borrow().is_some();
        let state = self.load.get();
        let rows = self.rows.borrow();
        let more = rows.len() < usize::try_from(self.total.get()).unwrap_or(0);
        let failed = !reading && state == Load::Failed;
        let listed = !reading && state == Load::Done;
        show(start, !reading);
        show(error, failed);
        show(empty, listed && rows.is_empty());
        show(button, failed || (listed && more));
        button.set_text_content(Some(t(self.locale, if failed { Key::Retry } else { Key::LoadMore })));
        // `.history-list` sets `display`, so the `hidden` attribute would not hide it (and a
        // `style` attribute would be refused under a strict CSP; the CSSOM is not).
        let _ = list.unchecked_ref::<HtmlElement>().style().set_property("display", if reading { "none" } else { "" });
        super::history_rows::draw(list, &rows, self.locale);
    }

    /// One listener for every button in the panel, told apart by class.
    fn click(self: &Rc<Self>, ev: &Event) {
        let button = ev.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|t| t.closest("button").ok().flatten());
        let Some(button) = button else { return };
        match button.class_name().as_str() {
            "history-row" => {
                let id = button.get_attribute("data-id");
                let found = self.rows.borrow().iter().find(|c| Some(c.id.to_string()) == id).map(|c| (c.id, c.status));
                let Some((id, status)) = found else { return };
                if self.current() == Some(id) {
                    self.to_chat();
                } else {
                    self.fetch(Fetch::Read(id, status));
                }
            }
            "back" => {
                let id = self.reading.take().map(|r| r.id);
                self.paint();
                if let Some(id) = id {
                    self.focus_later(Some(format!("[data-id=\"{id}\"]")));
                }
            }
            "start-new" => {
                self.client.with(|c| c.start_new());
                self.to_chat();
            }
            "load-more" => {
                // After a failure the same button retries from the start.
                let offset = if self.load.get() == Load::Failed { 0 } else { self.rows.borrow().len() };
                self.load(offset);
            }
            _ => {}
        }
    }

    /// Back to the Chat tab, with the composer focused.
    fn to_chat(&self) {
        self.history.set(false);
        self.focus_later(None);
    }

    /// Focuses, after the next paint, the first element of the panel matching `selector`, or the
    /// composer.
    fn focus_later(&self, selector: Option<String>) {
        let panel = self.panel.clone();
        dom::next_frame(move || match selector {
            Some(selector) => dom::focus(&panel, &selector),
            None => {
                if let Some(widget) = panel.parent_element() {
                    dom::focus(&widget, "#parlour-input");
                }
            }
        });
    }
}
