//! The visitor's REST surface: send, fetch after a cursor, list conversations. Every route
//! admits the visitor through [`SessionAuth`] (per-IP limit, token, origin, identity); sends also
//! count against the per-visitor and per-project message limits.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use parlour_shared::ConversationId;
use parlour_shared::rest::{CONVERSATIONS_PATH, ConversationMessages, MESSAGES_PATH, SendMessageRequest, SendMessageResponse, VisitorConversationList};

use crate::auth::SessionAuth;
use crate::chat::messages::{self, ListQuery, PageQuery};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(MESSAGES_PATH, post(send))
        .route(CONVERSATIONS_PATH, get(list))
        .route(&format!("{CONVERSATIONS_PATH}/{{id}}/messages"), get(fetch))
        .route(&format!("{CONVERSATIONS_PATH}/{{id}}/typing"), post(typing))
        .route(&format!("{CONVERSATIONS_PATH}/{{id}}/read"), post(read))
        .route(&format!("{CONVERSATIONS_PATH}/{{id}}/rating"), post(rate))
}

/// `POST …/{id}/typing` → 204; agents see `typing` (polling transport).
async fn typing(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<parlour_shared::rest::TypingRequest>,
) -> Result<StatusCode, ApiError> {
    crate::chat::activity::own_conversation(&state, &session, id).await?;
    crate::chat::activity::visitor_typing(&state, id, req.is_typing);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/{id}/read` → 204; stored, agents see `read`.
async fn read(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<parlour_shared::rest::ReadRequest>,
) -> Result<StatusCode, ApiError> {
    crate::chat::activity::own_conversation(&state, &session, id).await?;
    crate::chat::activity::visitor_read(&state, id, req.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn send(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, ApiJson<SendMessageResponse>), ApiError> {
    if let Some(limits) = &state.guard.limits {
        limits.message(session.id, &session.project_id)?;
    }
    let response = messages::send_visitor(&state, &session, req).await?;
    let status = if response.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, ApiJson(response)))
}

async fn fetch(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<ApiJson<ConversationMessages>, ApiError> {
    messages::fetch_visitor(&state, &session, id, query).await.map(ApiJson)
}

async fn list(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<ApiJson<VisitorConversationList>, ApiError> {
    messages::list_visitor(&state, &session, query).await.map(ApiJson)
}

/// `POST …/{id}/rating` → 204; the visitor rates a closed conversation (400, 404, 409 otherwise).
async fn rate(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<parlour_shared::rest::RatingRequest>,
) -> Result<StatusCode, ApiError> {
    crate::chat::rating::rate(&state, &session, id, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}
