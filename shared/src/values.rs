//! Validated values, parsed once at the edge (parse, don't validate). Deserialising one of these
//! fails on a bad value, so a server handler or the widget only ever holds good ones.

use serde::{Deserialize, Serialize};

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value was empty (or only white space, for message bodies).
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// The value was longer than allowed.
    #[error("{what} is longer than {max} characters")]
    TooLong {
        /// Which value.
        what: &'static str,
        /// The limit, in characters.
        max: usize,
    },
    /// The value held a character that is not allowed.
    #[error("{0} may hold only letters, digits, '-' and '_'")]
    BadCharacter(&'static str),
}

fn parse_slug(what: &'static str, raw: &str, max: usize) -> Result<(), ValueError> {
    if raw.is_empty() {
        return Err(ValueError::Empty(what));
    }
    if raw.chars().count() > max {
        return Err(ValueError::TooLong { what, max });
    }
    if !raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(ValueError::BadCharacter(what));
    }
    Ok(())
}

/// A project's public id, as written in `<chat-widget project-id="…">`: 1–64 characters of
/// `[A-Za-z0-9_-]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProjectId(String);

impl ProjectId {
    /// The longest project id accepted.
    pub const MAX_LEN: usize = 64;

    /// Parses a project id.
    ///
    /// # Errors
    /// [`ValueError`] when empty, too long or holding other characters than `[A-Za-z0-9_-]`.
    pub fn parse(raw: impl Into<String>) -> Result<Self, ValueError> {
        let raw = raw.into();
        parse_slug("projectId", &raw, Self::MAX_LEN)?;
        Ok(Self(raw))
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProjectId {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(raw)
    }
}

impl From<ProjectId> for String {
    fn from(id: ProjectId) -> Self {
        id.0
    }
}

impl std::fmt::Display for ProjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A client-generated id that makes a send idempotent: 1–64 characters of `[A-Za-z0-9_-]`
/// (a UUID fits). Sending twice with the same id stores one message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientMessageId(String);

impl ClientMessageId {
    /// The longest client message id accepted.
    pub const MAX_LEN: usize = 64;

    /// Parses a client message id.
    ///
    /// # Errors
    /// [`ValueError`] when empty, too long or holding other characters than `[A-Za-z0-9_-]`.
    pub fn parse(raw: impl Into<String>) -> Result<Self, ValueError> {
        let raw = raw.into();
        parse_slug("clientMessageId", &raw, Self::MAX_LEN)?;
        Ok(Self(raw))
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientMessageId {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(raw)
    }
}

impl From<ClientMessageId> for String {
    fn from(id: ClientMessageId) -> Self {
        id.0
    }
}

impl std::fmt::Display for ClientMessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of a message: not blank, at most [`MessageBody::MAX_CHARS`] characters. Surrounding
/// white space is trimmed; inner line breaks are kept. Always displayed as text, never as HTML.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageBody(String);

impl MessageBody {
    /// The longest message accepted, in characters (Unicode scalar values).
    pub const MAX_CHARS: usize = 5_000;

    /// Parses a message body.
    ///
    /// # Errors
    /// [`ValueError::Empty`] when blank, [`ValueError::TooLong`] past [`MessageBody::MAX_CHARS`].
    pub fn parse(raw: impl Into<String>) -> Result<Self, ValueError> {
        let raw = raw.into();
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ValueError::Empty("body"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong { what: "body", max: Self::MAX_CHARS });
        }
        if trimmed.len() == raw.len() {
            Ok(Self(raw))
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl TryFrom<String> for MessageBody {
    type Error = ValueError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(raw)
    }
}

impl From<MessageBody> for String {
    fn from(body: MessageBody) -> Self {
        body.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;

    #[test]
    fn project_id_accepts_slugs_and_refuses_the_rest() {
        assert!(ProjectId::parse("demo").is_ok());
        assert!(ProjectId::parse("acme_Shop-2").is_ok());
        assert_eq!(ProjectId::parse(""), Err(ValueError::Empty("projectId")));
        assert_eq!(ProjectId::parse("a b"), Err(ValueError::BadCharacter("projectId")));
        assert_eq!(ProjectId::parse("../etc"), Err(ValueError::BadCharacter("projectId")));
        assert!(matches!(ProjectId::parse("x".repeat(65)), Err(ValueError::TooLong { .. })));
        assert!(ProjectId::parse("x".repeat(64)).is_ok());
    }

    #[test]
    fn project_id_deserialisation_validates() {
        assert!(serde_json::from_str::<ProjectId>("\"demo\"").is_ok());
        assert!(serde_json::from_str::<ProjectId>("\"<script>\"").is_err());
    }

    #[test]
    fn client_message_id_accepts_a_uuid() {
        let id = ClientMessageId::parse("7f9c24e8-3b12-4fef-91e0-5a1b2c3d4e5f").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"7f9c24e8-3b12-4fef-91e0-5a1b2c3d4e5f\"");
        assert!(ClientMessageId::parse("").is_err());
        assert!(ClientMessageId::parse("a".repeat(65)).is_err());
    }

    #[test]
    fn message_body_trims_and_keeps_inner_newlines() {
        let body = MessageBody::parse("  hello\nworld \n").unwrap();
        assert_eq!(body.as_str(), "hello\nworld");
    }

    #[test]
    fn message_body_refuses_blank_and_too_long() {
        assert_eq!(MessageBody::parse(" \n\t "), Err(ValueError::Empty("body")));
        assert!(MessageBody::parse("é".repeat(MessageBody::MAX_CHARS)).is_ok());
        assert!(matches!(
            MessageBody::parse("é".repeat(MessageBody::MAX_CHARS + 1)),
            Err(ValueError::TooLong { .. })
        ));
    }

    #[test]
    fn message_body_deserialisation_validates() {
        assert!(serde_json::from_str::<MessageBody>("\"   \"").is_err());
        assert_eq!(serde_json::from_str::<MessageBody>("\" hi \"").unwrap().as_str(), "hi");
    }
}
