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
    /// The visitor's satisfaction score (1–5), once they rated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
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

/// The path where the visitor leaves contact details: `POST` a [`ContactRequest`] → 204.
pub const CONTACT_PATH: &str = "/v1/widget/contact";
/// The longest contact name accepted, in characters.
pub const MAX_CONTACT_NAME: usize = 100;
/// The longest email address accepted, in characters.
pub const MAX_CONTACT_EMAIL: usize = 254;
/// The longest value of a pre-chat field, in characters.
pub const MAX_CONTACT_FIELD: usize = 500;

/// `POST /v1/widget/contact`: the visitor's name, email and the project's pre-chat fields (only
/// keys the project's [`crate::session::PreChat`] declares). Given values replace stored ones;
/// absent ones are kept. A refusal is 400 `INVALID_REQUEST` whose message starts with the
/// offending key and a colon, e.g. `email: not an email address` (see [`ContactError`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactRequest {
    /// The visitor's name (≤ 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The visitor's email address (≤ 254 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The other pre-chat fields, by key (values ≤ 500 characters).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
}

/// What is wrong with one contact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactProblem {
    /// A required value is missing or blank.
    Missing,
    /// The value is longer than allowed.
    TooLong,
    /// The value is not an email address.
    BadEmail,
    /// The project's pre-chat form has no such field.
    Unknown,
}

/// A refused contact value: which key, and why. Displayed as `key: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactError {
    /// `name`, `email` or a pre-chat field's key.
    pub field: String,
    /// Why.
    pub problem: ContactProblem,
}

impl std::fmt::Display for ContactError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.problem {
            ContactProblem::Missing => "required",
            ContactProblem::TooLong => "too long",
            ContactProblem::BadEmail => "not an email address",
            ContactProblem::Unknown => "no such field",
        };
        write!(f, "{}: {why}", self.field)
    }
}

/// Whether `raw` looks like an email address: `local@domain.tld`, no spaces, one `@`, at most
/// 254 characters. (Deliverability is the mail server's business.)
#[must_use]
pub fn is_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.split_once('@') else { return false };
    raw.len() <= MAX_CONTACT_EMAIL
        && !local.is_empty()
        && !domain.contains('@')
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// Checks one value of `field` (its kind given by `email`): length and, for emails, shape.
/// Blank values count as absent.
///
/// # Errors
/// [`ContactError`] naming `field`.
pub fn check_contact_value(field: &str, value: &str, email: bool) -> Result<(), ContactError> {
    let max = match field {
        "name" => MAX_CONTACT_NAME,
        _ if email => MAX_CONTACT_EMAIL,
        _ => MAX_CONTACT_FIELD,
    };
    let value = value.trim();
    let problem = if value.chars().count() > max {
        ContactProblem::TooLong
    } else if email && !value.is_empty() && !is_email(value) {
        ContactProblem::BadEmail
    } else {
        return Ok(());
    };
    Err(ContactError { field: field.to_owned(), problem })
}

/// The most characters a rating's comment may hold.
pub const MAX_RATING_COMMENT: usize = 1000;

/// `POST /v1/widget/conversations/{id}/rating` → 204: the visitor rates a **closed** conversation
/// (409 `CONFLICT` while it is open or pending; 404 for one that is not theirs). Rating again
/// overwrites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingRequest {
    /// 1 (bad) to 5 (great).
    pub score: u8,
    /// What the visitor wants to add, at most [`MAX_RATING_COMMENT`] characters; blank = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl RatingRequest {
    /// The score and the trimmed comment (`None` when blank), or why they are refused.
    ///
    /// # Errors
    /// A score outside 1..=5 or a comment longer than [`MAX_RATING_COMMENT`] characters.
    pub fn checked(&self) -> Result<(u8, Option<&str>), &'static str> {
        if !(1..=5).contains(&self.score) {
            return Err("score must be between 1 and 5");
        }
        let comment = self.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_RATING_COMMENT) {
            return Err("comment is longer than 1000 characters");
        }
        Ok((self.score, comment))
    }
}

/// A visitor's rating of a conversation, as agents see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    /// 1 (bad) to 5 (great).
    pub score: u8,
    /// The visitor's comment, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was (last) rated, Unix milliseconds.
    pub rated_at: i64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
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
    fn emails_are_checked_for_shape_only() {
        for good in ["ada@example.com", "a.b+c@mail.example.co.uk", "x@y.z"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a da@example.com", "ada@example..com", "ada@.com"] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(!is_email(&format!("{}@example.com", "a".repeat(250))));
    }

    #[test]
    fn contact_requests_are_checked_against_the_form() {
        use crate::session::{FieldKind, PreChat, PreChatField};
        let field = |key: &str, kind, required| PreChatField { key: key.into(), label: key.into(), kind, required };
        let form = PreChat { enabled: true, fields: vec![field("email", FieldKind::Email, true), field("phone", FieldKind::Tel, false)] };
        let req: ContactRequest = serde_json::from_str(r#"{"email":"ada@example.com","fields":{"phone":"+33 1"}}"#).unwrap();
        assert_eq!(form.check_contact(&req, |_| false), Ok(()));
        let err = |field: &str, problem| Err(ContactError { field: field.into(), problem });
        let no_email = ContactRequest { email: None, ..req.clone() };
        assert_eq!(form.check_contact(&no_email, |_| false), err("email", ContactProblem::Missing));
        assert_eq!(form.check_contact(&no_email, |key| key == "email"), Ok(()), "stored before");
        let off = PreChat { enabled: false, ..form.clone() };
        assert_eq!(off.check_contact(&no_email, |_| false), Ok(()), "required only while the form is on");
        let mut unknown = req.clone();
        unknown.fields.insert("name".into(), "x".into());
        assert_eq!(form.check_contact(&unknown, |_| false), err("name", ContactProblem::Unknown), "built-ins are top-level");
        let long = ContactRequest { name: Some("n".repeat(101)), ..req.clone() };
        assert_eq!(form.check_contact(&long, |_| false), err("name", ContactProblem::TooLong));
        assert_eq!(form.check_contact(&ContactRequest { email: Some("x".into()), ..req }, |_| false).unwrap_err().to_string(), "email: not an email address");
        assert!(serde_json::to_string(&ContactRequest::default()).unwrap() == "{}");
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
    fn rating_requests_are_checked() {
        let ok: RatingRequest = serde_json::from_str(r#"{"score":5,"comment":"  great  "}"#).unwrap();
        assert_eq!(ok.checked(), Ok((5, Some("great"))));
        let blank = RatingRequest { score: 1, comment: Some("  ".into()) };
        assert_eq!(blank.checked(), Ok((1, None)));
        assert!(RatingRequest { score: 0, comment: None }.checked().is_err());
        assert!(RatingRequest { score: 6, comment: None }.checked().is_err());
        assert!(RatingRequest { score: 3, comment: Some("é".repeat(1001)) }.checked().is_err());
        assert!(RatingRequest { score: 3, comment: Some("é".repeat(1000)) }.checked().is_ok());
        assert!(serde_json::from_str::<RatingRequest>(r#"{"score":-1}"#).is_err());
        let rating = Rating { score: 2, comment: None, rated_at: 9 };
        assert_eq!(serde_json::to_string(&rating).unwrap(), r#"{"score":2,"ratedAt":9}"#);
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
                rating: Some(4),
            }],
        };
        let json = serde_json::to_value(&list).unwrap();
        assert_eq!(json["results"][0]["messageCount"], 1);
        assert_eq!(json["results"][0]["rating"], 4);
        assert_eq!(serde_json::from_value::<VisitorConversationList>(json).unwrap(), list);
    }
}
