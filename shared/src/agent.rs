//! The agent API: conversations, messages and replies over REST under `/v1/agent/…` with
//! `Authorization: Bearer <agent token>`, and a live feed at `GET /ws/agent?token=…`.
//!
//! Besides messages: `POST /v1/agent/conversations/{id}/typing` ([`TypingRequest`] → 204, the
//! visitor sees `typing`), `…/read` ([`ReadRequest`] → 204, stored, the visitor sees `read`) and
//! `…/status` ([`StatusRequest`] → the updated [`ConversationSummary`]; the visitor sees
//! `conversation_status`, every agent feed a `conversation` frame). The feed carries the
//! visitor's `typing` and `read` the same way. The server pings the feed every 30 s (WebSocket
//! Ping) and closes it after 90 s without any sign of life.
//!
//! Streamed replies: `POST …/stream` ([`StreamRequest`] → 204) relays each piece to the visitor as
//! a `token` frame, then the final reply goes to `…/messages` with the same `clientMessageId`.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ConversationId, SessionId};
use crate::message::{AttachmentId, ConversationStatus, Message, check_content, optional_body};
use crate::values::{ClientMessageId, MessageBody, ProjectId, ValueError};

pub use crate::rest::{ReadRequest, TypingRequest};

/// The path of the agents' live feed.
pub const AGENT_WS_PATH: &str = "/ws/agent";

/// The signed-in agent, from `GET /v1/agent/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentProfile {
    /// The agent's id.
    pub id: String,
    /// The agent's display name, shown to visitors with their replies.
    pub name: String,
}

/// One conversation in an agent's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// The conversation.
    pub id: ConversationId,
    /// Its project.
    pub project_id: ProjectId,
    /// The visitor's session.
    pub session_id: SessionId,
    /// Open, pending or closed.
    pub status: ConversationStatus,
    /// The highest `seq` stored.
    pub last_seq: i64,
    /// The newest message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Message>,
    /// When it started, in Unix milliseconds.
    pub created_at: i64,
    /// When it last changed, in Unix milliseconds.
    pub updated_at: i64,
    /// How far the visitor has read (0 when not yet).
    #[serde(default)]
    pub visitor_read_seq: i64,
    /// How far an agent has read (0 when not yet).
    #[serde(default)]
    pub agent_read_seq: i64,
    /// The visitor's satisfaction rating, once given (in lists and after a rating; frames sent
    /// for other changes may leave it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<crate::rest::Rating>,
}

/// What the visitor of a conversation told us: `GET /v1/agent/conversations/{id}/visitor`
/// (the pre-chat form, `POST /v1/widget/contact`, or `boot({name, email})` at init). All absent
/// (and `fields` empty) when the visitor gave nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorContact {
    /// The visitor's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The visitor's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The pre-chat fields by key.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    /// Whether the name or email came from the host's verified identity token (else the visitor
    /// or the host page merely claimed them).
    #[serde(default)]
    pub verified: bool,
}

/// `POST /v1/agent/conversations/{id}/status`: open, park (pending) or close a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusRequest {
    /// The new status.
    pub status: ConversationStatus,
}

/// `GET /v1/agent/conversations?status=open&limit=50`: newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationList {
    /// The conversations.
    pub conversations: Vec<ConversationSummary>,
}

/// `POST /v1/agent/conversations/{id}/messages`: an agent replies. Idempotent per
/// `clientMessageId`, like visitor sends. Text, attachments, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RawReply")]
pub struct AgentReplyRequest {
    /// Chosen by the agent's client; a repeat returns the original stored message.
    pub client_message_id: ClientMessageId,
    /// The text; missing, `null` or blank when the reply is only attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<MessageBody>,
    /// Files uploaded before (`POST /v1/agent/uploads`), at most 10.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_ids: Vec<AttachmentId>,
    /// Store the reply as the AI assistant's (author kind `assistant`, the agent's name) rather
    /// than the agent's own: the final message of a streamed reply ([`StreamRequest`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub as_assistant: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawReply {
    client_message_id: ClientMessageId,
    #[serde(default, with = "optional_body")]
    body: Option<MessageBody>,
    #[serde(default)]
    attachment_ids: Vec<AttachmentId>,
    #[serde(default)]
    as_assistant: bool,
}

impl TryFrom<RawReply> for AgentReplyRequest {
    type Error = ValueError;
    fn try_from(raw: RawReply) -> Result<Self, Self::Error> {
        check_content(raw.body.as_ref(), &raw.attachment_ids)?;
        Ok(Self {
            client_message_id: raw.client_message_id,
            body: raw.body,
            attachment_ids: raw.attachment_ids,
            as_assistant: raw.as_assistant,
        })
    }
}

/// The largest `delta` of one [`StreamRequest`], in bytes (UTF-8).
pub const MAX_DELTA_BYTES: usize = 4096;

/// `POST /v1/agent/conversations/{id}/stream`: the next piece of a reply being written (by a
/// bot or an AI assistant), relayed at once to the visitor's live sockets as a `token` frame and
/// never stored → 204. The finished reply is then posted to `…/messages` with the **same**
/// `clientMessageId` (and the same `asAssistant`); the widget replaces its draft with it.
///
/// The server refuses an empty `delta` (400 `INVALID_REQUEST`), one over [`MAX_DELTA_BYTES`]
/// (413 `PAYLOAD_TOO_LARGE`), an unknown conversation (404) and a closed one (409 `CONFLICT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamRequest {
    /// The id the final reply will be stored with (names the stream).
    pub client_message_id: ClientMessageId,
    /// The text to append, as is (white space included).
    pub delta: String,
    /// Stream as the AI assistant (author kind `assistant`) rather than as the agent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub as_assistant: bool,
}

/// A frame from the server on the agents' live feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum AgentFrame {
    /// The feed is live.
    Ready {
        /// The signed-in agent.
        agent: AgentProfile,
    },
    /// A message was stored in some conversation (a visitor's, or another agent's reply).
    Message {
        /// The stored message.
        message: Message,
    },
    /// A conversation started or changed.
    Conversation {
        /// Its current summary.
        conversation: ConversationSummary,
    },
    /// Something was refused.
    Error {
        /// What went wrong.
        code: ErrorCode,
        /// For people.
        message: String,
    },
    /// The answer to `ping`.
    Pong,
    /// The visitor started or stopped typing in a conversation (ephemeral).
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Whether the visitor is typing.
        is_typing: bool,
    },
    /// The visitor has read a conversation up to `seq`.
    Read {
        /// The conversation.
        conversation_id: ConversationId,
        /// The highest `seq` the visitor has read.
        seq: i64,
    },
}

/// A frame from an agent's client on the live feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentClientFrame {
    /// Keep-alive; the server answers `pong`.
    Ping,
    /// The agent steps away (`true`) or is back (`false`): visitors see the team online only
    /// while some feed is open and not away. Applies to this feed until it closes; no answer.
    Away {
        /// Whether this feed's agent is away.
        away: bool,
    },
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;
    use uuid::Uuid;

    fn summary() -> ConversationSummary {
        ConversationSummary {
            id: ConversationId(Uuid::from_u128(1)),
            project_id: ProjectId::parse("demo").unwrap(),
            session_id: SessionId(Uuid::from_u128(2)),
            status: ConversationStatus::Open,
            last_seq: 0,
            last_message: None,
            created_at: 1,
            updated_at: 2,
            visitor_read_seq: 0,
            agent_read_seq: 0,
            rating: None,
        }
    }

    #[test]
    fn conversation_list_round_trips() {
        let list = ConversationList { conversations: vec![summary()] };
        let json = serde_json::to_value(&list).unwrap();
        assert_eq!(json["conversations"][0]["projectId"], "demo");
        assert_eq!(json["conversations"][0]["status"], "open");
        assert_eq!(serde_json::from_value::<ConversationList>(json).unwrap(), list);
    }

    #[test]
    fn reply_request_validates_its_body() {
        let ok: AgentReplyRequest = serde_json::from_str(r#"{"clientMessageId":"r1","body":"On it"}"#).unwrap();
        assert_eq!(ok.body.unwrap().as_str(), "On it");
        assert!(serde_json::from_str::<AgentReplyRequest>(r#"{"clientMessageId":"r1","body":""}"#).is_err());
        let files: AgentReplyRequest = serde_json::from_str(
            r#"{"clientMessageId":"r1","attachmentIds":["00000000-0000-0000-0000-000000000001"]}"#,
        )
        .unwrap();
        assert_eq!((files.body.is_none(), files.attachment_ids.len()), (true, 1));
        let json = serde_json::to_string(&files).unwrap();
        assert_eq!(serde_json::from_str::<AgentReplyRequest>(&json).unwrap(), files);
        assert!(!files.as_assistant && !json.contains("asAssistant"));
        let bot: AgentReplyRequest = serde_json::from_str(r#"{"clientMessageId":"r1","body":"Hi","asAssistant":true}"#).unwrap();
        assert!(bot.as_assistant);
        assert_eq!(serde_json::from_str::<AgentReplyRequest>(&serde_json::to_string(&bot).unwrap()).unwrap(), bot);
    }

    #[test]
    fn stream_request_has_the_documented_shape() {
        let req: StreamRequest = serde_json::from_str(r#"{"clientMessageId":"s1","delta":" wor"}"#).unwrap();
        assert_eq!((req.client_message_id.as_str(), req.delta.as_str(), req.as_assistant), ("s1", " wor", false));
        let bot = StreamRequest { as_assistant: true, ..req };
        let json = serde_json::to_value(&bot).unwrap();
        assert_eq!(json, serde_json::json!({"clientMessageId": "s1", "delta": " wor", "asAssistant": true}));
        assert_eq!(serde_json::from_value::<StreamRequest>(json).unwrap(), bot);
        assert!(serde_json::from_str::<StreamRequest>(r#"{"clientMessageId":"s1"}"#).is_err());
        assert!(serde_json::from_str::<StreamRequest>(r#"{"clientMessageId":"","delta":"x"}"#).is_err());
    }

    #[test]
    fn status_request_and_read_positions_round_trip() {
        let req: StatusRequest = serde_json::from_str(r#"{"status":"closed"}"#).unwrap();
        assert_eq!(req.status, ConversationStatus::Closed);
        assert!(serde_json::from_str::<StatusRequest>(r#"{"status":"archived"}"#).is_err());
        let mut read = summary();
        read.agent_read_seq = 2;
        let json = serde_json::to_value(&read).unwrap();
        assert_eq!(json["agentReadSeq"], 2);
        let mut old = json.clone();
        old.as_object_mut().unwrap().remove("visitorReadSeq");
        assert_eq!(serde_json::from_value::<ConversationSummary>(old).unwrap().visitor_read_seq, 0);
    }

    #[test]
    fn agent_frames_round_trip() {
        let frames = vec![
            AgentFrame::Ready { agent: AgentProfile { id: "a1".into(), name: "Ada".into() } },
            AgentFrame::Conversation { conversation: summary() },
            AgentFrame::Error { code: ErrorCode::RateLimited, message: "slow down".into() },
            AgentFrame::Pong,
            AgentFrame::Typing { conversation_id: ConversationId(Uuid::from_u128(1)), is_typing: true },
            AgentFrame::Read { conversation_id: ConversationId(Uuid::from_u128(1)), seq: 9 },
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<AgentFrame>(&json).unwrap(), frame, "{json}");
        }
        assert_eq!(serde_json::from_str::<AgentClientFrame>(r#"{"type":"ping"}"#).unwrap(), AgentClientFrame::Ping);
        assert_eq!(serde_json::from_str::<AgentClientFrame>(r#"{"type":"away","away":true}"#).unwrap(), AgentClientFrame::Away { away: true });
        assert!(serde_json::from_str::<AgentClientFrame>(r#"{"type":"away"}"#).is_err());
    }
}
