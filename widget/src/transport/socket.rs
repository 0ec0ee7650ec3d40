//! One WebSocket connection to `/ws/chat`, speaking [`ClientFrame`] / [`ServerFrame`] JSON. The
//! owner gets [`super::Event`]s through a callback; dropping the [`Socket`] detaches the callbacks
//! and closes the connection, so a removed widget never hears from it again.

use std::rc::Rc;

use parlour_shared::ws::{ClientFrame, ServerFrame};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use super::{Event as SocketEvent, Transport};

/// A live connection. Drop it to close.
pub struct Socket {
    ws: WebSocket,
    /// The handlers, all of the one closure type the page listeners use (`FnMut(Event)`): each
    /// distinct closure signature is its own wasm-bindgen glue in the wasm and the JS.
    _handlers: [Closure<dyn FnMut(Event)>; 3],
}

impl Socket {
    /// Opens `url`; every event goes to `on_event`.
    ///
    /// # Errors
    /// The browser's exception when the URL is refused outright (bad scheme, CSP).
    pub fn connect(url: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Self, JsValue> {
        let ws = WebSocket::new(url)?;
        let on_event = Rc::new(on_event);

        let handler = on_event.clone();
        let on_message = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let Some(text) = event.unchecked_into::<MessageEvent>().data().as_string() else { return };
            // A frame this version does not know (a newer server) is skipped, not fatal. The error
            // is not formatted: that would pull serde_json's message machinery into the wasm.
            match crate::json::from_str::<ServerFrame>(&text).ok_or(()) {
                Ok(frame) => handler(SocketEvent::Frame(frame)),
                Err(_) => web_sys::console::warn_1(&"parlour: skipped an unreadable frame".into()),
            }
        });
        let on_close = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            on_event(SocketEvent::Closed { code: event.unchecked_into::<CloseEvent>().code() });
        });
        // An `error` is always followed by `close`; listening keeps the console quieter.
        let on_error = Closure::<dyn FnMut(Event)>::new(|_: Event| {});

        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self { ws, _handlers: [on_message, on_close, on_error] })
    }
}

impl Transport for Socket {
    fn send(&self, frame: &ClientFrame) -> bool {
        if self.ws.ready_state() != WebSocket::OPEN {
            return false;
        }
        crate::json::to_string(frame).is_some_and(|json| self.ws.send_with_str(&json).is_ok())
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close_with_code(1000);
    }
}
