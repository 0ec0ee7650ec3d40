//! The widget's state as plain structs, with no browser in sight, so every rule is unit-tested on
//! the host: the conversation [`timeline`] (merge by `seq`, delivery states), the persisted
//! [`outbox`] of unsent messages, the reconnect [`backoff`] schedule, the socket [`heartbeat`],
//! the polling transport's schedule and cursor ([`poll`]), the [`typing`] throttle and the
//! [`drafts`] of replies being streamed in.

pub mod backoff;
pub mod drafts;
pub mod heartbeat;
pub mod outbox;
pub mod poll;
pub mod presence;
pub mod timeline;
pub mod typing;

pub use backoff::Backoff;
pub use drafts::Drafts;
pub use heartbeat::{Beat, Heartbeat};
pub use poll::{Pace, PollCursor};
pub use typing::TypingThrottle;
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
