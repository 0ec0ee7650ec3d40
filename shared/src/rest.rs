//! The visitor's REST surface, for networks that block WebSockets (the polling transport) and
//! for the history view. Every call carries `Authorization: Bearer <session token>` and is scoped
//! to that session's visitor: another visitor's conversation is 404 `NOT_FOUND`.
//!
//! - `POST /v1/widget/messages` ([`SendMessageRequest`] → 201 [`SendMessageResponse`], 200 for an
//!   idempotent repeat),
//! - `GET /v1/widget/conversations/{id}/messages?after=<seq>&limit=<1..=500>` → [`ConversationMessages`],
//! - `GET /v1/widget/conversations?status=&limit=<1..=50>&offset=` → [`VisitorConversationList`].

use serde::{Deserialize, Serialize};

use crate::ids::ConversationId;
use crate::message::{ConversationStatus, Message};
use crate::values::{ClientMessageId, MessageBody};

/// The path for sending a message over REST.
pub const MESSAGES_PATH: &str = "/v1/widget/messages";
/// The path prefix of the visitor's conversations.
pub const CONVERSATIONS_PATH: &str = "/v1/widget/conversations";
/// The most messages one fetch returns.
pub const MAX_PAGE: u32 = 500;
/// The most conversations one list returns.
pub const MAX_CONVERSATIONS_PAGE: u32 = 50;

/// `POST /v1/widget/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageRequest {
    /// Chosen by the client; a repeat returns the original stored message.
    pub client_message_id: ClientMessageId,
    /// The text.
    pub body: MessageBody,
    /// A field people never fill (hidden in the form); a bot that fills it is refused.
    #[serde(rename = "_hp", default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
}

/// The answer to a send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageResponse {
    /// The stored message (the original one for a repeat).
    pub message: Message,
    /// Whether this was a repeat of an already stored `clientMessageId`.
    pub duplicate: bool,
    /// The conversation's status after the send.
    pub conversation_status: ConversationStatus,
}

/// `GET /v1/widget/conversations/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationMessages {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its status.
    pub status: ConversationStatus,
    /// Messages with `seq > after`, ascending.
    pub messages: Vec<Message>,
    /// Whether more follow.
    pub has_more: bool,
    /// The highest `seq` stored, so a poller knows where the end is.
    pub last_seq: i64,
}

/// One of the visitor's conversations, for the history view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorConversation {
    /// The conversation.
    pub id: ConversationId,
    /// Its status.
    pub status: ConversationStatus,
    /// The newest message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Message>,
    /// How many messages it holds.
    pub message_count: i64,
    /// When it started, Unix milliseconds.
    pub created_at: i64,
    /// When it last changed, Unix milliseconds.
    pub updated_at: i64,
}

/// `GET /v1/widget/conversations`: newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorConversationList {
    /// How many conversations match in all (not just this page).
    pub count: i64,
    /// This page.
    pub results: Vec<VisitorConversation>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Author, AuthorKind};
    use crate::MessageId;
    use uuid::Uuid;

    fn message() -> Message {
        Message {
            id: MessageId(Uuid::from_u128(1)),
            conversation_id: ConversationId(Uuid::from_u128(2)),
            seq: 1,
            client_message_id: None,
            author: Author { kind: AuthorKind::Visitor, name: None },
            body: "hi".into(),
            created_at: 5,
        }
    }

    #[test]
    fn send_request_reads_the_honeypot_field() {
        let req: SendMessageRequest = serde_json::from_str(r#"{"clientMessageId":"c1","body":"hi","_hp":"x"}"#).unwrap();
        assert_eq!(req.honeypot.as_deref(), Some("x"));
        let plain: SendMessageRequest = serde_json::from_str(r#"{"clientMessageId":"c1","body":"hi"}"#).unwrap();
        assert_eq!(plain.honeypot, None);
        assert!(!serde_json::to_string(&plain).unwrap().contains("_hp"));
        assert!(serde_json::from_str::<SendMessageRequest>(r#"{"clientMessageId":"c1","body":""}"#).is_err());
    }

    #[test]
    fn responses_round_trip() {
        let sent = SendMessageResponse { message: message(), duplicate: false, conversation_status: ConversationStatus::Open };
        let json = serde_json::to_value(&sent).unwrap();
        assert_eq!(json["conversationStatus"], "open");
        assert_eq!(serde_json::from_value::<SendMessageResponse>(json).unwrap(), sent);

        let page = ConversationMessages {
            conversation_id: ConversationId(Uuid::from_u128(2)),
            status: ConversationStatus::Pending,
            messages: vec![message()],
            has_more: false,
            last_seq: 1,
        };
        let json = serde_json::to_string(&page).unwrap();
        assert_eq!(serde_json::from_str::<ConversationMessages>(&json).unwrap(), page);

        let list = VisitorConversationList {
            count: 1,
            results: vec![VisitorConversation {
                id: ConversationId(Uuid::from_u128(2)),
                status: ConversationStatus::Closed,
                last_message: Some(message()),
                message_count: 1,
                created_at: 1,
                updated_at: 2,
            }],
        };
        let json = serde_json::to_value(&list).unwrap();
        assert_eq!(json["results"][0]["messageCount"], 1);
        assert_eq!(serde_json::from_value::<VisitorConversationList>(json).unwrap(), list);
    }
}
