//! Error codes every client sees, and the one error body shape: `{"code": "...", "message": "..."}`.

use serde::{Deserialize, Serialize};

/// A machine-readable error code, serialised SCREAMING_SNAKE_CASE. Each code has exactly one HTTP
/// status ([`ErrorCode::http_status`]) and one WebSocket close code ([`ErrorCode::ws_close_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The request's origin is not among the project's allowed domains (403).
    DomainNotAllowed,
    /// The project requires a signed end-user identity token and none was given (401).
    JwtRequired,
    /// A token was given but is malformed, expired, wrongly signed or meant for something else (401).
    JwtInvalid,
    /// Too many requests; retry after the `Retry-After` seconds (429).
    RateLimited,
    /// No project with that id exists (404).
    OrganizationNotFound,
    /// The body or query is malformed or fails validation (400).
    InvalidRequest,
    /// The project exists but is switched off (403).
    ProjectInactive,
    /// The session token does not match an active session (401).
    SessionInvalid,
    /// The resource does not exist, or is not visible to the caller (404).
    NotFound,
    /// The request does not fit the resource's current state, e.g. rating a conversation that
    /// is not closed (409).
    Conflict,
    /// The body or frame is larger than allowed (413).
    PayloadTooLarge,
    /// An upload's content (read from its first bytes) is not an accepted file type (415).
    UnsupportedMediaType,
    /// The server cannot serve the request right now, e.g. the database is unreachable (503).
    Unavailable,
    /// An unexpected server error; details are in the server log, never in the response (500).
    Internal,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::DomainNotAllowed,
        ErrorCode::JwtRequired,
        ErrorCode::JwtInvalid,
        ErrorCode::RateLimited,
        ErrorCode::OrganizationNotFound,
        ErrorCode::InvalidRequest,
        ErrorCode::ProjectInactive,
        ErrorCode::SessionInvalid,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];

    /// The HTTP status that goes with this code.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest => 400,
            ErrorCode::JwtRequired | ErrorCode::JwtInvalid | ErrorCode::SessionInvalid => 401,
            ErrorCode::DomainNotAllowed | ErrorCode::ProjectInactive => 403,
            ErrorCode::OrganizationNotFound | ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// The WebSocket close code used when an open socket is closed for this reason
    /// (4000 + the HTTP status, in the private-use range 4000–4999; 1009 for oversized frames).
    #[must_use]
    pub const fn ws_close_code(self) -> u16 {
        match self {
            ErrorCode::PayloadTooLarge => 1009,
            other => 4000 + other.http_status(),
        }
    }

    /// The code as it appears on the wire, e.g. `"JWT_INVALID"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::DomainNotAllowed => "DOMAIN_NOT_ALLOWED",
            ErrorCode::JwtRequired => "JWT_REQUIRED",
            ErrorCode::JwtInvalid => "JWT_INVALID",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::OrganizationNotFound => "ORGANIZATION_NOT_FOUND",
            ErrorCode::InvalidRequest => "INVALID_REQUEST",
            ErrorCode::ProjectInactive => "PROJECT_INACTIVE",
            ErrorCode::SessionInvalid => "SESSION_INVALID",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response, REST or WebSocket `error` frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people. Never contains internal details.
    pub message: String,
}

impl ErrorBody {
    /// An error body with the given code and human-readable message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_to_its_wire_name_and_back() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn seed_codes_keep_their_names() {
        let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for seed in ["DOMAIN_NOT_ALLOWED", "JWT_REQUIRED", "JWT_INVALID", "RATE_LIMITED", "ORGANIZATION_NOT_FOUND"] {
            assert!(names.contains(&seed), "{seed} missing");
        }
    }

    #[test]
    fn statuses_and_close_codes_are_in_range() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()));
            let close = code.ws_close_code();
            assert!(close == 1009 || (4000..5000).contains(&close));
        }
    }

    #[test]
    fn unsupported_media_type_is_415() {
        assert_eq!(ErrorCode::UnsupportedMediaType.http_status(), 415);
        assert_eq!(ErrorCode::UnsupportedMediaType.ws_close_code(), 4415);
        assert_eq!(serde_json::to_string(&ErrorCode::UnsupportedMediaType).unwrap(), "\"UNSUPPORTED_MEDIA_TYPE\"");
    }

    #[test]
    fn error_body_round_trips() {
        let body = ErrorBody::new(ErrorCode::NotFound, "no such conversation");
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"code":"NOT_FOUND","message":"no such conversation"}"#);
        assert_eq!(serde_json::from_str::<ErrorBody>(&json).unwrap(), body);
    }
}
