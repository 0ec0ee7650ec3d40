//! [`FromJson`] for [`ServerFrame`]: the `type` tag picks the variant, whose fields are read
//! by their camelCase names (serde's `tag = "type"`, `rename_all = "snake_case"`,
//! `rename_all_fields = "camelCase"`). Other fields are ignored, as serde ignores them.

use super::{Fields, FromJson, Json};
use crate::ws::ServerFrame;

impl FromJson for ServerFrame {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        let kind: String = f.get("type")?;
        Some(match kind.as_str() {
            "ready" => Self::Ready {
                session_id: f.get("sessionId")?,
                conversation_id: f.get("conversationId")?,
                last_seq: f.get("lastSeq")?,
                visitor_read_seq: f.or("visitorReadSeq", 0)?,
                agent_read_seq: f.or("agentReadSeq", 0)?,
            },
            "ack" => Self::Ack { client_message_id: f.get("clientMessageId")?, message: f.get("message")? },
            "message" => Self::Message { message: f.get("message")? },
            "error" => Self::Error {
                code: f.get("code")?,
                message: f.get("message")?,
                client_message_id: f.get("clientMessageId")?,
            },
            "pong" => Self::Pong,
            "typing" => Self::Typing { author: f.get("author")?, is_typing: f.get("isTyping")? },
            "read" => Self::Read { seq: f.get("seq")? },
            "conversation_status" => {
                Self::ConversationStatus { conversation_id: f.get("conversationId")?, status: f.get("status")? }
            }
            "resync" => Self::Resync { conversation_id: f.get("conversationId")?, last_seq: f.get("lastSeq")? },
            "presence" => Self::Presence { online: f.get("online")?, agents: f.or("agents", Vec::new())? },
            "token" => Self::Token {
                conversation_id: f.get("conversationId")?,
                client_message_id: f.get("clientMessageId")?,
                author: f.get("author")?,
                delta: f.get("delta")?,
            },
            _ => return None,
        })
    }
}
