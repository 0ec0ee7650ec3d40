//! Extractors: `Authorization: Bearer <session token>` → [`SessionAuth`], `Bearer <agent token>`
//! → [`AgentAuth`]. A session JWT never matches an agent's token hash, and an opaque agent token
//! never verifies as a JWT, so neither is accepted in the other's place; a host identity token
//! (`aud` = `chat-widget`, signed with a project secret) is neither.
//!
//! Every visitor entry point goes through [`admit_visitor`]: the per-IP request limit, the
//! token, the session, its project (active, the origin allowed, and a verified user when the
//! project requires one).

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use parlour_shared::SessionId;
use parlour_shared::agent::AgentProfile;

use super::agent_token;
use crate::chat::session::check_origin;
use crate::db::projects::Project;
use crate::db::{agents, now_ms, sessions, sessions::SessionRow};
use crate::error::ApiError;
use crate::extract::client_ip;
use crate::security::cors::CorsGrant;
use crate::security::identity::IdentityMode;
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

/// An admitted visitor: the session, its project, and the end user the host vouched for.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The active session.
    pub session: SessionRow,
    /// Its project.
    pub project: Arc<Project>,
    /// The verified external user id from the session token, if the host vouched for one.
    pub verified_user: Option<String>,
}

/// Where a visitor request comes from.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The client IP (after trusted proxies).
    pub ip: IpAddr,
    /// The request headers (`Origin`).
    pub headers: &'a HeaderMap,
    /// The CORS verdict to record, when the CORS layer asked for one.
    pub cors: Option<&'a CorsGrant>,
}

/// Admits a visitor request carrying a session token: the per-IP request limit, the token (bound
/// to `expected` when the caller named a session), the session, and its project: active, the
/// origin allowed, and a verified user when the project requires one.
///
/// # Errors
/// 429 `RATE_LIMITED`, 401 `SESSION_INVALID`, 403 `PROJECT_INACTIVE` / `DOMAIN_NOT_ALLOWED`, 401
/// `JWT_REQUIRED`, or a database error.
pub async fn admit_visitor(state: &AppState, token: &str, expected: Option<SessionId>, entry: Entry<'_>) -> Result<Visitor, ApiError> {
    if let Some(limits) = &state.guard.limits {
        limits.request_from(entry.ip)?;
    }
    let claims = state.keys.verify(token).map_err(|_| ApiError::SessionInvalid)?;
    if expected.is_some_and(|id| id != claims.session_id) {
        return Err(ApiError::SessionInvalid);
    }
    let session = sessions::find(&state.pool, claims.session_id).await?.ok_or(ApiError::SessionInvalid)?;
    if session.project_id != claims.project_id || !session.is_active(now_ms()) {
        return Err(ApiError::SessionInvalid);
    }
    let project = state.projects.get(&state.pool, &session.project_id).await?.ok_or(ApiError::SessionInvalid)?;
    let origin = entry.headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let verdict = check_origin(&project.allowed_domains, origin);
    if let Some(grant) = entry.cors {
        grant.record(verdict.is_ok());
    }
    verdict?;
    if !project.active {
        return Err(ApiError::ProjectInactive);
    }
    if project.identity_mode == IdentityMode::Required && claims.verified_user.is_none() {
        return Err(ApiError::JwtRequired);
    }
    Ok(Visitor { session, project, verified_user: claims.verified_user })
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
        let ip = client_ip(parts, state);
        let cors = parts.extensions.get::<CorsGrant>().cloned();
        let token = bearer(parts).ok_or(ApiError::SessionInvalid)?;
        let entry = Entry { ip, headers: &parts.headers, cors: cors.as_ref() };
        admit_visitor(state, token, None, entry).await.map(|visitor| Self(visitor.session))
    }
}

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(ApiError::TokenInvalid)?;
        agent_from_token(state, token).await.map(Self)
    }
}
