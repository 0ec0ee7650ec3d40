//! The stored state read back through [`FromJson`], field for field as its serde attributes
//! write it (camelCase names; what `#[serde(default)]` marks may be missing).

use super::{Look, Stored, StoredSession};
use crate::json::{Fields, FromJson, Json};
use crate::state::Outbox;

impl FromJson for Stored {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            session: f.or("session", None)?,
            last_seq: f.or("lastSeq", 0)?,
            read_seq: f.or("readSeq", 0)?,
            outbox: f.or("outbox", Outbox::default())?,
            delivered: f.or("delivered", Vec::new())?,
            pre_chat: f.or("preChat", None)?,
            contact_for: f.or("contactFor", None)?,
            email: f.or("email", None)?,
        })
    }
}

impl FromJson for StoredSession {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            session_id: f.get("sessionId")?,
            token: f.get("token")?,
            expires_at: f.get("expiresAt")?,
            ws_url: f.get("wsUrl")?,
            conversation_id: f.or("conversationId", None)?,
            look: f.or("look", Look::default())?,
        })
    }
}

impl FromJson for Look {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { title: f.get("title")?, welcome: f.get("welcome")?, primary_color: f.get("primaryColor")? })
    }
}
