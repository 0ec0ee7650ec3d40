//! Starting a widget session (`POST /v1/widget/session/init`) and reporting on one.

use std::net::IpAddr;
use std::time::Instant;

use parlour_shared::SessionId;
use parlour_shared::session::{ChatEndpoints, InitSessionRequest, InitSessionResponse, MAX_INIT_FIELD_LEN, SessionStatusResponse};
use uuid::Uuid;

use crate::auth::session_token::now_secs;
use crate::db::sessions::{STATUS_ACTIVE, SessionRow};
use crate::db::{conversations, now_ms};
use crate::error::ApiError;
use crate::security::origin::AllowedDomains;
use crate::state::AppState;

/// The longest widget instance id accepted.
const MAX_WIDGET_INSTANCE_LEN: usize = 128;

/// Where an init came from.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The peer's IP (rate limit key).
    pub ip: IpAddr,
    /// The browser's `Origin` header, if any.
    pub origin: Option<&'a str>,
}

fn check_fields(req: &InitSessionRequest) -> Result<(), ApiError> {
    let id = req.widget_instance_id.trim();
    if id.is_empty() || id.len() > MAX_WIDGET_INSTANCE_LEN {
        return Err(ApiError::InvalidRequest(format!("widgetInstanceId must be 1 to {MAX_WIDGET_INSTANCE_LEN} bytes")));
    }
    let optional = [&req.external_user_id, &req.page_url, &req.host_origin, &req.user_agent, &req.locale];
    if optional.iter().any(|field| field.as_ref().is_some_and(|v| v.len() > MAX_INIT_FIELD_LEN)) {
        return Err(ApiError::InvalidRequest(format!("fields are limited to {MAX_INIT_FIELD_LEN} bytes")));
    }
    Ok(())
}

/// Checks that `origin` may use a project with these allowed domains.
///
/// # Errors
/// [`ApiError::DomainNotAllowed`] when it may not (or the stored list is unreadable).
pub fn check_origin(allowed: &[String], origin: Option<&str>) -> Result<(), ApiError> {
    if allowed.is_empty() {
        return Ok(());
    }
    let domains = AllowedDomains::parse(allowed.iter().map(String::as_str)).map_err(|_| ApiError::DomainNotAllowed)?;
    if domains.allows(origin) { Ok(()) } else { Err(ApiError::DomainNotAllowed) }
}

/// Starts a session: rate limit, project checks, token, stored row (committed before answering).
///
/// # Errors
/// 429, 400, 404 `ORGANIZATION_NOT_FOUND`, 403 `PROJECT_INACTIVE` / `DOMAIN_NOT_ALLOWED`, or a
/// database error.
pub async fn start(state: &AppState, req: InitSessionRequest, caller: Caller<'_>) -> Result<InitSessionResponse, ApiError> {
    if let Some(limiter) = &state.init_limiter {
        limiter.check(&caller.ip, Instant::now()).map_err(|retry| ApiError::RateLimited { retry_after_secs: retry.seconds() })?;
    }
    check_fields(&req)?;
    let project = state.projects.get(&state.pool, &req.project_id).await?.ok_or(ApiError::ProjectNotFound)?;
    if !project.active {
        return Err(ApiError::ProjectInactive);
    }
    check_origin(&project.allowed_domains, caller.origin)?;
    let session_id = SessionId(Uuid::new_v4());
    let (token, expires_at) = state
        .keys
        .issue(session_id, &project.id, now_secs())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = now_ms();
    let row = SessionRow {
        id: session_id,
        project_id: project.id.clone(),
        widget_instance_id: req.widget_instance_id,
        external_user_id: req.external_user_id,
        page_url: req.page_url,
        host_origin: req.host_origin,
        user_agent: req.user_agent,
        locale: req.locale,
        status: STATUS_ACTIVE.to_owned(),
        config_version: project.config.version,
        created_at: now,
        last_seen_at: now,
        expires_at: expires_at.saturating_mul(1000),
    };
    state.writer.insert_session(row).await?;
    Ok(InitSessionResponse {
        session_id,
        chat: ChatEndpoints { ws_url: format!("{}/ws/chat?sessionId={session_id}&token={token}", state.ws_base) },
        session_token: token,
        session_expires_at: expires_at,
        config_version: project.config.version,
        features: project.config.features.clone(),
        theme: project.config.theme.clone(),
        ui_hints: project.config.ui_hints.clone(),
        conversation_id: None,
    })
}

/// The state of the caller's session: its current conversation and where it ends.
///
/// # Errors
/// A database error.
pub async fn status(state: &AppState, session: &SessionRow) -> Result<SessionStatusResponse, ApiError> {
    let conversation = conversations::current_for_session(&state.pool, session.id).await?;
    Ok(SessionStatusResponse {
        session_id: session.id,
        project_id: session.project_id.clone(),
        conversation_id: conversation.as_ref().map(|c| c.id),
        last_seq: conversation.map_or(0, |c| c.last_seq),
        session_expires_at: session.expires_at / 1000,
    })
}
