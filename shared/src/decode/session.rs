//! [`FromJson`] for the session types ([`crate::session`]): field names as their serde
//! `rename_all = "camelCase"` gives them, defaults as their `#[serde(default…)]` says.

use super::{Fields, FromJson, Json};
use crate::ids::{ConversationId, SessionId};
use crate::session::{
    ChatEndpoints, FieldKind, Features, InitSessionResponse, PreChat, PreChatField, Presence, SessionStatusResponse, Theme,
    UiHints,
};
use crate::values::ProjectId;

impl FromJson for InitSessionResponse {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            session_id: f.get("sessionId")?,
            session_token: f.get("sessionToken")?,
            session_expires_at: f.get("sessionExpiresAt")?,
            config_version: f.get("configVersion")?,
            features: f.get("features")?,
            theme: f.get("theme")?,
            chat: f.get("chat")?,
            ui_hints: f.get("uiHints")?,
            conversation_id: f.get("conversationId")?,
            presence: f.or("presence", Presence::default())?,
            pre_chat: f.get("preChat")?,
        })
    }
}

impl FromJson for SessionStatusResponse {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        let defaults = Features::default();
        Some(Self {
            session_id: f.get("sessionId")?,
            project_id: f.get("projectId")?,
            conversation_id: f.get("conversationId")?,
            last_seq: f.get("lastSeq")?,
            session_expires_at: f.get("sessionExpiresAt")?,
            presence: f.or("presence", Presence::default())?,
            away_mode: f.or("awayMode", defaults.away_mode)?,
            max_upload_bytes: f.or("maxUploadBytes", defaults.max_upload_bytes)?,
        })
    }
}

impl FromJson for Features {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        let defaults = Self::default();
        Some(Self {
            text_chat: f.get("textChat")?,
            away_mode: f.or("awayMode", defaults.away_mode)?,
            max_upload_bytes: f.or("maxUploadBytes", defaults.max_upload_bytes)?,
        })
    }
}

impl FromJson for Presence {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { online: f.get("online")?, agents: f.or("agents", Vec::new())? })
    }
}

impl FromJson for Theme {
    fn from_json(value: Json) -> Option<Self> {
        Some(Self { primary_color: Fields::of(value)?.get("primaryColor")? })
    }
}

impl FromJson for UiHints {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { welcome_message: f.get("welcomeMessage")?, widget_title: f.get("widgetTitle")? })
    }
}

impl FromJson for ChatEndpoints {
    fn from_json(value: Json) -> Option<Self> {
        Some(Self { ws_url: Fields::of(value)?.get("wsUrl")? })
    }
}

impl FromJson for PreChat {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { enabled: f.or("enabled", false)?, fields: f.or("fields", Vec::new())? })
    }
}

impl FromJson for PreChatField {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self { key: f.get("key")?, label: f.get("label")?, kind: f.get("kind")?, required: f.or("required", false)? })
    }
}

impl FromJson for FieldKind {
    fn from_json(value: Json) -> Option<Self> {
        match value.into_string()?.as_str() {
            "text" => Some(Self::Text),
            "email" => Some(Self::Email),
            "tel" => Some(Self::Tel),
            "textarea" => Some(Self::Textarea),
            _ => None,
        }
    }
}

impl FromJson for ProjectId {
    fn from_json(value: Json) -> Option<Self> {
        Self::parse(value.into_string()?).ok()
    }
}

impl FromJson for SessionId {
    fn from_json(value: Json) -> Option<Self> {
        FromJson::from_json(value).map(Self)
    }
}

impl FromJson for ConversationId {
    fn from_json(value: Json) -> Option<Self> {
        FromJson::from_json(value).map(Self)
    }
}
