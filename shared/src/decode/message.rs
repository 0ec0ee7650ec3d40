//! [`FromJson`] for messages, their parts and the validated values ([`crate::message`],
//! [`crate::values`], [`crate::error`]).

use super::{Fields, FromJson, Json};
use crate::error::{ErrorBody, ErrorCode};
use crate::ids::MessageId;
use crate::message::{Attachment, AttachmentId, Author, AuthorKind, ConversationStatus, Message};
use crate::values::{ClientMessageId, MessageBody};

impl FromJson for Message {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            id: f.get("id")?,
            conversation_id: f.get("conversationId")?,
            seq: f.get("seq")?,
            client_message_id: f.get("clientMessageId")?,
            author: f.get("author")?,
            body: f.get("body")?,
            created_at: f.get("createdAt")?,
            attachments: f.or("attachments", Vec::new())?,
        })
    }
}

impl FromJson for Author {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { kind: f.get("kind")?, name: f.get("name")? })
    }
}

impl FromJson for AuthorKind {
    fn from_json(value: Json) -> Option<Self> {
        Self::from_str_opt(&value.into_string()?)
    }
}

impl FromJson for ConversationStatus {
    fn from_json(value: Json) -> Option<Self> {
        Self::from_str_opt(&value.into_string()?)
    }
}

impl FromJson for Attachment {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            id: f.get("id")?,
            name: f.get("name")?,
            content_type: f.get("contentType")?,
            size: f.get("size")?,
            url: f.get("url")?,
        })
    }
}

impl FromJson for ErrorBody {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { code: f.get("code")?, message: f.get("message")? })
    }
}

impl FromJson for ErrorCode {
    fn from_json(value: Json) -> Option<Self> {
        let name = value.into_string()?;
        Self::ALL.into_iter().find(|code| code.as_str() == name)
    }
}

impl FromJson for ClientMessageId {
    fn from_json(value: Json) -> Option<Self> {
        Self::parse(value.into_string()?).ok()
    }
}

impl FromJson for MessageBody {
    fn from_json(value: Json) -> Option<Self> {
        Self::parse(value.into_string()?).ok()
    }
}

impl FromJson for MessageId {
    fn from_json(value: Json) -> Option<Self> {
        FromJson::from_json(value).map(Self)
    }
}

impl FromJson for AttachmentId {
    fn from_json(value: Json) -> Option<Self> {
        FromJson::from_json(value).map(Self)
    }
}
