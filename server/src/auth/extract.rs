//! Extractors: `Authorization: Bearer <session token>` → [`SessionAuth`], `Bearer <agent token>`
//! → [`AgentAuth`]. A session JWT never matches an agent's token hash, and an opaque agent token
//! never verifies as a JWT, so neither is accepted in the other's place.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use parlour_shared::SessionId;
use parlour_shared::agent::AgentProfile;

use super::agent_token;
use crate::db::{agents, now_ms, sessions, sessions::SessionRow};
use crate::error::ApiError;
use crate::state::AppState;

/// The caller's active session.
#[derive(Debug, Clone)]
pub struct SessionAuth(pub SessionRow);

/// The calling agent.
#[derive(Debug, Clone)]
pub struct AgentAuth(pub AgentProfile);

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The active session a session token names, checked against `expected` when the caller also
/// named a session (the WebSocket's `sessionId`).
///
/// # Errors
/// [`ApiError::SessionInvalid`] for a bad token, another session's token, or an ended, expired or
/// unknown session; database errors as such.
pub async fn session_from_token(state: &AppState, token: &str, expected: Option<SessionId>) -> Result<SessionRow, ApiError> {
    let claims = state.keys.verify(token).map_err(|_| ApiError::SessionInvalid)?;
    if expected.is_some_and(|id| id != claims.session_id) {
        return Err(ApiError::SessionInvalid);
    }
    let session = sessions::find(&state.pool, claims.session_id).await?.ok_or(ApiError::SessionInvalid)?;
    if session.project_id != claims.project_id || !session.is_active(now_ms()) {
        return Err(ApiError::SessionInvalid);
    }
    Ok(session)
}

/// The agent an agent token belongs to.
///
/// # Errors
/// [`ApiError::TokenInvalid`] for an unknown token; database errors as such.
pub async fn agent_from_token(state: &AppState, token: &str) -> Result<AgentProfile, ApiError> {
    agents::find_by_token_hash(&state.pool, &agent_token::hash(token)).await?.ok_or(ApiError::TokenInvalid)
}

impl FromRequestParts<AppState> for SessionAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(ApiError::SessionInvalid)?;
        session_from_token(state, token, None).await.map(Self)
    }
}

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(ApiError::TokenInvalid)?;
        agent_from_token(state, token).await.map(Self)
    }
}
