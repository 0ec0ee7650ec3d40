//! WebSockets: the visitor's chat socket, the agents' live feed, and the hub that fans stored
//! messages out to both. Each connection is one task with small buffers, so ten thousand idle
//! sockets stay cheap.

pub mod agent;
pub mod chat;
pub mod hub;
pub mod presence;
pub mod resume;

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use parlour_shared::ErrorCode;
use parlour_shared::ws::MAX_FRAME_BYTES;

/// A socket whose client sends nothing (not even `ping`) for this long is closed (the default
/// of `--ws-idle-timeout`).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Heartbeat timing for every socket: a WebSocket Ping every `ping_interval`; a socket that sent
/// nothing at all (no Pong, no frame) for `idle_timeout` is closed. One timer per socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    /// How often to ping.
    pub ping_interval: Duration,
    /// How long a silent socket lives.
    pub idle_timeout: Duration,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self { ping_interval: Duration::from_secs(30), idle_timeout: IDLE_TIMEOUT }
    }
}

impl Heartbeat {
    /// The socket's one timer: first tick one period from now, late ticks delayed, not bunched.
    #[must_use]
    pub fn interval(&self) -> tokio::time::Interval {
        let period = self.ping_interval.max(Duration::from_millis(10));
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    }

    /// On a tick: `true` to ping, `false` when the socket has been silent too long.
    #[must_use]
    pub fn alive(&self, last_heard: tokio::time::Instant) -> bool {
        last_heard.elapsed() < self.idle_timeout
    }
}

/// Close code: normal closure (idle timeout).
const CLOSE_NORMAL: u16 = 1000;
/// Close code: the server is going away.
const CLOSE_GOING_AWAY: u16 = 1001;

/// Applies the socket limits and buffer sizes every upgrade uses: frames up to 64 KiB, a small
/// initial read buffer (it grows for a big frame), and writes that go straight to the network.
pub fn configure(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_write_buffer_size(4 * MAX_FRAME_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
}

/// Whether a receive error is an oversized frame or message (to close with 1009).
fn is_too_big(err: axum::Error) -> bool {
    matches!(err.into_inner().downcast::<tungstenite::Error>().map(|e| *e), Ok(tungstenite::Error::Capacity(_)))
}

/// A heartbeat tick, the same for every socket: pings one heard from within the idle timeout,
/// closes one silent for longer (1000). `false` when the socket is done.
async fn on_tick(socket: &mut WebSocket, heartbeat: Heartbeat, last_heard: tokio::time::Instant) -> bool {
    if heartbeat.alive(last_heard) {
        socket.send(Message::Ping(axum::body::Bytes::new())).await.is_ok()
    } else {
        close(socket, CLOSE_NORMAL, "idle timeout").await;
        false
    }
}

/// A receive that failed, which ends the socket: an oversized frame or message is told so (1009).
async fn on_receive_error(socket: &mut WebSocket, err: axum::Error) {
    if is_too_big(err) {
        close(socket, ErrorCode::PayloadTooLarge.ws_close_code(), "frame too large").await;
    }
}

/// The server is shutting down: the client is told so (1001) and may reconnect elsewhere.
async fn on_shutdown(socket: &mut WebSocket) {
    close(socket, CLOSE_GOING_AWAY, "server shutting down").await;
}

/// Sends a close frame (ignoring errors: the peer may already be gone). The send is boxed, so a
/// socket's idle state is not sized for this once-per-connection await.
async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = Box::pin(socket.send(Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from_static(reason) })))).await;
}

/// Serialises a frame; `None` (logged) if that ever fails.
fn to_text<T: serde::Serialize>(frame: &T) -> Option<Utf8Bytes> {
    serde_json::to_string(frame)
        .map_err(|err| tracing::error!(error = %err, "cannot serialise a frame"))
        .ok()
        .map(Utf8Bytes::from)
}
