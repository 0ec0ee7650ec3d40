//! The visitor's WebSocket protocol at `GET /ws/chat?sessionId=…&token=…[&after=<seq>]`: one
//! frame enum per direction, JSON text frames tagged by `type`.
//!
//! After the upgrade the server sends `ready`, then every stored message of the session's open
//! conversation with `seq > after` as `message` frames in order, then live frames. A visitor's
//! `user_message` is stored and answered with `ack` (same `clientMessageId`, the stored message);
//! a repeat of an already stored `clientMessageId` is answered with the original message.
//!
//! **Resume.** Reconnect with `&conversationId=<id>&after=<last seq seen>`. When the server can
//! replay exactly what was missed it does (`ready`, then the `message` frames). When it cannot —
//! the conversation is unknown or no longer the session's current one, or `after` is beyond the
//! conversation's `lastSeq` (history gone, database restored) — it sends `ready` then `resync`
//! **instead of** replaying: drop the local cursor and refetch the named conversation over REST
//! from the start. Live frames follow either way.
//!
//! **A new conversation.** When an agent closes the conversation (`conversation_status` with
//! `closed`), the visitor's next message starts a new one (`seq` 1 again): its `ack` carries the
//! stored message, whose `conversationId` names the new conversation — switch to it then.
//!
//! **Heartbeat.** The server sends a WebSocket Ping control frame every 30 s and closes a socket
//! that sent nothing (no Pong, no frame) for 90 s. The app-level `ping`/`pong` frames still work.
//!
//! **Typing and read receipts** are live only: `typing` frames are ephemeral (more than two a
//! second are ignored); `read` positions are stored and come back in `ready`.
//!
//! **Presence.** `presence {online, agents}` says whether an agent is online: sent after `ready`
//! (once an agent was seen since the server started) and whenever it changes, debounced.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ConversationId, SessionId};
use crate::message::{AttachmentId, Author, ConversationStatus, Message, check_content, optional_body};
use crate::values::{ClientMessageId, MessageBody};

/// The path of the visitor's WebSocket.
pub const CHAT_PATH: &str = "/ws/chat";

/// The largest frame either side may send, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// A frame from the widget to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase", try_from = "RawClientFrame")]
pub enum ClientFrame {
    /// The visitor sends a message: text, attachments, or both (never neither).
    UserMessage {
        /// Chosen by the widget; a repeat returns the original stored message.
        client_message_id: ClientMessageId,
        /// The text; missing, `null` or blank when the message is only attachments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<MessageBody>,
        /// Files uploaded before (`POST /v1/widget/uploads`), at most 10.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachment_ids: Vec<AttachmentId>,
    },
    /// Keep-alive; the server answers `pong`.
    Ping,
    /// The visitor started (`true`) or stopped (`false`) typing. Ephemeral; at most two a second
    /// are forwarded to agents.
    Typing {
        /// Whether the visitor is typing.
        is_typing: bool,
    },
    /// The visitor has read the current conversation up to `seq` (stored; agents see `read`).
    Read {
        /// The highest `seq` read.
        seq: i64,
    },
}

/// [`ClientFrame`] before its content check.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
enum RawClientFrame {
    UserMessage {
        client_message_id: ClientMessageId,
        #[serde(default, with = "optional_body")]
        body: Option<MessageBody>,
        #[serde(default)]
        attachment_ids: Vec<AttachmentId>,
    },
    Ping,
    Typing {
        is_typing: bool,
    },
    Read {
        seq: i64,
    },
}

impl TryFrom<RawClientFrame> for ClientFrame {
    type Error = crate::values::ValueError;
    fn try_from(raw: RawClientFrame) -> Result<Self, Self::Error> {
        Ok(match raw {
            RawClientFrame::UserMessage { client_message_id, body, attachment_ids } => {
                check_content(body.as_ref(), &attachment_ids)?;
                ClientFrame::UserMessage { client_message_id, body, attachment_ids }
            }
            RawClientFrame::Ping => ClientFrame::Ping,
            RawClientFrame::Typing { is_typing } => ClientFrame::Typing { is_typing },
            RawClientFrame::Read { seq } => ClientFrame::Read { seq },
        })
    }
}

/// A frame from the server to the widget. The widget reads it without serde
/// (`decode`, feature `wire-decode`); the derive serves the server's tests.
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
        /// How far the visitor has read that conversation (any of their tabs), 0 when not yet.
        #[serde(default)]
        visitor_read_seq: i64,
        /// How far an agent has read it, 0 when not yet.
        #[serde(default)]
        agent_read_seq: i64,
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
    /// An agent started or stopped typing in the visitor's conversation.
    Typing {
        /// The agent (kind `agent`, with the name shown with their replies).
        author: Author,
        /// Whether they are typing.
        is_typing: bool,
    },
    /// An agent has read the visitor's conversation up to `seq`.
    Read {
        /// The highest `seq` the agent has read.
        seq: i64,
    },
    /// The conversation's status changed (an agent opened, parked or closed it). After `closed`,
    /// the visitor's next message starts a new conversation.
    ConversationStatus {
        /// The conversation.
        conversation_id: ConversationId,
        /// Its new status.
        status: ConversationStatus,
    },
    /// The server cannot replay exactly what this client missed (see the module docs): refetch
    /// `conversationId` over REST from the start (`after=0`) up to at least `lastSeq`, then go on
    /// with the live frames that follow.
    Resync {
        /// The session's current conversation (absent when it has none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation_id: Option<ConversationId>,
        /// Its highest `seq` now (0 when none).
        last_seq: i64,
    },
    /// Whether an agent is online changed (debounced), or the socket just connected after an
    /// agent feed came or went: the same shape as [`crate::session::Presence`].
    Presence {
        /// An agent is online.
        online: bool,
        /// The names of the agents online (at most three), for the header.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        agents: Vec<String>,
    },
    /// The next piece of a reply an agent or the assistant is writing (streamed, never stored).
    /// Append `delta` to the draft named `clientMessageId`; the final reply arrives as a
    /// `message` with the same `clientMessageId` and replaces the draft. Not replayed: after a
    /// reconnect the stored message comes through replay instead.
    Token {
        /// The conversation.
        conversation_id: ConversationId,
        /// The stream: the id the final reply will be stored with.
        client_message_id: ClientMessageId,
        /// Who is writing (kind `assistant` or `agent`, with a name).
        author: Author,
        /// The text to append.
        delta: String,
    },
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;
    use crate::message::AuthorKind;
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
            attachments: Vec::new(),
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
                body: Some(MessageBody::parse("hello").unwrap()),
                attachment_ids: Vec::new(),
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
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"user_message","clientMessageId":"abc"}"#).is_err());
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"user_message","clientMessageId":"abc","body":"x","attachmentIds":["nope"]}"#).is_err());
    }

    #[test]
    fn a_message_may_be_only_attachments() {
        let id = "00000000-0000-0000-0000-000000000007";
        let json = format!(r#"{{"type":"user_message","clientMessageId":"a","body":" ","attachmentIds":["{id}"]}}"#);
        let frame: ClientFrame = serde_json::from_str(&json).unwrap();
        let ClientFrame::UserMessage { body: None, attachment_ids, .. } = &frame else { panic!("{frame:?}") };
        assert_eq!(attachment_ids[0].to_string(), id);
        let back = serde_json::to_string(&frame).unwrap();
        assert_eq!(back, format!(r#"{{"type":"user_message","clientMessageId":"a","attachmentIds":["{id}"]}}"#));
        assert_eq!(serde_json::from_str::<ClientFrame>(&back).unwrap(), frame);
    }

    #[test]
    fn every_client_frame_round_trips() {
        let frames = vec![
            ClientFrame::UserMessage {
                client_message_id: ClientMessageId::parse("abc").unwrap(),
                body: Some(MessageBody::parse("hi").unwrap()),
                attachment_ids: vec![crate::message::AttachmentId(Uuid::from_u128(3))],
            },
            ClientFrame::Ping,
            ClientFrame::Typing { is_typing: true },
            ClientFrame::Read { seq: 4 },
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<ClientFrame>(&json).unwrap(), frame, "{json}");
        }
        assert_eq!(
            serde_json::to_value(ClientFrame::Typing { is_typing: false }).unwrap(),
            serde_json::json!({"type": "typing", "isTyping": false})
        );
    }

    #[test]
    fn every_server_frame_round_trips() {
        let frames = vec![
            ServerFrame::Ready {
                session_id: SessionId(Uuid::from_u128(9)),
                conversation_id: None,
                last_seq: 0,
                visitor_read_seq: 0,
                agent_read_seq: 0,
            },
            ServerFrame::Ack { client_message_id: ClientMessageId::parse("abc").unwrap(), message: message() },
            ServerFrame::Message { message: message() },
            ServerFrame::Error {
                code: ErrorCode::PayloadTooLarge,
                message: "too big".into(),
                client_message_id: Some(ClientMessageId::parse("abc").unwrap()),
            },
            ServerFrame::Pong,
            ServerFrame::Typing { author: Author { kind: AuthorKind::Agent, name: Some("Ada".into()) }, is_typing: true },
            ServerFrame::Read { seq: 3 },
            ServerFrame::ConversationStatus { conversation_id: ConversationId(Uuid::from_u128(2)), status: ConversationStatus::Closed },
            ServerFrame::Resync { conversation_id: Some(ConversationId(Uuid::from_u128(2))), last_seq: 7 },
            ServerFrame::Resync { conversation_id: None, last_seq: 0 },
            ServerFrame::Token {
                conversation_id: ConversationId(Uuid::from_u128(2)),
                client_message_id: ClientMessageId::parse("s-1").unwrap(),
                author: Author { kind: AuthorKind::Assistant, name: Some("Bot".into()) },
                delta: " wor".into(),
            },
            ServerFrame::Presence { online: true, agents: vec!["Ada".into()] },
            ServerFrame::Presence { online: false, agents: Vec::new() },
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<ServerFrame>(&json).unwrap(), frame, "{json}");
        }
    }

    #[test]
    fn new_server_frames_have_the_documented_shape() {
        let status = serde_json::to_value(ServerFrame::ConversationStatus {
            conversation_id: ConversationId(Uuid::from_u128(2)),
            status: ConversationStatus::Pending,
        })
        .unwrap();
        assert_eq!(status["type"], "conversation_status");
        assert_eq!(status["status"], "pending");
        let resync = serde_json::to_value(ServerFrame::Resync { conversation_id: None, last_seq: 0 }).unwrap();
        assert_eq!(resync, serde_json::json!({"type": "resync", "lastSeq": 0}));
        let old_ready: ServerFrame =
            serde_json::from_str(r#"{"type":"ready","sessionId":"00000000-0000-0000-0000-000000000009","lastSeq":2}"#).unwrap();
        assert!(matches!(old_ready, ServerFrame::Ready { agent_read_seq: 0, visitor_read_seq: 0, .. }));
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
            visitor_read_seq: 0,
            agent_read_seq: 3,
        })
        .unwrap();
        assert_eq!(ready["lastSeq"], 4);
        assert_eq!(ready["agentReadSeq"], 3);
    }

    #[test]
    fn token_frames_have_the_documented_shape() {
        let token = ServerFrame::Token {
            conversation_id: ConversationId(Uuid::from_u128(2)),
            client_message_id: ClientMessageId::parse("s-1").unwrap(),
            author: Author { kind: AuthorKind::Assistant, name: Some("Bot".into()) },
            delta: "Hel".into(),
        };
        let json = serde_json::to_value(&token).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "token", "conversationId": "00000000-0000-0000-0000-000000000002",
                "clientMessageId": "s-1", "author": {"kind": "assistant", "name": "Bot"}, "delta": "Hel"})
        );
        assert_eq!(serde_json::from_value::<ServerFrame>(json).unwrap(), token);
    }
}
