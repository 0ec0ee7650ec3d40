//! The one API error type and its mapping to a response: `shared::ErrorBody` JSON with the
//! status of its `ErrorCode`. Internal details are logged here and never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use parlour_shared::{ErrorBody, ErrorCode};

use crate::db::DbError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `INVALID_REQUEST`: malformed body, query or path, or a value that fails validation.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// 401 `SESSION_INVALID`: no, bad, expired or foreign session token, or the session ended.
    #[error("session invalid")]
    SessionInvalid,
    /// 401 `JWT_INVALID`: a bad agent token (or a session token where an agent token belongs), or
    /// a host identity token / `userHash` that does not verify.
    #[error("token invalid")]
    TokenInvalid,
    /// 401 `JWT_REQUIRED`: the project requires a verified end-user identity and none was given
    /// (or the session was started without one).
    #[error("identity required")]
    JwtRequired,
    /// 403 `DOMAIN_NOT_ALLOWED`: the origin is not among the project's allowed domains.
    #[error("domain not allowed")]
    DomainNotAllowed,
    /// 404 `ORGANIZATION_NOT_FOUND`: no such project.
    #[error("project not found")]
    ProjectNotFound,
    /// 403 `PROJECT_INACTIVE`: the project is switched off.
    #[error("project inactive")]
    ProjectInactive,
    /// 404 `NOT_FOUND`: no such resource, or not the caller's.
    #[error("not found")]
    NotFound,
    /// 409 `CONFLICT`: the resource is not in a state that allows this (e.g. rating a
    /// conversation that is not closed); the message says why.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// 413 `PAYLOAD_TOO_LARGE`: the body is over the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415 `UNSUPPORTED_MEDIA_TYPE`: an upload whose first bytes are not an accepted file type.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 429 `RATE_LIMITED`, with `Retry-After` seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// 503 `UNAVAILABLE`: the database is out of reach or overloaded (logged).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 500 `INTERNAL`: anything unexpected (logged, never shown).
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    /// The wire code for this error.
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self {
            ApiError::InvalidRequest(_) => ErrorCode::InvalidRequest,
            ApiError::SessionInvalid => ErrorCode::SessionInvalid,
            ApiError::TokenInvalid => ErrorCode::JwtInvalid,
            ApiError::JwtRequired => ErrorCode::JwtRequired,
            ApiError::DomainNotAllowed => ErrorCode::DomainNotAllowed,
            ApiError::ProjectNotFound => ErrorCode::OrganizationNotFound,
            ApiError::ProjectInactive => ErrorCode::ProjectInactive,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Unavailable(_) => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The body a client sees: the code and a message that never holds internal details.
    #[must_use]
    pub fn body(&self) -> ErrorBody {
        let message = match self {
            ApiError::InvalidRequest(why) => why.clone(),
            ApiError::SessionInvalid => "the session token is not valid for an active session".to_owned(),
            ApiError::TokenInvalid => "the token is not valid here".to_owned(),
            ApiError::JwtRequired => "this project requires a signed user identity (userJwt)".to_owned(),
            ApiError::DomainNotAllowed => "this origin is not allowed for the project".to_owned(),
            ApiError::ProjectNotFound => "no such project".to_owned(),
            ApiError::ProjectInactive => "the project is not active".to_owned(),
            ApiError::NotFound => "not found".to_owned(),
            ApiError::Conflict(why) => (*why).to_owned(),
            ApiError::PayloadTooLarge => "the request is too large".to_owned(),
            ApiError::UnsupportedMediaType => {
                "this file type is not accepted (PNG, JPEG, GIF, WebP, PDF or plain text)".to_owned()
            }
            ApiError::RateLimited { .. } => "too many requests, retry later".to_owned(),
            ApiError::Unavailable(_) => "the service is temporarily unavailable".to_owned(),
            ApiError::Internal(_) => "internal error".to_owned(),
        };
        ErrorBody::new(self.code(), message)
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Unavailable(why) => ApiError::Unavailable(why),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        DbError::from(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(why) => tracing::error!(error = %why, "internal error"),
            ApiError::Unavailable(why) => tracing::warn!(error = %why, "unavailable"),
            _ => {}
        }
        let code = self.code();
        let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body())).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_body() {
        let body = ApiError::Internal("disk on fire at /var/db".into()).body();
        assert_eq!(body.code, ErrorCode::Internal);
        assert!(!body.message.contains("disk"));
    }

    #[test]
    fn every_variant_uses_its_codes_status() {
        let response = ApiError::ProjectNotFound.into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = ApiError::RateLimited { retry_after_secs: 3 }.into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "3");
    }
}
