//! The agents' live feed (`GET /ws/agent`): `ready`, then every newly stored message and every
//! conversation start or change, as they commit, and the visitors' `typing` and `read`. The agent
//! may send `ping`; the server sends a WebSocket Ping every `--ws-ping-interval` and closes a
//! feed silent for `--ws-idle-timeout`.

use axum::extract::ws::{Message, WebSocket};
use parlour_shared::ErrorCode;
use parlour_shared::agent::{AgentClientFrame, AgentFrame, AgentProfile};
use tokio::time::Instant;

use super::{close, on_receive_error, on_shutdown, on_tick, to_text};
use crate::security::limits::SocketPermit;
use crate::state::AppState;

enum Event {
    Live(Option<super::hub::LiveFrame>),
    Incoming(Option<Result<Message, axum::Error>>),
    Heartbeat,
    Shutdown,
}

/// Serves one agent feed until either side ends it; `permit` (the per-IP socket count) is held
/// until then. Not an `async fn`, for the same reason as [`super::chat::run`]; `ready` is
/// serialised up front so the profile is not kept for the feed's life.
pub fn run(
    mut socket: WebSocket,
    state: AppState,
    agent: AgentProfile,
    permit: Option<SocketPermit>,
) -> impl Future<Output = ()> + Send + 'static {
    // The agent counts as online (for visitors' presence) while the feed is open.
    let seat = state.hub.agent_online(&agent.id, &agent.name);
    let ready = to_text(&AgentFrame::Ready { agent });
    async move {
        let _permit = &permit; // counted until the feed ends
        let seat = &seat;
        let mut subscription = state.hub.subscribe_agents();
        let mut shutdown = state.shutdown.clone();
        if let Some(text) = ready
            && socket.send(Message::Text(text)).await.is_err()
        {
            return;
        }
        let heartbeat = state.heartbeat;
        let mut ticks = heartbeat.interval();
        let mut last_heard = Instant::now();
        loop {
            let event = tokio::select! {
                live = subscription.frames.recv() => Event::Live(live),
                incoming = socket.recv() => Event::Incoming(incoming),
                _ = ticks.tick() => Event::Heartbeat,
                _ = shutdown.changed() => Event::Shutdown,
            };
            let reply = match event {
                Event::Live(Some(live)) => Some(live.text.clone()),
                Event::Live(None) => {
                    close(&mut socket, ErrorCode::Unavailable.ws_close_code(), "too slow; reconnect").await;
                    return;
                }
                Event::Incoming(None | Some(Ok(Message::Close(_)))) => return,
                Event::Incoming(Some(Err(err))) => {
                    on_receive_error(&mut socket, err).await;
                    return;
                }
                Event::Incoming(Some(Ok(message))) => {
                    last_heard = Instant::now();
                    match message {
                        Message::Text(text) => match serde_json::from_str::<AgentClientFrame>(&text) {
                            Ok(AgentClientFrame::Ping) => to_text(&AgentFrame::Pong),
                            Ok(AgentClientFrame::Away { away }) => {
                                seat.set_away(away);
                                None
                            }
                            Err(err) => to_text(&AgentFrame::Error { code: ErrorCode::InvalidRequest, message: err.to_string() }),
                        },
                        Message::Binary(_) => to_text(&AgentFrame::Error {
                            code: ErrorCode::InvalidRequest,
                            message: "frames are JSON text".to_owned(),
                        }),
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
            if let Some(text) = reply
                && socket.send(Message::Text(text)).await.is_err()
            {
                return;
            }
        }
    }
}
