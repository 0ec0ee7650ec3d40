//! The agent API under `/v1/agent/…` (Bearer agent token): conversations, messages, replies,
//! typing, read receipts, status changes and streamed replies.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use parlour_shared::agent::{
    AgentProfile, AgentReplyRequest, ConversationList, ConversationSummary, ReadRequest, StatusRequest, StreamRequest,
    TypingRequest,
};
use parlour_shared::{ConversationId, Message, MessagePage};

use crate::auth::AgentAuth;
use crate::chat::activity;
use crate::chat::messages::{self, ListQuery, PageQuery};
use crate::chat::stream;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/agent/me", get(me))
        .route("/v1/agent/conversations", get(list))
        .route("/v1/agent/conversations/{id}/messages", get(fetch).post(reply))
        .route("/v1/agent/conversations/{id}/typing", post(typing))
        .route("/v1/agent/conversations/{id}/read", post(read))
        .route("/v1/agent/conversations/{id}/status", post(status))
        .route("/v1/agent/conversations/{id}/stream", post(stream_piece))
}

async fn typing(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<TypingRequest>,
) -> Result<StatusCode, ApiError> {
    activity::agent_typing(&state, &agent, id, req.is_typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read(
    State(state): State<AppState>,
    _: AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<ReadRequest>,
) -> Result<StatusCode, ApiError> {
    activity::agent_read(&state, id, req.seq).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn status(
    State(state): State<AppState>,
    _: AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Result<ApiJson<ConversationSummary>, ApiError> {
    activity::set_status(&state, id, req.status).await.map(ApiJson)
}

async fn me(AgentAuth(agent): AgentAuth) -> ApiJson<AgentProfile> {
    ApiJson(agent)
}

async fn list(State(state): State<AppState>, _: AgentAuth, ApiQuery(query): ApiQuery<ListQuery>) -> Result<ApiJson<ConversationList>, ApiError> {
    messages::list_agent(&state, query).await.map(ApiJson)
}

async fn fetch(
    State(state): State<AppState>,
    _: AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<ApiJson<MessagePage>, ApiError> {
    messages::fetch_agent(&state, id, query).await.map(ApiJson)
}

async fn reply(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<AgentReplyRequest>,
) -> Result<(StatusCode, ApiJson<Message>), ApiError> {
    let appended = if req.as_assistant {
        stream::reply_as_assistant(&state, &agent, id, req).await?
    } else {
        messages::reply_agent(&state, &agent, id, req).await?
    };
    let status = if appended.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, ApiJson(appended.message)))
}

/// One piece of a streamed reply → 204; the visitor's sockets get a `token` frame.
async fn stream_piece(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(req): ApiJson<StreamRequest>,
) -> Result<StatusCode, ApiError> {
    stream::relay(&state, &agent, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
