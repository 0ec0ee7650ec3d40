//! When the composer tells the server the visitor is typing: `true` at the first keystroke and
//! again every [`REFRESH_MS`] while typing goes on (so the agent's indicator does not expire),
//! `false` after [`IDLE_MS`] without a keystroke or when the message is sent.

/// A `typing: true` is repeated this often while the visitor keeps typing.
pub const REFRESH_MS: i64 = 2_500;
/// Typing stops after this long without a keystroke.
pub const IDLE_MS: i64 = 3_000;

/// The visitor's typing state as the server last heard it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypingThrottle {
    typing: bool,
    last_sent: i64,
    last_input: i64,
}

impl TypingThrottle {
    /// A keystroke at `now`: `Some(true)` when the server should hear it.
    pub fn input(&mut self, now: i64) -> Option<bool> {
        self.last_input = now;
        if self.typing && now - self.last_sent < REFRESH_MS {
            return None;
        }
        self.typing = true;
        self.last_sent = now;
        Some(true)
    }

    /// The idle timer fired at `now`: `Some(false)` when typing stopped.
    pub fn idle(&mut self, now: i64) -> Option<bool> {
        (self.typing && now - self.last_input >= IDLE_MS).then(|| self.stop())
    }

    /// The message was sent (or the composer emptied): `Some(false)` when typing was on.
    pub fn sent(&mut self) -> Option<bool> {
        self.typing.then(|| self.stop())
    }

    fn stop(&mut self) -> bool {
        self.typing = false;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_is_announced_once_then_refreshed() {
        let mut t = TypingThrottle::default();
        assert_eq!(t.input(1_000), Some(true));
        assert_eq!(t.input(1_500), None);
        assert_eq!(t.input(1_000 + REFRESH_MS), Some(true));
    }

    #[test]
    fn typing_stops_when_idle_or_sent() {
        let mut t = TypingThrottle::default();
        assert_eq!(t.idle(10_000), None, "never started");
        t.input(0);
        t.input(2_000);
        assert_eq!(t.idle(IDLE_MS), None, "a keystroke came since");
        assert_eq!(t.idle(2_000 + IDLE_MS), Some(false));
        assert_eq!(t.sent(), None);
        t.input(9_000);
        assert_eq!(t.sent(), Some(false));
        assert_eq!(t.input(9_001), Some(true), "typing again starts over");
    }
}
