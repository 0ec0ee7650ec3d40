//! The chat's use cases as plain functions (no HTTP here): start a session, send a message,
//! fetch and list. Handlers and sockets call these; so can tests.

pub mod activity;
pub mod contact;
pub mod messages;
pub mod projects;
pub mod rating;
pub mod session;
pub mod stream;

use crate::db::writer::WriteError;
use crate::error::ApiError;

impl From<WriteError> for ApiError {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::NotFound => ApiError::NotFound,
            WriteError::Unavailable(why) => ApiError::Unavailable(why),
            WriteError::Failed(why) => ApiError::Internal(why),
            WriteError::Invalid(why) => ApiError::InvalidRequest(why.to_owned()),
        }
    }
}

/// Checks an optional `limit` against `1..=max`, defaulting to `default`.
///
/// # Errors
/// [`ApiError::InvalidRequest`] when out of range.
pub fn limit(raw: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    match raw {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::InvalidRequest(format!("limit must be between 1 and {max}"))),
    }
}
