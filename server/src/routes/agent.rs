//! The agent API under `/v1/agent/…` (Bearer agent token).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use parlour_shared::agent::{AgentProfile, AgentReplyRequest, ConversationList};
use parlour_shared::{ConversationId, Message, MessagePage};

use crate::auth::AgentAuth;
use crate::chat::messages::{self, ListQuery, PageQuery};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/agent/me", get(me))
        .route("/v1/agent/conversations", get(list))
        .route("/v1/agent/conversations/{id}/messages", get(fetch).post(reply))
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
    let appended = messages::reply_agent(&state, &agent, id, req).await?;
    let status = if appended.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, ApiJson(appended.message)))
}
