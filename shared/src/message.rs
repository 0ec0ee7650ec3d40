//! Messages and conversations as both sides see them.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, MessageId};
use crate::values::ClientMessageId;

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
    /// The text (plain text; never rendered as HTML).
    pub body: String,
    /// When it was stored, in Unix milliseconds.
    pub created_at: i64,
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
