//! The agent API: conversations, messages and replies over REST under `/v1/agent/…` with
//! `Authorization: Bearer <agent token>`, and a live feed at `GET /ws/agent?token=…`.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ConversationId, SessionId};
use crate::message::{ConversationStatus, Message};
use crate::values::{ClientMessageId, MessageBody, ProjectId};

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
}

/// `GET /v1/agent/conversations?status=open&limit=50`: newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationList {
    /// The conversations.
    pub conversations: Vec<ConversationSummary>,
}

/// `POST /v1/agent/conversations/{id}/messages`: an agent replies. Idempotent per
/// `clientMessageId`, like visitor sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentReplyRequest {
    /// Chosen by the agent's client; a repeat returns the original stored message.
    pub client_message_id: ClientMessageId,
    /// The text.
    pub body: MessageBody,
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
}

/// A frame from an agent's client on the live feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentClientFrame {
    /// Keep-alive; the server answers `pong`.
    Ping,
}

#[cfg(test)]
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
        assert_eq!(ok.body.as_str(), "On it");
        assert!(serde_json::from_str::<AgentReplyRequest>(r#"{"clientMessageId":"r1","body":""}"#).is_err());
    }

    #[test]
    fn agent_frames_round_trip() {
        let frames = vec![
            AgentFrame::Ready { agent: AgentProfile { id: "a1".into(), name: "Ada".into() } },
            AgentFrame::Conversation { conversation: summary() },
            AgentFrame::Error { code: ErrorCode::RateLimited, message: "slow down".into() },
            AgentFrame::Pong,
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<AgentFrame>(&json).unwrap(), frame, "{json}");
        }
        assert_eq!(serde_json::from_str::<AgentClientFrame>(r#"{"type":"ping"}"#).unwrap(), AgentClientFrame::Ping);
    }
}
