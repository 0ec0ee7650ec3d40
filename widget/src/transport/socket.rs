//! One WebSocket connection to `/ws/chat`, speaking [`ClientFrame`] / [`ServerFrame`] JSON. The
//! owner gets [`SocketEvent`]s through a callback; dropping the [`Socket`] detaches the callbacks
//! and closes the connection, so a removed widget never hears from it again.

use parlour_shared::ws::{ClientFrame, ServerFrame};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

/// What happened on the socket.
#[derive(Debug)]
pub enum SocketEvent {
    /// A frame arrived (unknown or malformed frames are skipped).
    Frame(ServerFrame),
    /// The connection ended (or never opened); `code` is the close code (1006 when it failed).
    Closed {
        /// The WebSocket close code.
        code: u16,
    },
}

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
            match serde_json::from_str::<ServerFrame>(&text) {
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

    /// Sends a frame; `false` when the socket is not open (the caller keeps it for later).
    pub fn send(&self, frame: &ClientFrame) -> bool {
        if self.ws.ready_state() != WebSocket::OPEN {
            return false;
        }
        serde_json::to_string(frame).is_ok_and(|json| self.ws.send_with_str(&json).is_ok())
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
