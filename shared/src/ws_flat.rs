//! [`ServerFrame`]'s decoder. A derived internally tagged enum buffers every frame through
//! serde's private `Content` tree before it picks the variant; in the widget's wasm that
//! machinery was ~41 KB of code before optimisation. Reading all variants' fields into one flat
//! struct and building the variant afterwards is wire-identical (same tags, same field names,
//! unknown fields ignored) and decodes in one pass.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::error::ErrorCode;
use crate::ids::{ConversationId, SessionId};
use crate::message::{Author, ConversationStatus, Message};
use crate::values::ClientMessageId;
use crate::ws::ServerFrame;

/// The `type` tag.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Ready,
    Ack,
    Message,
    Error,
    Pong,
    Typing,
    Read,
    ConversationStatus,
    Resync,
    Token,
    Presence,
}

/// Every field any server frame has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FlatServerFrame {
    #[serde(rename = "type")]
    kind: Kind,
    session_id: Option<SessionId>,
    conversation_id: Option<ConversationId>,
    last_seq: Option<i64>,
    #[serde(default)]
    visitor_read_seq: i64,
    #[serde(default)]
    agent_read_seq: i64,
    client_message_id: Option<ClientMessageId>,
    message: Option<MessageField>,
    code: Option<ErrorCode>,
    author: Option<Author>,
    is_typing: Option<bool>,
    seq: Option<i64>,
    status: Option<ConversationStatus>,
    delta: Option<String>,
    online: Option<bool>,
    #[serde(default)]
    agents: Vec<String>,
}

/// `message` is a stored [`Message`] in `ack`/`message` frames and a string in `error` frames.
enum MessageField {
    Stored(Box<Message>),
    Text(String),
}

impl<'de> Deserialize<'de> for MessageField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = MessageField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message object or a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MessageField::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(MessageField::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Message::deserialize(de::value::MapAccessDeserializer::new(map)).map(|m| MessageField::Stored(Box::new(m)))
            }
        }
        deserializer.deserialize_any(Either)
    }
}

/// Why a flat frame is not a [`ServerFrame`]: a field its `type` needs is missing.
#[derive(Debug)]
pub(crate) struct MissingField(&'static str);

impl fmt::Display for MissingField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "missing field `{}`", self.0)
    }
}

fn need<T>(value: Option<T>, name: &'static str) -> Result<T, MissingField> {
    value.ok_or(MissingField(name))
}

fn stored(message: Option<MessageField>) -> Result<Message, MissingField> {
    match message {
        Some(MessageField::Stored(m)) => Ok(*m),
        _ => Err(MissingField("message")),
    }
}

impl TryFrom<FlatServerFrame> for ServerFrame {
    type Error = MissingField;
    fn try_from(f: FlatServerFrame) -> Result<Self, MissingField> {
        Ok(match f.kind {
            Kind::Ready => ServerFrame::Ready {
                session_id: need(f.session_id, "sessionId")?,
                conversation_id: f.conversation_id,
                last_seq: need(f.last_seq, "lastSeq")?,
                visitor_read_seq: f.visitor_read_seq,
                agent_read_seq: f.agent_read_seq,
            },
            Kind::Ack => ServerFrame::Ack {
                client_message_id: need(f.client_message_id, "clientMessageId")?,
                message: stored(f.message)?,
            },
            Kind::Message => ServerFrame::Message { message: stored(f.message)? },
            Kind::Error => ServerFrame::Error {
                code: need(f.code, "code")?,
                message: match f.message {
                    Some(MessageField::Text(text)) => text,
                    _ => return Err(MissingField("message")),
                },
                client_message_id: f.client_message_id,
            },
            Kind::Pong => ServerFrame::Pong,
            Kind::Typing => ServerFrame::Typing { author: need(f.author, "author")?, is_typing: need(f.is_typing, "isTyping")? },
            Kind::Read => ServerFrame::Read { seq: need(f.seq, "seq")? },
            Kind::ConversationStatus => ServerFrame::ConversationStatus {
                conversation_id: need(f.conversation_id, "conversationId")?,
                status: need(f.status, "status")?,
            },
            Kind::Resync => ServerFrame::Resync { conversation_id: f.conversation_id, last_seq: need(f.last_seq, "lastSeq")? },
            Kind::Token => ServerFrame::Token {
                conversation_id: need(f.conversation_id, "conversationId")?,
                client_message_id: need(f.client_message_id, "clientMessageId")?,
                author: need(f.author, "author")?,
                delta: need(f.delta, "delta")?,
            },
            Kind::Presence => ServerFrame::Presence { online: need(f.online, "online")?, agents: f.agents },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::ws::ServerFrame;

    fn message() -> serde_json::Value {
        json!({"id": "00000000-0000-0000-0000-000000000001", "conversationId": "00000000-0000-0000-0000-000000000002",
               "seq": 3, "author": {"kind": "agent", "name": "Ann"}, "body": "hi", "createdAt": 5})
    }

    #[test]
    fn every_frame_decodes_from_its_own_encoding() {
        let frames = [
            json!({"type": "ready", "sessionId": "00000000-0000-0000-0000-000000000009", "lastSeq": 0}),
            json!({"type": "ready", "sessionId": "00000000-0000-0000-0000-000000000009", "conversationId": null, "lastSeq": 4, "visitorReadSeq": 2, "agentReadSeq": 1}),
            json!({"type": "ack", "clientMessageId": "c-1", "message": message()}),
            json!({"type": "message", "message": message(), "extra": [1, {"a": 2}]}),
            json!({"type": "error", "code": "RATE_LIMITED", "message": "slow down", "clientMessageId": "c-1"}),
            json!({"type": "pong"}),
            json!({"type": "typing", "author": {"kind": "agent"}, "isTyping": true}),
            json!({"type": "read", "seq": 7}),
            json!({"type": "conversation_status", "conversationId": "00000000-0000-0000-0000-000000000002", "status": "closed"}),
            json!({"type": "resync", "lastSeq": 2}),
            json!({"type": "token", "conversationId": "00000000-0000-0000-0000-000000000002", "clientMessageId": "s-1",
                   "author": {"kind": "assistant", "name": "Bot"}, "delta": " wor"}),
            json!({"type": "presence", "online": true, "agents": ["Ada", "Bo"]}),
            json!({"type": "presence", "online": false}),
        ];
        for frame in frames {
            let decoded: ServerFrame = serde_json::from_value(frame.clone()).unwrap_or_else(|e| panic!("{frame}: {e}"));
            let again: ServerFrame = serde_json::from_value(serde_json::to_value(&decoded).unwrap()).unwrap();
            assert_eq!(decoded, again);
        }
    }

    #[test]
    fn a_frame_missing_what_its_type_needs_is_refused() {
        for bad in [
            json!({"type": "ack", "clientMessageId": "c-1"}),
            json!({"type": "error", "code": "RATE_LIMITED", "message": message()}),
            json!({"type": "message", "message": "text"}),
            json!({"type": "nope"}),
            json!({"type": "token", "conversationId": "00000000-0000-0000-0000-000000000002", "clientMessageId": "s-1", "author": {"kind": "assistant"}}),
            json!({"type": "presence", "agents": ["Ada"]}),
            json!({"lastSeq": 1}),
        ] {
            assert!(serde_json::from_value::<ServerFrame>(bad.clone()).is_err(), "{bad}");
        }
    }
}
