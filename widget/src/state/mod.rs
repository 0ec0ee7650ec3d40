//! The widget's state as plain structs, with no browser in sight, so every rule is unit-tested on
//! the host: the conversation [`timeline`] (merge by `seq`, delivery states), the persisted
//! [`outbox`] of unsent messages, and the reconnect [`backoff`] schedule.

pub mod backoff;
pub mod outbox;
pub mod timeline;

pub use backoff::Backoff;
pub use outbox::{Outbox, Pending};
pub use timeline::{Delivery, Entry, Timeline};

/// Where the live connection stands, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Nothing started yet (the panel was never opened and there is no stored session).
    Idle,
    /// Restoring or creating the session, or opening the socket.
    Connecting,
    /// The socket is up and `ready` arrived.
    Online,
    /// The socket dropped; a retry is scheduled.
    Reconnecting,
    /// The server refused this widget for good (unknown or inactive project, origin not allowed).
    Unavailable(String),
}

impl Connection {
    /// A short line for the header.
    #[must_use]
    pub fn describe(&self) -> &str {
        match self {
            Connection::Idle | Connection::Online => "We reply in a few minutes",
            Connection::Connecting => "Connecting…",
            Connection::Reconnecting => "Offline · reconnecting…",
            Connection::Unavailable(_) => "Chat is unavailable",
        }
    }
}
