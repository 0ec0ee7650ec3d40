//! Visitor contact details: the widget's `POST /v1/widget/contact` (Bearer session token, admitted
//! like every visitor route: per-IP limit, token, origin, identity) and the agents'
//! `GET /v1/agent/conversations/{id}/visitor`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use parlour_shared::ConversationId;
use parlour_shared::agent::VisitorContact;
use parlour_shared::rest::{CONTACT_PATH, ContactRequest};

use crate::auth::{AgentAuth, SessionAuth};
use crate::chat::contact;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The widget's route (merged with the other widget routes, under their CORS).
pub(super) fn widget_router() -> Router<AppState> {
    Router::new().route(CONTACT_PATH, post(save))
}

/// The agents' route.
pub(super) fn agent_router() -> Router<AppState> {
    Router::new().route("/v1/agent/conversations/{id}/visitor", get(visitor))
}

/// `POST /v1/widget/contact` → 204.
async fn save(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiJson(req): ApiJson<ContactRequest>,
) -> Result<StatusCode, ApiError> {
    contact::save_visitor(&state, &session, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/agent/conversations/{id}/visitor` → [`VisitorContact`].
async fn visitor(
    State(state): State<AppState>,
    _: AgentAuth,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<ApiJson<VisitorContact>, ApiError> {
    contact::for_conversation(&state, id).await.map(ApiJson)
}
