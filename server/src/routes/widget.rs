//! The visitor's REST surface: send, fetch after a cursor, list conversations.

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
}

async fn send(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, ApiJson<SendMessageResponse>), ApiError> {
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
