//! [`FromJson`] for the REST answers the widget reads ([`crate::rest`]).

use super::{Fields, FromJson, Json};
use crate::rest::{ConversationMessages, SendMessageResponse, UploadResponse, VisitorConversation, VisitorConversationList};

impl FromJson for ConversationMessages {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            conversation_id: f.get("conversationId")?,
            status: f.get("status")?,
            messages: f.get("messages")?,
            has_more: f.get("hasMore")?,
            last_seq: f.get("lastSeq")?,
            resync: f.or("resync", false)?,
            visitor_read_seq: f.or("visitorReadSeq", 0)?,
            agent_read_seq: f.or("agentReadSeq", 0)?,
        })
    }
}

impl FromJson for SendMessageResponse {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            message: f.get("message")?,
            duplicate: f.get("duplicate")?,
            conversation_status: f.get("conversationStatus")?,
        })
    }
}

impl FromJson for UploadResponse {
    fn from_json(value: Json) -> Option<Self> {
        Some(Self { attachment: Fields::of(value)?.get("attachment")? })
    }
}

impl FromJson for VisitorConversationList {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { count: f.get("count")?, results: f.get("results")? })
    }
}

impl FromJson for VisitorConversation {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            id: f.get("id")?,
            status: f.get("status")?,
            last_message: f.get("lastMessage")?,
            message_count: f.get("messageCount")?,
            created_at: f.get("createdAt")?,
            updated_at: f.get("updatedAt")?,
            rating: f.get("rating")?,
        })
    }
}
