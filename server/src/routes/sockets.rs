//! `GET /ws/chat` and `GET /ws/agent`: the token (and, for visitors, the per-IP request limit,
//! the session, its project's allowed origins and identity requirement) is checked **before** the
//! upgrade, so a refused client gets a JSON 401/403/429 instead of a socket. Each client IP may
//! hold a capped number of sockets open at once (429 before the upgrade beyond it).

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use parlour_shared::agent::AGENT_WS_PATH;
use parlour_shared::ws::CHAT_PATH;
use serde::Deserialize;

use crate::auth::extract::{Entry, admit_visitor, agent_from_token};
use crate::error::ApiError;
use crate::extract::{ApiQuery, ClientIp};
use crate::security::limits::SocketPermit;
use crate::state::AppState;
use crate::ws;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(CHAT_PATH, get(chat)).route(AGENT_WS_PATH, get(agent))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChatQuery {
    session_id: Option<String>,
    token: Option<String>,
    after: Option<i64>,
    conversation_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AgentQuery {
    token: Option<String>,
}

fn upgrade(upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>) -> Result<WebSocketUpgrade, ApiError> {
    upgrade.map(ws::configure).map_err(|_| ApiError::InvalidRequest("expected a WebSocket upgrade".to_owned()))
}

/// How long a client over its socket cap is asked to wait.
const SOCKET_CAP_RETRY_SECS: u64 = 10;

/// A permit for one more socket from `ip` (`None` when the cap is off).
fn socket_permit(state: &AppState, ip: std::net::IpAddr) -> Result<Option<SocketPermit>, ApiError> {
    match &state.guard.sockets {
        None => Ok(None),
        Some(counter) => counter.acquire(ip).map(Some).ok_or(ApiError::RateLimited { retry_after_secs: SOCKET_CAP_RETRY_SECS }),
    }
}

async fn chat(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ChatQuery>,
    socket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let session_id = query.session_id.and_then(|s| s.parse().ok()).ok_or(ApiError::SessionInvalid)?;
    let token = query.token.ok_or(ApiError::SessionInvalid)?;
    let entry = Entry { ip, headers: &headers, cors: None };
    // Only the ids stay with the socket; the row's strings are freed before the upgrade.
    let visitor = ws::chat::Visitor::from(admit_visitor(&state, &token, Some(session_id), entry).await?.session);
    let permit = socket_permit(&state, ip)?;
    // A malformed conversation id is a cursor the server cannot honour: the socket answers resync.
    let conversation = query.conversation_id.map(|c| c.parse().unwrap_or(parlour_shared::ConversationId(uuid::Uuid::nil())));
    let resume = ws::resume::Resume { conversation, after: query.after.unwrap_or(0).max(0) };
    // `run`'s future is the task's future: no wrapping `async` block (it would hold a second copy
    // of everything `run` captures). The permit is held until the socket ends.
    Ok(upgrade(socket)?.on_upgrade(move |socket| ws::chat::run(socket, state, visitor, resume, permit)))
}

async fn agent(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiQuery(query): ApiQuery<AgentQuery>,
    socket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let token = query.token.ok_or(ApiError::TokenInvalid)?;
    let agent = agent_from_token(&state, &token).await?;
    let permit = socket_permit(&state, ip)?;
    Ok(upgrade(socket)?.on_upgrade(move |socket| ws::agent::run(socket, state, agent, permit)))
}
