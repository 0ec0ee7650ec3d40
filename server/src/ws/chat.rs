//! The visitor's socket (`GET /ws/chat`), after the token was checked: subscribe first, send
//! `ready`, replay stored messages with `seq > after` in order, then serve live frames, skipping
//! any live message already sent (no duplicates, no gaps). `user_message` frames are stored
//! through the writer and acknowledged in the order they were sent; several may be in flight.
//! A cursor that cannot be honoured gets `resync` instead of a replay (see [`super::resume`]).
//! `typing` (at most two a second) and `read` go to the agents. One timer per socket: a WebSocket
//! Ping every `--ws-ping-interval`, and a close after `--ws-idle-timeout` of silence.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::stream::{FuturesOrdered, StreamExt};
use futures_util::FutureExt;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{ClientMessageId, ConversationId, ErrorCode, ProjectId, SessionId};
use tokio::time::Instant;

use super::hub::Live;
use super::resume::{Resume, start};
use super::{close, on_receive_error, on_shutdown, on_tick, to_text};
use crate::chat::activity;
use crate::chat::messages::{Content, submit_visitor};
use crate::db::sessions::SessionRow;
use crate::db::writer::{AppendReply, Appended, WriteError};
use crate::db::{DbError, now_ms};
use crate::error::ApiError;
use crate::security::limits::{FrameVerdict, SocketPermit};
use crate::state::AppState;

/// `user_message` frames in flight (stored but not yet acknowledged) before the socket stops
/// reading for a while.
const MAX_IN_FLIGHT: usize = 32;
/// `typing` frames forwarded per socket and second; more are ignored.
const TYPING_PER_SECOND: u8 = 2;

/// What a visitor socket keeps of its session for its whole life: the ids the limits and the
/// writer need, not the row's strings (user agent, page URL, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    /// The session.
    pub id: SessionId,
    /// Its project.
    pub project_id: ProjectId,
}

impl From<SessionRow> for Visitor {
    fn from(row: SessionRow) -> Self {
        Self { id: row.id, project_id: row.project_id }
    }
}

/// Queues a `user_message` for this socket's visitor.
async fn submit(state: &AppState, visitor: &Visitor, id: ClientMessageId, content: Content, origin: u64) -> Result<AppendReply, ApiError> {
    submit_visitor(state, visitor.id, &visitor.project_id, id, content, origin).await
}

/// The last message sent on this socket, so a live copy of a replayed message is skipped.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor {
    pub(super) conversation: Option<ConversationId>,
    pub(super) seq: i64,
}

impl Cursor {
    /// Whether a live frame is new to this socket (and, if so, records it as sent). Frames that
    /// are not messages (`seq` 0) always are.
    fn accept(&mut self, live: &Live) -> bool {
        if live.seq == 0 {
            return true;
        }
        if self.conversation == Some(live.conversation_id) && live.seq <= self.seq {
            return false;
        }
        self.conversation = Some(live.conversation_id);
        self.seq = live.seq;
        true
    }
}

enum Event {
    Acked(ClientMessageId, Box<Result<Result<Appended, WriteError>, tokio::sync::oneshot::error::RecvError>>),
    Live(Option<super::hub::LiveFrame>),
    Incoming(Option<Result<Message, axum::Error>>),
    Heartbeat,
    Shutdown,
}

/// Lets through at most [`TYPING_PER_SECOND`] `typing` frames per second.
#[derive(Debug)]
struct TypingGate {
    window: Instant,
    count: u8,
}

impl TypingGate {
    fn allow(&mut self, now: Instant) -> bool {
        if now.duration_since(self.window) >= std::time::Duration::from_secs(1) {
            self.window = now;
            self.count = 0;
        }
        self.count += 1;
        self.count <= TYPING_PER_SECOND
    }
}

fn error_frame(code: ErrorCode, message: impl Into<String>, client_message_id: Option<ClientMessageId>) -> Option<Utf8Bytes> {
    to_text(&ServerFrame::Error { code, message: message.into(), client_message_id })
}

pub(super) async fn send(socket: &mut WebSocket, text: Option<Utf8Bytes>) -> Result<(), axum::Error> {
    match text {
        Some(text) => socket.send(Message::Text(text)).await,
        None => Ok(()),
    }
}

#[derive(Debug, thiserror::Error)]
pub(super) enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Socket(#[from] axum::Error),
}

/// Serves one visitor socket until either side ends it; `permit` (the per-IP socket count) is held
/// until then.
///
/// Not an `async fn`: that would move each argument into a second slot of the future, and every
/// idle connection's task would carry both copies. The `async move` block uses its captures in
/// place. Every rarely taken await (replay, close, drain, ping, stores) is boxed, so the idle state
/// is the `select!` and the few locals around it.
#[expect(clippy::manual_async_fn, reason = "an async fn would store its arguments twice")]
pub fn run(
    mut socket: WebSocket,
    state: AppState,
    visitor: Visitor,
    resume: Resume,
    permit: Option<SocketPermit>,
) -> impl Future<Output = ()> + Send + 'static {
    async move {
        let _permit = &permit; // counted until the socket ends
        let mut subscription = state.hub.subscribe_session(visitor.id);
        // Boxed: the replay's database futures are large, and an unboxed await would size every idle
        // connection's task for them.
        let mut cursor = match Box::pin(start(&mut socket, &state, visitor.id, resume)).await {
            Ok(cursor) => cursor,
            Err(StartError::Db(err)) => {
                tracing::warn!(error = %err, "cannot replay; closing the socket");
                close(&mut socket, ErrorCode::Unavailable.ws_close_code(), "unavailable").await;
                return;
            }
            Err(StartError::Socket(_)) => return,
        };
        let mut shutdown = state.shutdown.clone();
        let mut in_flight = FuturesOrdered::new();
        // Frames over the per-socket rate get an error frame; a sustained flood closes with 4429.
        let mut frames = state.guard.limits.as_ref().map(crate::security::limits::Limiters::frame_budget);
        let heartbeat = state.heartbeat;
        let mut ticks = heartbeat.interval();
        let mut last_heard = Instant::now();
        let mut typing = TypingGate { window: last_heard, count: 0 };
        // The conversation `typing` and `read` are about: the newest one this socket has seen.
        let mut current = cursor.conversation;
        let mut read_sent = 0_i64;
        loop {
            let event = tokio::select! {
                Some((id, result)) = in_flight.next(), if !in_flight.is_empty() => Event::Acked(id, Box::new(result)),
                live = subscription.frames.recv() => Event::Live(live),
                incoming = socket.recv(), if in_flight.len() < MAX_IN_FLIGHT => Event::Incoming(incoming),
                _ = ticks.tick() => Event::Heartbeat,
                _ = shutdown.changed() => Event::Shutdown,
            };
            let reply = match event {
                Event::Acked(client_message_id, result) => match *result {
                    Ok(Ok(mut appended)) => {
                        current = Some(appended.message.conversation_id);
                        state.uploads.signer.sign(&mut appended.message, now_ms());
                        to_text(&ServerFrame::Ack { client_message_id, message: appended.message })
                    }
                    Ok(Err(err)) => {
                        let err = ApiError::from(err);
                        let body = err.body();
                        error_frame(body.code, body.message, Some(client_message_id))
                    }
                    Err(_) => error_frame(ErrorCode::Unavailable, "not stored, retry", Some(client_message_id)),
                },
                Event::Live(Some(live)) => {
                    if live.seq > 0 {
                        current = Some(live.conversation_id);
                    }
                    cursor.accept(&live).then(|| live.text.clone())
                }
                Event::Live(None) => {
                    close(&mut socket, ErrorCode::Unavailable.ws_close_code(), "too slow; reconnect with after").await;
                    return;
                }
                Event::Incoming(None | Some(Ok(Message::Close(_)))) => return,
                Event::Incoming(Some(Err(err))) => {
                    on_receive_error(&mut socket, err).await;
                    return;
                }
                Event::Incoming(Some(Ok(message))) => {
                    last_heard = Instant::now();
                    match frames.as_mut().map_or(FrameVerdict::Accept, |budget| budget.check(std::time::Instant::now())) {
                        FrameVerdict::Accept => {}
                        FrameVerdict::Refuse => {
                            if send(&mut socket, error_frame(ErrorCode::RateLimited, "too many frames; slow down", None)).await.is_err() {
                                return;
                            }
                            continue;
                        }
                        FrameVerdict::Close => {
                            close(&mut socket, ErrorCode::RateLimited.ws_close_code(), "too many frames").await;
                            drain_until_closed(&mut socket).await;
                            return;
                        }
                    }
                    match message {
                        Message::Text(text) => match parse(&text) {
                            Ok(Frame::Ping) => to_text(&ServerFrame::Pong),
                            Ok(Frame::Typing(is_typing)) => {
                                if let Some(conversation) = current
                                    && typing.allow(last_heard)
                                {
                                    activity::visitor_typing(&state, conversation, is_typing);
                                }
                                None
                            }
                            Ok(Frame::Read(seq)) => match current {
                                Some(_) if seq <= read_sent => None,
                                Some(conversation) => match Box::pin(activity::visitor_read(&state, conversation, seq)).await {
                                    Ok(()) => {
                                        read_sent = seq;
                                        None
                                    }
                                    Err(err) => error_frame(err.code(), err.body().message, None),
                                },
                                None => error_frame(ErrorCode::InvalidRequest, "no conversation to mark read yet", None),
                            },
                            Ok(Frame::Send(id, content)) => match message_allowed(&state, &visitor) {
                                Err(err) => error_frame(err.code(), err.body().message, Some(id)),
                                Ok(()) => match Box::pin(submit(&state, &visitor, id.clone(), content, subscription.id)).await {
                                    Ok(reply) => {
                                        in_flight.push_back(reply.map(move |result| (id, result)));
                                        None
                                    }
                                    Err(err) => error_frame(err.code(), err.body().message, Some(id)),
                                },
                            },
                            Err((message, id)) => error_frame(ErrorCode::InvalidRequest, message, id),
                        },
                        Message::Binary(_) => error_frame(ErrorCode::InvalidRequest, "frames are JSON text", None),
                        _ => None,
                    }
                }
                // Boxed, like every rarely taken await: the idle task is not sized for it.
                Event::Heartbeat => {
                    if !Box::pin(on_tick(&mut socket, heartbeat, last_heard)).await {
                        return;
                    }
                    None
                }
                Event::Shutdown => {
                    on_shutdown(&mut socket).await;
                    return;
                }
            };
            if send(&mut socket, reply).await.is_err() {
                return;
            }
        }
    }
}

/// After sending a close frame to a flooding client, reads (and drops) what it already sent
/// until its close reply, for a second at most: closing the TCP connection with unread data
/// would reset it, and the client would never see why it was closed.
async fn drain_until_closed(socket: &mut WebSocket) {
    let drain = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                return;
            }
        }
    };
    // Boxed: the timer is large and only a flooding client ever gets here.
    let _ = Box::pin(tokio::time::timeout(std::time::Duration::from_secs(1), drain)).await;
}

/// The per-visitor and per-project message limits (the same as for REST sends).
fn message_allowed(state: &AppState, visitor: &Visitor) -> Result<(), ApiError> {
    match &state.guard.limits {
        Some(limits) => Ok(limits.message(visitor.id, &visitor.project_id)?),
        None => Ok(()),
    }
}

enum Frame {
    Ping,
    Send(ClientMessageId, Content),
    Typing(bool),
    Read(i64),
}

/// Parses a client frame; on failure, why, and the `clientMessageId` if one can be read.
fn parse(text: &str) -> Result<Frame, (String, Option<ClientMessageId>)> {
    use parlour_shared::ws::ClientFrame;
    match serde_json::from_str::<ClientFrame>(text) {
        Ok(ClientFrame::Ping) => Ok(Frame::Ping),
        Ok(ClientFrame::UserMessage { client_message_id, body, attachment_ids }) => {
            Ok(Frame::Send(client_message_id, Content { body, attachment_ids }))
        }
        Ok(ClientFrame::Typing { is_typing }) => Ok(Frame::Typing(is_typing)),
        Ok(ClientFrame::Read { seq }) => Ok(Frame::Read(seq)),
        Err(err) => {
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("clientMessageId")?.as_str().and_then(|s| ClientMessageId::parse(s).ok()));
            Err((err.to_string(), id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn live(conversation: ConversationId, seq: i64) -> Live {
        Live { conversation_id: conversation, seq, text: "{}".into() }
    }

    #[test]
    fn the_cursor_skips_what_was_replayed_and_follows_a_new_conversation() {
        let (a, b) = (ConversationId(Uuid::new_v4()), ConversationId(Uuid::new_v4()));
        let mut cursor = Cursor { conversation: Some(a), seq: 3 };
        assert!(!cursor.accept(&live(a, 2)));
        assert!(!cursor.accept(&live(a, 3)));
        assert!(cursor.accept(&live(a, 4)));
        assert!(cursor.accept(&live(b, 1)), "a new conversation starts at 1");
        let mut fresh = Cursor { conversation: None, seq: 9 };
        assert!(fresh.accept(&live(a, 1)));
    }

    #[test]
    fn typing_is_let_through_twice_a_second() {
        let start = Instant::now();
        let mut gate = TypingGate { window: start, count: 0 };
        assert!(gate.allow(start) && gate.allow(start));
        assert!(!gate.allow(start + std::time::Duration::from_millis(500)));
        assert!(gate.allow(start + std::time::Duration::from_millis(1000)));
    }

    #[test]
    fn frames_that_are_not_messages_always_pass_the_cursor() {
        let a = ConversationId(Uuid::new_v4());
        let mut cursor = Cursor { conversation: Some(a), seq: 3 };
        assert!(cursor.accept(&live(a, 0)));
        assert_eq!(cursor.seq, 3);
    }

    #[test]
    fn a_bad_frame_names_its_client_message_id_when_readable() {
        let Err((_, id)) = parse(r#"{"type":"user_message","clientMessageId":"c-1","body":"   "}"#) else { panic!() };
        assert_eq!(id.unwrap().as_str(), "c-1");
        assert!(matches!(parse("not json"), Err((_, None))));
        assert!(matches!(parse(r#"{"type":"ping"}"#), Ok(Frame::Ping)));
    }
}
