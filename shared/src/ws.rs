//! The visitor's WebSocket protocol at `GET /ws/chat?sessionId=…&token=…[&after=<seq>]`: one
//! frame enum per direction, JSON text frames tagged by `type`.
//!
//! After the upgrade the server sends `ready`, then every stored message of the session's open
//! conversation with `seq > after` as `message` frames in order, then live frames. A visitor's
//! `user_message` is stored and answered with `ack` (same `clientMessageId`, the stored message);
//! a repeat of an already stored `clientMessageId` is answered with the original message.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ConversationId, SessionId};
use crate::message::Message;
use crate::values::{ClientMessageId, MessageBody};

/// The path of the visitor's WebSocket.
pub const CHAT_PATH: &str = "/ws/chat";

/// The largest frame either side may send, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// A frame from the widget to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ClientFrame {
    /// The visitor sends a message.
    UserMessage {
        /// Chosen by the widget; a repeat returns the original stored message.
        client_message_id: ClientMessageId,
        /// The text.
        body: MessageBody,
    },
    /// Keep-alive; the server answers `pong`.
    Ping,
}

/// A frame from the server to the widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ServerFrame {
    /// The connection is set up; replayed and live messages follow.
    Ready {
        /// The session this socket belongs to.
        session_id: SessionId,
        /// The session's open conversation, if it has one yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation_id: Option<ConversationId>,
        /// The highest `seq` stored in that conversation (0 when none).
        last_seq: i64,
    },
    /// A `user_message` was stored (or had been stored before, for a repeat).
    Ack {
        /// The id the widget chose.
        client_message_id: ClientMessageId,
        /// The stored message, with its id and `seq`.
        message: Message,
    },
    /// A message in the conversation: replayed history, an agent's reply, or the visitor's own
    /// message sent from another tab.
    Message {
        /// The stored message.
        message: Message,
    },
    /// A frame was refused. The socket stays open unless a close frame follows.
    Error {
        /// What went wrong.
        code: ErrorCode,
        /// For people.
        message: String,
        /// The refused `user_message`'s id, when the error is about one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_message_id: Option<ClientMessageId>,
    },
    /// The answer to `ping`.
    Pong,
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
    fn user_message_frame_has_the_documented_shape() {
        let frame: ClientFrame =
            serde_json::from_str(r#"{"type":"user_message","clientMessageId":"abc","body":" hello "}"#).unwrap();
        assert_eq!(
            frame,
            ClientFrame::UserMessage {
                client_message_id: ClientMessageId::parse("abc").unwrap(),
                body: MessageBody::parse("hello").unwrap(),
            }
        );
        let back = serde_json::to_string(&frame).unwrap();
        assert_eq!(back, r#"{"type":"user_message","clientMessageId":"abc","body":"hello"}"#);
    }

    #[test]
    fn client_frames_refuse_bad_values() {
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"user_message","clientMessageId":"abc","body":"  "}"#).is_err());
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"user_message","clientMessageId":"","body":"x"}"#).is_err());
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"shutdown"}"#).is_err());
        assert_eq!(serde_json::from_str::<ClientFrame>(r#"{"type":"ping"}"#).unwrap(), ClientFrame::Ping);
    }

    #[test]
    fn every_server_frame_round_trips() {
        let frames = vec![
            ServerFrame::Ready { session_id: SessionId(Uuid::from_u128(9)), conversation_id: None, last_seq: 0 },
            ServerFrame::Ack { client_message_id: ClientMessageId::parse("abc").unwrap(), message: message() },
            ServerFrame::Message { message: message() },
            ServerFrame::Error {
                code: ErrorCode::PayloadTooLarge,
                message: "too big".into(),
                client_message_id: Some(ClientMessageId::parse("abc").unwrap()),
            },
            ServerFrame::Pong,
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<ServerFrame>(&json).unwrap(), frame, "{json}");
        }
    }

    #[test]
    fn server_frames_use_snake_case_tags_and_camel_case_fields() {
        let json = serde_json::to_value(ServerFrame::Ack {
            client_message_id: ClientMessageId::parse("abc").unwrap(),
            message: message(),
        })
        .unwrap();
        assert_eq!(json["type"], "ack");
        assert_eq!(json["clientMessageId"], "abc");
        assert_eq!(json["message"]["seq"], 1);
        let ready = serde_json::to_value(ServerFrame::Ready {
            session_id: SessionId(Uuid::from_u128(9)),
            conversation_id: None,
            last_seq: 4,
        })
        .unwrap();
        assert_eq!(ready["lastSeq"], 4);
    }
}
