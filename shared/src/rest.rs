//! The visitor's REST surface, for networks that block WebSockets (the polling transport) and
//! for the history view. Every call carries `Authorization: Bearer <session token>` and is scoped
//! to that session's visitor: another visitor's conversation is 404 `NOT_FOUND`.
//!
//! - `POST /v1/widget/messages` ([`SendMessageRequest`] → 201 [`SendMessageResponse`], 200 for an
//!   idempotent repeat),
//! - `GET /v1/widget/conversations/{id}/messages?after=<seq>&limit=<1..=500>` → [`ConversationMessages`],
//! - `GET /v1/widget/conversations?status=&limit=<1..=50>&offset=` → [`VisitorConversationList`],
//! - `POST /v1/widget/conversations/{id}/typing` ([`TypingRequest`] → 204; agents see `typing`),
//! - `POST /v1/widget/conversations/{id}/read` ([`ReadRequest`] → 204; stored, agents see `read`),
//! - `POST /v1/widget/uploads` (the raw file as the body, its name in `X-Filename`) →
//!   201 [`UploadResponse`]; then `GET /v1/files/{id}/{name}` (Bearer, or the `?token=` in the
//!   attachment's `url`).
//!
//! **Resync over REST.** A fetch whose `after` is beyond the conversation's `lastSeq` (the
//! client's history is from a database that no longer holds it) answers 200 with no messages and
//! `resync: true`: drop the cursor and fetch again from `after=0`. A fetch of a conversation that
//! is not the caller's is 404, as before.
//!
//! **Uploads.** At most 10 MiB by default (`--max-upload-bytes`; past it 413
//! `PAYLOAD_TOO_LARGE`, counted while streaming, nothing kept); the type is read from the first
//! bytes (PNG, JPEG, GIF, WebP, PDF, plain UTF-8 text) and the claimed `Content-Type` ignored;
//! anything else is 415 `UNSUPPORTED_MEDIA_TYPE`.

use serde::{Deserialize, Serialize};

use crate::ids::ConversationId;
use crate::message::{Attachment, AttachmentId, ConversationStatus, Message, check_content, optional_body};
use crate::values::{ClientMessageId, MessageBody, ValueError};

/// The path for sending a message over REST.
pub const MESSAGES_PATH: &str = "/v1/widget/messages";
/// The path prefix of the visitor's conversations.
pub const CONVERSATIONS_PATH: &str = "/v1/widget/conversations";
/// The most messages one fetch returns.
pub const MAX_PAGE: u32 = 500;
/// The most conversations one list returns.
pub const MAX_CONVERSATIONS_PAGE: u32 = 50;
/// The path for uploading a file (visitors).
pub const UPLOADS_PATH: &str = "/v1/widget/uploads";
/// The path prefix files are served under: `/v1/files/{id}/{name}`.
pub const FILES_PATH: &str = "/v1/files";
/// The request header that carries an upload's file name (percent-encoded UTF-8 allowed).
pub const FILENAME_HEADER: &str = "x-filename";
/// The default upload limit, in bytes (10 MiB).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

/// `POST …/typing`, for the visitor (REST) and agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypingRequest {
    /// Whether the caller is typing.
    pub is_typing: bool,
}

/// `POST …/read`: the caller has read the conversation up to `seq` (0..=lastSeq; positions
/// only move forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadRequest {
    /// The highest `seq` read.
    pub seq: i64,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadResponse {
    /// The stored file; send its `id` in a message's `attachmentIds`.
    pub attachment: Attachment,
}

/// `POST /v1/widget/messages`: text, attachments, or both (never neither).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RawSend")]
pub struct SendMessageRequest {
    /// Chosen by the client; a repeat returns the original stored message.
    pub client_message_id: ClientMessageId,
    /// The text; missing, `null` or blank when the message is only attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<MessageBody>,
    /// Files uploaded before, at most 10.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_ids: Vec<AttachmentId>,
    /// A field people never fill (hidden in the form); a bot that fills it is refused.
    #[serde(rename = "_hp", default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSend {
    client_message_id: ClientMessageId,
    #[serde(default, with = "optional_body")]
    body: Option<MessageBody>,
    #[serde(default)]
    attachment_ids: Vec<AttachmentId>,
    #[serde(rename = "_hp", default)]
    honeypot: Option<String>,
}

impl TryFrom<RawSend> for SendMessageRequest {
    type Error = ValueError;
    fn try_from(raw: RawSend) -> Result<Self, Self::Error> {
        check_content(raw.body.as_ref(), &raw.attachment_ids)?;
        Ok(Self { client_message_id: raw.client_message_id, body: raw.body, attachment_ids: raw.attachment_ids, honeypot: raw.honeypot })
    }
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
    /// `after` was beyond `lastSeq`: the client's cursor is from history this server does not
    /// hold. Refetch from `after=0` (absent when `false`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resync: bool,
    /// How far the visitor has read (0 when not yet).
    #[serde(default)]
    pub visitor_read_seq: i64,
    /// How far an agent has read (0 when not yet).
    #[serde(default)]
    pub agent_read_seq: i64,
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
            attachments: Vec::new(),
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
        let files: SendMessageRequest = serde_json::from_str(
            r#"{"clientMessageId":"c1","body":"","attachmentIds":["00000000-0000-0000-0000-000000000001"]}"#,
        )
        .unwrap();
        assert_eq!((files.body.is_none(), files.attachment_ids.len()), (true, 1));
        assert_eq!(serde_json::from_str::<SendMessageRequest>(&serde_json::to_string(&files).unwrap()).unwrap(), files);
    }

    #[test]
    fn typing_read_and_upload_bodies_round_trip() {
        let typing: TypingRequest = serde_json::from_str(r#"{"isTyping":true}"#).unwrap();
        assert!(typing.is_typing);
        assert_eq!(serde_json::to_string(&ReadRequest { seq: 3 }).unwrap(), r#"{"seq":3}"#);
        assert!(serde_json::from_str::<ReadRequest>(r#"{"seq":"x"}"#).is_err());
        let upload = UploadResponse {
            attachment: Attachment {
                id: AttachmentId(Uuid::from_u128(5)),
                name: "a.pdf".into(),
                content_type: "application/pdf".into(),
                size: 10,
                url: "/v1/files/x/a.pdf?token=t".into(),
            },
        };
        let json = serde_json::to_value(&upload).unwrap();
        assert_eq!(json["attachment"]["size"], 10);
        assert_eq!(serde_json::from_value::<UploadResponse>(json).unwrap(), upload);
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
            resync: false,
            visitor_read_seq: 1,
            agent_read_seq: 0,
        };
        let json = serde_json::to_string(&page).unwrap();
        assert!(!json.contains("resync"));
        assert_eq!(serde_json::from_str::<ConversationMessages>(&json).unwrap(), page);
        let resync = ConversationMessages { resync: true, messages: Vec::new(), ..page };
        let json = serde_json::to_value(&resync).unwrap();
        assert_eq!(json["resync"], true);
        assert_eq!(serde_json::from_value::<ConversationMessages>(json).unwrap(), resync);

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
