//! Messages and conversations as both sides see them.

use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::ids::{ConversationId, MessageId};
use crate::values::{ClientMessageId, MessageBody, ValueError};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    /// The website visitor, through the widget.
    Visitor,
    /// A human support agent.
    Agent,
    /// The AI assistant.
    Assistant,
    /// The system (e.g. "conversation closed").
    System,
}

impl AuthorKind {
    /// The kind as stored and sent, e.g. `"visitor"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthorKind::Visitor => "visitor",
            AuthorKind::Agent => "agent",
            AuthorKind::Assistant => "assistant",
            AuthorKind::System => "system",
        }
    }

    /// Parses the stored form; `None` for anything else.
    #[must_use]
    pub fn from_str_opt(raw: &str) -> Option<Self> {
        match raw {
            "visitor" => Some(AuthorKind::Visitor),
            "agent" => Some(AuthorKind::Agent),
            "assistant" => Some(AuthorKind::Assistant),
            "system" => Some(AuthorKind::System),
            _ => None,
        }
    }
}

/// The author of a message: a kind and, for agents and the assistant, a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    /// Visitor, agent, assistant or system.
    pub kind: AuthorKind,
    /// A display name, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A stored message. `seq` is its position in the conversation: 1, 2, 3… with no gaps, assigned
/// inside the write transaction. Resume cursors (`after`) are always a `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// The stored message's id.
    pub id: MessageId,
    /// The conversation it belongs to.
    pub conversation_id: ConversationId,
    /// Its per-conversation sequence number, starting at 1.
    pub seq: i64,
    /// The id the sender chose, which makes sends idempotent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_message_id: Option<ClientMessageId>,
    /// Who wrote it.
    pub author: Author,
    /// The text (plain text; never rendered as HTML). Empty only when the message carries
    /// attachments.
    pub body: String,
    /// When it was stored, in Unix milliseconds.
    pub created_at: i64,
    /// Files sent with the message (absent on the wire when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// An uploaded file's id (`POST /v1/widget/uploads` answers it; a message names it in
/// `attachmentIds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttachmentId(pub Uuid);

impl std::fmt::Display for AttachmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for AttachmentId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A file attached to a message, or just uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// The file's id.
    pub id: AttachmentId,
    /// Its (sanitised) file name.
    pub name: String,
    /// The type the server detected from its first bytes (never the one the client claimed).
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// Where to download it: `/v1/files/{id}/{name}?token=…`, relative to the server, with a
    /// short-lived download token (so `<img src>` works); refetch the message for a fresh one.
    pub url: String,
}

/// The most attachments one message may carry.
pub const MAX_ATTACHMENTS: usize = 10;

/// Checks a message's content: text, attachments, or both, never neither; at most
/// [`MAX_ATTACHMENTS`] distinct attachments.
///
/// # Errors
/// [`ValueError::Empty`] for neither, [`ValueError::TooLong`] for too many or repeated ids.
pub fn check_content(body: Option<&MessageBody>, attachment_ids: &[AttachmentId]) -> Result<(), ValueError> {
    if body.is_none() && attachment_ids.is_empty() {
        return Err(ValueError::Empty("body"));
    }
    let mut seen = attachment_ids.to_vec();
    seen.sort_unstable();
    seen.dedup();
    if attachment_ids.len() > MAX_ATTACHMENTS || seen.len() != attachment_ids.len() {
        return Err(ValueError::TooLong { what: "attachmentIds", max: MAX_ATTACHMENTS });
    }
    Ok(())
}

/// Reads an optional message body: a missing, `null` or blank `body` is `None` (allowed when the
/// message has attachments), anything else must be a valid [`MessageBody`].
pub(crate) mod optional_body {
    use serde::{Deserialize, Deserializer};

    use crate::values::MessageBody;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Option<MessageBody>, D::Error> {
        match Option::<String>::deserialize(de)? {
            Some(raw) if !raw.trim().is_empty() => MessageBody::parse(raw).map(Some).map_err(serde::de::Error::custom),
            _ => Ok(None),
        }
    }
}

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Waiting for or in conversation with an agent.
    Open,
    /// Waiting on the visitor.
    Pending,
    /// Finished.
    Closed,
}

impl ConversationStatus {
    /// The status as stored and sent, e.g. `"open"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Pending => "pending",
            ConversationStatus::Closed => "closed",
        }
    }

    /// Parses the stored form; `None` for anything else.
    #[must_use]
    pub fn from_str_opt(raw: &str) -> Option<Self> {
        match raw {
            "open" => Some(ConversationStatus::Open),
            "pending" => Some(ConversationStatus::Pending),
            "closed" => Some(ConversationStatus::Closed),
            _ => None,
        }
    }
}

/// A page of messages in `seq` order, from a fetch `after` a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// The messages, ascending by `seq`.
    pub messages: Vec<Message>,
    /// Whether more messages follow the last one returned.
    pub has_more: bool,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;
    use uuid::Uuid;

    fn sample() -> Message {
        Message {
            id: MessageId(Uuid::from_u128(1)),
            conversation_id: ConversationId(Uuid::from_u128(2)),
            seq: 3,
            client_message_id: Some(ClientMessageId::parse("c-1").unwrap()),
            author: Author { kind: AuthorKind::Agent, name: Some("Ada".into()) },
            body: "Hello <b>there</b>".into(),
            created_at: 1_700_000_000_000,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn message_round_trips_with_camel_case_fields() {
        let json = serde_json::to_value(sample()).unwrap();
        assert_eq!(json["conversationId"], "00000000-0000-0000-0000-000000000002");
        assert_eq!(json["clientMessageId"], "c-1");
        assert_eq!(json["author"]["kind"], "agent");
        assert_eq!(json["createdAt"], 1_700_000_000_000_i64);
        assert_eq!(serde_json::from_value::<Message>(json).unwrap(), sample());
    }

    #[test]
    fn attachments_are_omitted_when_empty_and_round_trip_when_present() {
        assert!(!serde_json::to_string(&sample()).unwrap().contains("attachments"));
        let mut with = sample();
        with.body = String::new();
        with.attachments.push(Attachment {
            id: AttachmentId(Uuid::from_u128(7)),
            name: "cat.png".into(),
            content_type: "image/png".into(),
            size: 12,
            url: "/v1/files/x/cat.png?token=t".into(),
        });
        let json = serde_json::to_value(&with).unwrap();
        assert_eq!(json["attachments"][0]["contentType"], "image/png");
        assert_eq!(serde_json::from_value::<Message>(json).unwrap(), with);
    }

    #[test]
    fn content_needs_text_or_attachments_and_few_distinct_ids() {
        let id = |n| AttachmentId(Uuid::from_u128(n));
        let body = MessageBody::parse("hi").unwrap();
        assert!(check_content(Some(&body), &[]).is_ok());
        assert!(check_content(None, &[id(1)]).is_ok());
        assert_eq!(check_content(None, &[]), Err(ValueError::Empty("body")));
        assert!(check_content(None, &[id(1), id(1)]).is_err());
        let many: Vec<_> = (0..=MAX_ATTACHMENTS as u128).map(id).collect();
        assert!(check_content(Some(&body), &many).is_err());
    }

    #[test]
    fn message_page_round_trips() {
        let page = MessagePage { messages: vec![sample()], has_more: true };
        let json = serde_json::to_string(&page).unwrap();
        assert!(json.contains("\"hasMore\":true"));
        assert_eq!(serde_json::from_str::<MessagePage>(&json).unwrap(), page);
    }

    #[test]
    fn kinds_and_statuses_parse_their_stored_form() {
        for kind in [AuthorKind::Visitor, AuthorKind::Agent, AuthorKind::Assistant, AuthorKind::System] {
            assert_eq!(AuthorKind::from_str_opt(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        for status in [ConversationStatus::Open, ConversationStatus::Pending, ConversationStatus::Closed] {
            assert_eq!(ConversationStatus::from_str_opt(status.as_str()), Some(status));
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        assert_eq!(AuthorKind::from_str_opt("root"), None);
    }
}
