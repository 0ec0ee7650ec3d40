//! `GET /ws/chat` and `GET /ws/agent`: the token (and, for visitors, the session and its
//! project's allowed origins) is checked **before** the upgrade, so a refused client gets a JSON
//! 401/403 instead of a socket.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use parlour_shared::agent::AGENT_WS_PATH;
use parlour_shared::ws::CHAT_PATH;
use serde::Deserialize;

use crate::auth::extract::{agent_from_token, session_from_token};
use crate::chat::session::check_origin;
use crate::error::ApiError;
use crate::extract::ApiQuery;
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
}

#[derive(Debug, Deserialize)]
struct AgentQuery {
    token: Option<String>,
}

fn upgrade(upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>) -> Result<WebSocketUpgrade, ApiError> {
    upgrade.map(ws::configure).map_err(|_| ApiError::InvalidRequest("expected a WebSocket upgrade".to_owned()))
}

async fn chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ChatQuery>,
    socket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let session_id = query.session_id.and_then(|s| s.parse().ok()).ok_or(ApiError::SessionInvalid)?;
    let token = query.token.ok_or(ApiError::SessionInvalid)?;
    let session = session_from_token(&state, &token, Some(session_id)).await?;
    let project = state.projects.get(&state.pool, &session.project_id).await?.ok_or(ApiError::SessionInvalid)?;
    check_origin(&project.allowed_domains, headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()))?;
    let after = query.after.unwrap_or(0).max(0);
    Ok(upgrade(socket)?.on_upgrade(move |socket| ws::chat::run(socket, state, session, after)))
}

async fn agent(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AgentQuery>,
    socket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let token = query.token.ok_or(ApiError::TokenInvalid)?;
    let agent = agent_from_token(&state, &token).await?;
    Ok(upgrade(socket)?.on_upgrade(move |socket| ws::agent::run(socket, state, agent)))
}
