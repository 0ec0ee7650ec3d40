//! The page events the client follows: `online` and `visibilitychange` (retry at once, poll now,
//! send read receipts) and `storage` (another tab of the site changed the outbox: adopt its
//! messages so none is lost if that tab closes first). Listeners are removed on shutdown.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

use super::Client;
use crate::storage;

/// One listener, kept to be removed.
pub(super) struct Listener {
    target: EventTarget,
    name: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

/// Whether the page is hidden (another tab in front, window minimised).
pub(super) fn hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// Removes the listeners.
pub(super) fn remove_all(listeners: Vec<Listener>) {
    for l in listeners {
        let _ = l.target.remove_event_listener_with_callback(l.name, l.closure.as_ref().unchecked_ref());
    }
}

impl Client {
    /// Starts following the page's events (once).
    pub(super) fn listen(&self) {
        if !self.inner.borrow().listeners.is_empty() {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let document = window.document();
        let mut listeners = vec![
            self.listener(window.clone().into(), "online", Client::retry_now),
            self.listener(window.into(), "storage", Client::on_storage),
        ];
        if let Some(document) = document {
            listeners.push(self.listener(document.into(), "visibilitychange", Client::on_visibility));
        }
        self.inner.borrow_mut().listeners = listeners;
    }

    fn listener(&self, target: EventTarget, name: &'static str, run: fn(&Client)) -> Listener {
        let me = self.me.clone();
        let closure = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if let Some(client) = me.upgrade().filter(|c| !c.stopped()) {
                run(&client);
            }
        });
        let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        Listener { target, name, closure }
    }

    /// Back in front: reconnect or poll at once, and report what the visitor now sees as read.
    fn on_visibility(&self) {
        if hidden() {
            return;
        }
        self.retry_now();
        self.wake_link();
        self.mark_read();
    }

    /// Another tab wrote the stored state: take in its outbox (in memory only; writing here would
    /// wake that tab in turn).
    fn on_storage(&self) {
        let disk = storage::browser::load(&self.key);
        let adopted = self.inner.borrow_mut().stored.absorb(&disk);
        self.adopt(&adopted);
    }
}
