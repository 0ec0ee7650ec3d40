//! One WebSocket connection to `/ws/chat`, speaking [`ClientFrame`] / [`ServerFrame`] JSON. The
//! owner gets [`super::Event`]s through a callback; dropping the [`Socket`] detaches the callbacks
//! and closes the connection, so a removed widget never hears from it again.

use parlour_shared::ws::{ClientFrame, ServerFrame};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use super::{Event as SocketEvent, Transport};

/// A live connection. Drop it to close.
pub struct Socket {
    ws: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Socket {
    /// Opens `url`; every event goes to `on_event`.
    ///
    /// # Errors
    /// The browser's exception when the URL is refused outright (bad scheme, CSP).
    pub fn connect(url: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Self, JsValue> {
        let ws = WebSocket::new(url)?;
        let on_event = std::rc::Rc::new(on_event);

        let handler = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            // A frame this version does not know (a newer server) is skipped, not fatal. The error
            // is not formatted: that would pull serde_json's message machinery into the wasm.
            match crate::json::from_str::<ServerFrame>(&text).ok_or(()) {
                Ok(frame) => handler(SocketEvent::Frame(frame)),
                Err(_) => web_sys::console::warn_1(&"parlour: skipped an unreadable frame".into()),
            }
        });
        let handler = on_event;
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            handler(SocketEvent::Closed { code: event.code() });
        });
        // An `error` is always followed by `close`; listening keeps the console quieter.
        let on_error = Closure::<dyn FnMut(Event)>::new(|_: Event| {});

        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self { ws, _on_message: on_message, _on_close: on_close, _on_error: on_error })
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
