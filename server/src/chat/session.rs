//! Starting a widget session (`POST /v1/widget/session/init`) and reporting on one.
//!
//! The order of the checks matters: the cheap per-IP limit first, then the body, the project
//! (exists, active, origin allowed, its own init limit), and only then the host's identity proof,
//! so an unknown or foreign origin never gets to probe a project's secrets.

use std::net::IpAddr;

use parlour_shared::{ConversationId, SessionId};
use parlour_shared::session::{ChatEndpoints, InitSessionRequest, InitSessionResponse, MAX_INIT_FIELD_LEN, SessionStatusResponse};
use uuid::Uuid;

use crate::auth::session_token::now_secs;
use crate::db::sessions::{STATUS_ACTIVE, SessionRow};
use crate::db::{conversations, now_ms};
use crate::db::conversations::ConversationRow;
use crate::db::identities;
use crate::error::ApiError;
use crate::security::cors::CorsGrant;
use crate::security::identity::{IdentityClaimsInput, IdentityError, verify_identity};
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
    /// Where to record the project's origin verdict for CORS, if anywhere.
    pub cors: Option<&'a CorsGrant>,
}

fn check_fields(req: &InitSessionRequest) -> Result<(), ApiError> {
    if req.honeypot.as_deref().is_some_and(|v| !v.is_empty()) {
        return Err(ApiError::InvalidRequest("refused".to_owned()));
    }
    let id = req.widget_instance_id.trim();
    if id.is_empty() || id.len() > MAX_WIDGET_INSTANCE_LEN {
        return Err(ApiError::InvalidRequest(format!("widgetInstanceId must be 1 to {MAX_WIDGET_INSTANCE_LEN} bytes")));
    }
    let optional = [&req.external_user_id, &req.page_url, &req.host_origin, &req.user_agent, &req.locale, &req.user_hash];
    if optional.iter().any(|field| field.as_ref().is_some_and(|v| v.len() > MAX_INIT_FIELD_LEN)) {
        return Err(ApiError::InvalidRequest(format!("fields are limited to {MAX_INIT_FIELD_LEN} bytes")));
    }
    if req.user_jwt.as_ref().is_some_and(|jwt| jwt.len() > MAX_USER_JWT_LEN) {
        return Err(ApiError::InvalidRequest(format!("userJwt is limited to {MAX_USER_JWT_LEN} bytes")));
    }
    Ok(())
}

/// The longest host identity token accepted (claims with some `user_data` fit easily).
const MAX_USER_JWT_LEN: usize = 8 * 1024;

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::Required => ApiError::JwtRequired,
            // A weak secret never gets stored; were one there, its tokens are still refused.
            IdentityError::Invalid | IdentityError::WeakSecret => ApiError::TokenInvalid,
        }
    }
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

/// Starts a session: rate limits, project checks, the host's identity proof, token, stored row
/// (committed before answering).
///
/// # Errors
/// 429, 400, 404 `ORGANIZATION_NOT_FOUND`, 403 `PROJECT_INACTIVE` / `DOMAIN_NOT_ALLOWED`, 401
/// `JWT_REQUIRED` / `JWT_INVALID`, or a database error.
pub async fn start(state: &AppState, req: InitSessionRequest, caller: Caller<'_>) -> Result<InitSessionResponse, ApiError> {
    if let Some(limits) = &state.guard.limits {
        limits.init_from(caller.ip)?;
    }
    check_fields(&req)?;
    crate::chat::contact::check_init(req.name.as_deref(), req.email.as_deref())?;
    let project = state.projects.get(&state.pool, &req.project_id).await?.ok_or(ApiError::ProjectNotFound)?;
    let verdict = check_origin(&project.allowed_domains, caller.origin);
    if let Some(grant) = caller.cors {
        grant.record(verdict.is_ok());
    }
    verdict?;
    if !project.active {
        return Err(ApiError::ProjectInactive);
    }
    if let Some(limits) = &state.guard.limits {
        limits.init_of(&project.id)?;
    }
    let proof = IdentityClaimsInput {
        jwt: req.user_jwt.as_deref(),
        user_id: req.external_user_id.as_deref(),
        user_hash: req.user_hash.as_deref(),
    };
    let verified = verify_identity(project.identity_mode, project.id.as_str(), &project.identity_secrets, &proof)?;
    let (verified_user, verified_data) = verified.map(|identity| (identity.external_user_id, identity.user_data)).unzip();
    let session_id = SessionId(Uuid::new_v4());
    let (token, expires_at) = state
        .keys
        .issue_for(session_id, &project.id, verified_user.as_deref(), now_secs())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = now_ms();
    let row = SessionRow {
        id: session_id,
        project_id: project.id.clone(),
        widget_instance_id: req.widget_instance_id,
        // What the host vouched for, else merely what the widget claimed (never used to link).
        external_user_id: verified_user.clone().or(req.external_user_id),
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
    if let Some(user) = &verified_user {
        identities::record(&state.pool, session_id, &project.id, user).await?;
    }
    crate::chat::contact::record_init(state, session_id, &project.id, (req.name, req.email), verified_data.as_ref()).await?;
    let pre_chat = crate::chat::contact::form_for_init(state, &project.id).await?;
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
        presence: state.hub.presence(),
        pre_chat,
    })
}

/// A conversation the visitor of `session` may read: their own, or one of another session of
/// the same **verified** user (the same person on another device); 404 otherwise (another
/// visitor's conversation does not exist for this one).
///
/// # Errors
/// 404 `NOT_FOUND`; database errors.
pub async fn visible_conversation(state: &AppState, session: &SessionRow, id: ConversationId) -> Result<ConversationRow, ApiError> {
    let conversation = conversations::find(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    if identities::may_see(&state.pool, session.id, conversation.session_id).await? {
        Ok(conversation)
    } else {
        Err(ApiError::NotFound)
    }
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
        presence: state.hub.presence(),
        away_mode: state.projects.get(&state.pool, &session.project_id).await?.is_none_or(|p| p.config.features.away_mode),
        max_upload_bytes: state.uploads.max_bytes,
    })
}
