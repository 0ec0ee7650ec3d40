//! What the header says about who answers (host-tested; the view is `components::header`):
//! initials for the avatar circles, the status line's words and the connection state's name.

use super::Connection;
use crate::i18n::Key;

/// Up to two initials of a name: "Demo Agent" → "DA". The avatar's CSS upper-cases them
/// (`text-transform`): Rust's `to_uppercase` would link ~15 KB of Unicode tables into the wasm.
#[must_use]
pub fn initials(name: &str) -> String {
    name.split_whitespace().take(2).filter_map(|word| word.chars().next()).collect()
}

/// What the status line says: the link's state while it is not up (or before the server has
/// said who is there), else whether an agent is online.
#[must_use]
pub fn status_key(connection: &Connection, online: Option<bool>, away_mode: bool) -> Key {
    match (connection, online) {
        (Connection::Connecting, _) => Key::StatusConnecting,
        (Connection::Reconnecting, _) => Key::StatusReconnecting,
        (Connection::Unavailable(_), _) => Key::StatusUnavailable,
        (Connection::Idle | Connection::Online, None) => Key::StatusOnline,
        (Connection::Idle | Connection::Online, Some(true)) => Key::PresenceOnline,
        (Connection::Idle | Connection::Online, Some(false)) if away_mode => Key::PresenceAwayEmail,
        (Connection::Idle | Connection::Online, Some(false)) => Key::PresenceAway,
    }
}

/// The `data-connection` value of a connection state.
#[must_use]
pub fn connection_state(connection: &Connection) -> &'static str {
    match connection {
        Connection::Idle | Connection::Online => "online",
        Connection::Connecting => "connecting",
        Connection::Reconnecting => "reconnecting",
        Connection::Unavailable(_) => "unavailable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Demo Agent"), "DA");
        assert_eq!(initials("ada"), "a");
        assert_eq!(initials("  Jean  Pierre Martin "), "JP");
        assert_eq!(initials("émile zola"), "éz");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn the_link_state_comes_before_presence() {
        assert_eq!(status_key(&Connection::Reconnecting, Some(true), true), Key::StatusReconnecting);
        assert_eq!(status_key(&Connection::Online, Some(true), true), Key::PresenceOnline);
        assert_eq!(status_key(&Connection::Online, Some(false), true), Key::PresenceAwayEmail);
        assert_eq!(status_key(&Connection::Online, Some(false), false), Key::PresenceAway);
        assert_eq!(status_key(&Connection::Idle, None, true), Key::StatusOnline);
        assert_eq!(connection_state(&Connection::Unavailable(String::new())), "unavailable");
    }
}
