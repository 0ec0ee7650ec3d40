//! How the widget talks to the server: [`http`] (over [`fetch`]) for the session endpoints and
//! history, [`upload`] for files, and two
//! ways to hold the live conversation that look the same to the client — [`socket`] (a
//! WebSocket) and [`poll`] (REST polling, for networks that block WebSockets). Both take
//! [`ClientFrame`]s and report [`Event`]s carrying [`ServerFrame`]s; the poller makes up the frames a
//! socket would have sent (`ready`, `ack`, `message`, `read`, `conversation_status`, `resync`).

pub mod fetch;
pub mod http;
pub mod poll;
pub mod socket;
pub mod upload;

use parlour_shared::ws::{ClientFrame, ServerFrame};

/// What happened on a transport.
#[derive(Debug)]
pub enum Event {
    /// A frame arrived (unknown or malformed frames are skipped).
    Frame(ServerFrame),
    /// The transport ended (or never started); `code` is a WebSocket close code (1006 when the
    /// connection failed, 4401 when the session was refused).
    Closed {
        /// The close code.
        code: u16,
    },
}

/// A live link to the conversation. Dropping it stops it for good: no event follows.
pub trait Transport {
    /// Sends a frame; `false` when it cannot be sent now (the caller keeps it for later).
    fn send(&self, frame: &ClientFrame) -> bool;
    /// Something changed that may call for a fetch now (panel opened, tab visible, a send).
    fn wake(&self) {}
    /// Whether this is the polling transport.
    fn is_polling(&self) -> bool {
        false
    }
}
