//! The visitor's socket (`GET /ws/chat`), after the token was checked: subscribe first, send
//! `ready`, replay stored messages with `seq > after` in order, then serve live frames, skipping
//! any live message already sent (no duplicates, no gaps). `user_message` frames are stored
//! through the writer and acknowledged in the order they were sent; several may be in flight.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::stream::{FuturesOrdered, StreamExt};
use futures_util::FutureExt;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{ClientMessageId, ConversationId, ErrorCode};
use tokio::time::{Instant, sleep};

use super::hub::Live;
use super::{CLOSE_GOING_AWAY, CLOSE_NORMAL, IDLE_TIMEOUT, close, is_too_big, to_text};
use crate::chat::messages::submit_visitor;
use crate::db::sessions::SessionRow;
use crate::db::writer::{Appended, WriteError};
use crate::db::{DbError, conversations, messages};
use crate::error::ApiError;
use crate::state::AppState;

/// `user_message` frames in flight (stored but not yet acknowledged) before the socket stops
/// reading for a while.
const MAX_IN_FLIGHT: usize = 32;
/// Messages per replay query.
const REPLAY_PAGE: u32 = 200;

/// The last message sent on this socket, so a live copy of a replayed message is skipped.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    conversation: Option<ConversationId>,
    seq: i64,
}

impl Cursor {
    /// Whether a live frame is new to this socket (and, if so, records it as sent).
    fn accept(&mut self, live: &Live) -> bool {
        if self.conversation == Some(live.conversation_id) && live.seq <= self.seq {
            return false;
        }
        self.conversation = Some(live.conversation_id);
        self.seq = live.seq;
        true
    }
}

enum Event {
    Acked(ClientMessageId, Result<Result<Appended, WriteError>, tokio::sync::oneshot::error::RecvError>),
    Live(Option<super::hub::LiveFrame>),
    Incoming(Option<Result<Message, axum::Error>>),
    Idle,
    Shutdown,
}

fn error_frame(code: ErrorCode, message: impl Into<String>, client_message_id: Option<ClientMessageId>) -> Option<Utf8Bytes> {
    to_text(&ServerFrame::Error { code, message: message.into(), client_message_id })
}

async fn send(socket: &mut WebSocket, text: Option<Utf8Bytes>) -> Result<(), axum::Error> {
    match text {
        Some(text) => socket.send(Message::Text(text)).await,
        None => Ok(()),
    }
}

/// Sends `ready` and the replay; returns where the socket stands.
async fn start(socket: &mut WebSocket, state: &AppState, session: &SessionRow, after: i64) -> Result<Cursor, StartError> {
    let current = conversations::current_for_session(&state.pool, session.id).await?;
    let ready = ServerFrame::Ready {
        session_id: session.id,
        conversation_id: current.as_ref().map(|c| c.id),
        last_seq: current.as_ref().map_or(0, |c| c.last_seq),
    };
    send(socket, to_text(&ready)).await?;
    let Some(conversation) = current else { return Ok(Cursor { conversation: None, seq: after }) };
    // A cursor past the end belongs to some other conversation; start from the end then.
    let mut cursor = Cursor { conversation: Some(conversation.id), seq: after.min(conversation.last_seq) };
    loop {
        let (page, more) = messages::after(&state.pool, conversation.id, cursor.seq, REPLAY_PAGE).await?;
        for message in page {
            cursor.seq = message.seq;
            send(socket, to_text(&ServerFrame::Message { message })).await?;
        }
        if !more {
            return Ok(cursor);
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Socket(#[from] axum::Error),
}

/// Serves one visitor socket until either side ends it.
pub async fn run(mut socket: WebSocket, state: AppState, session: SessionRow, after: i64) {
    let mut subscription = state.hub.subscribe_session(session.id);
    // Boxed: the replay's database futures are large, and an unboxed await would size every idle
    // connection's task for them.
    let mut cursor = match Box::pin(start(&mut socket, &state, &session, after)).await {
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
    let idle = sleep(IDLE_TIMEOUT);
    tokio::pin!(idle);
    loop {
        let event = tokio::select! {
            Some((id, result)) = in_flight.next(), if !in_flight.is_empty() => Event::Acked(id, result),
            live = subscription.frames.recv() => Event::Live(live),
            incoming = socket.recv(), if in_flight.len() < MAX_IN_FLIGHT => Event::Incoming(incoming),
            () = &mut idle => Event::Idle,
            _ = shutdown.changed() => Event::Shutdown,
        };
        let reply = match event {
            Event::Acked(client_message_id, result) => match result {
                Ok(Ok(appended)) => to_text(&ServerFrame::Ack { client_message_id, message: appended.message }),
                Ok(Err(err)) => {
                    let err = ApiError::from(err);
                    let body = err.body();
                    error_frame(body.code, body.message, Some(client_message_id))
                }
                Err(_) => error_frame(ErrorCode::Unavailable, "not stored, retry", Some(client_message_id)),
            },
            Event::Live(Some(live)) => cursor.accept(&live).then(|| live.text.clone()),
            Event::Live(None) => {
                close(&mut socket, ErrorCode::Unavailable.ws_close_code(), "too slow; reconnect with after").await;
                return;
            }
            Event::Incoming(None | Some(Ok(Message::Close(_)))) => return,
            Event::Incoming(Some(Err(err))) => {
                if is_too_big(err) {
                    close(&mut socket, ErrorCode::PayloadTooLarge.ws_close_code(), "frame too large").await;
                }
                return;
            }
            Event::Incoming(Some(Ok(message))) => {
                idle.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
                match message {
                    Message::Text(text) => match parse(&text) {
                        Ok(Frame::Ping) => to_text(&ServerFrame::Pong),
                        Ok(Frame::Send(id, body)) => {
                            match Box::pin(submit_visitor(&state, &session, id.clone(), body, subscription.id)).await {
                                Ok(reply) => {
                                    in_flight.push_back(reply.map(move |result| (id, result)));
                                    None
                                }
                                Err(err) => error_frame(err.code(), err.body().message, Some(id)),
                            }
                        }
                        Err((message, id)) => error_frame(ErrorCode::InvalidRequest, message, id),
                    },
                    Message::Binary(_) => error_frame(ErrorCode::InvalidRequest, "frames are JSON text", None),
                    _ => None,
                }
            }
            Event::Idle => {
                close(&mut socket, CLOSE_NORMAL, "idle timeout").await;
                return;
            }
            Event::Shutdown => {
                close(&mut socket, CLOSE_GOING_AWAY, "server shutting down").await;
                return;
            }
        };
        if send(&mut socket, reply).await.is_err() {
            return;
        }
    }
}

enum Frame {
    Ping,
    Send(ClientMessageId, parlour_shared::MessageBody),
}

/// Parses a client frame; on failure, why, and the `clientMessageId` if one can be read.
fn parse(text: &str) -> Result<Frame, (String, Option<ClientMessageId>)> {
    use parlour_shared::ws::ClientFrame;
    match serde_json::from_str::<ClientFrame>(text) {
        Ok(ClientFrame::Ping) => Ok(Frame::Ping),
        Ok(ClientFrame::UserMessage { client_message_id, body }) => Ok(Frame::Send(client_message_id, body)),
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
    fn a_bad_frame_names_its_client_message_id_when_readable() {
        let Err((_, id)) = parse(r#"{"type":"user_message","clientMessageId":"c-1","body":"   "}"#) else { panic!() };
        assert_eq!(id.unwrap().as_str(), "c-1");
        assert!(matches!(parse("not json"), Err((_, None))));
        assert!(matches!(parse(r#"{"type":"ping"}"#), Ok(Frame::Ping)));
    }
}
