//! Keeping a WebSocket honest: a `ping` every [`PING_EVERY_MS`], and a socket that has said
//! nothing (no frame, no `pong`) for [`DEAD_AFTER_MS`] — or never got to `ready` within
//! [`CONNECT_TIMEOUT_MS`] — counts as dead, to be closed and replaced. Proxies and sleeping
//! laptops drop connections without a close frame; this is how the widget notices.

/// The keep-alive period: below the idle timeouts of common proxies (60 s).
pub const PING_EVERY_MS: i64 = 25_000;
/// Silence after which an open socket is dead.
pub const DEAD_AFTER_MS: i64 = 60_000;
/// How long a socket may take to deliver `ready`.
pub const CONNECT_TIMEOUT_MS: i64 = 10_000;
/// How often [`Heartbeat::tick`] should be called.
pub const TICK_MS: u32 = 5_000;

/// What to do at a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// Nothing.
    Idle,
    /// Send `ping`.
    Ping,
    /// Close the socket and reconnect.
    Dead,
}

/// One socket's liveness, in Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    opened_at: i64,
    last_heard: i64,
    last_ping: i64,
    ready: bool,
}

impl Heartbeat {
    /// A socket opened at `now`.
    #[must_use]
    pub const fn new(now: i64) -> Self {
        Self { opened_at: now, last_heard: now, last_ping: now, ready: false }
    }

    /// A frame arrived at `now` (`ready` = it was `ready`).
    pub fn heard(&mut self, now: i64, ready: bool) {
        self.last_heard = now;
        self.ready |= ready;
    }

    /// What to do at `now`.
    pub fn tick(&mut self, now: i64) -> Beat {
        if !self.ready {
            return if now - self.opened_at >= CONNECT_TIMEOUT_MS { Beat::Dead } else { Beat::Idle };
        }
        if now - self.last_heard >= DEAD_AFTER_MS {
            Beat::Dead
        } else if now - self.last_ping >= PING_EVERY_MS {
            self.last_ping = now;
            Beat::Ping
        } else {
            Beat::Idle
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_that_never_gets_ready_is_dead_after_the_connect_timeout() {
        let mut hb = Heartbeat::new(0);
        assert_eq!(hb.tick(CONNECT_TIMEOUT_MS - 1), Beat::Idle);
        assert_eq!(hb.tick(CONNECT_TIMEOUT_MS), Beat::Dead);
    }

    #[test]
    fn a_live_socket_is_pinged_every_period() {
        let mut hb = Heartbeat::new(0);
        hb.heard(100, true);
        assert_eq!(hb.tick(PING_EVERY_MS - 1), Beat::Idle);
        assert_eq!(hb.tick(PING_EVERY_MS), Beat::Ping);
        assert_eq!(hb.tick(PING_EVERY_MS + 1_000), Beat::Idle);
        hb.heard(PING_EVERY_MS + 2_000, false);
        assert_eq!(hb.tick(2 * PING_EVERY_MS), Beat::Ping);
    }

    #[test]
    fn a_silent_socket_is_dead_after_a_minute() {
        let mut hb = Heartbeat::new(0);
        hb.heard(1_000, true);
        hb.tick(PING_EVERY_MS);
        hb.tick(2 * PING_EVERY_MS);
        assert_eq!(hb.tick(1_000 + DEAD_AFTER_MS), Beat::Dead);
    }
}
