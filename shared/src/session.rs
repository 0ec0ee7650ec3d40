//! `POST /v1/widget/session/init`: the widget asks for a session and gets back everything it
//! needs to talk: ids, token, the project's look and features, and the WebSocket URL.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, SessionId};
use crate::rest::{ContactError, ContactProblem, ContactRequest, check_contact_value};
use crate::values::ProjectId;

/// The path of the session init endpoint.
pub const INIT_PATH: &str = "/v1/widget/session/init";

/// The longest free-text field accepted in an init request (page URL, user agent…), in bytes.
pub const MAX_INIT_FIELD_LEN: usize = 2_048;

/// The init request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitSessionRequest {
    /// The project, as in `<chat-widget project-id="…">`.
    pub project_id: ProjectId,
    /// A random id the widget instance picked, kept with the session for diagnostics.
    pub widget_instance_id: String,
    /// The host site's own user id, if it shares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
    /// The page the widget is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The host page's origin, e.g. `https://shop.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_origin: Option<String>,
    /// The browser's user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The visitor's locale, e.g. `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The host's signed identity token for this visitor (HS256, `aud` = `chat-widget`), for
    /// projects with identity verification. Sent as `userJwt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_jwt: Option<String>,
    /// Intercom-style proof of `externalUserId`: hex HMAC-SHA256 of it under the project secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_hash: Option<String>,
    /// A honeypot field that people never fill (the widget leaves it empty); bots that fill
    /// every field are refused. Sent as `_hp`.
    #[serde(rename = "_hp", default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
    /// The visitor's name as the host page knows it (`boot({name})`), stored as contact details
    /// like `POST /v1/widget/contact`. A name in a verified identity token's `user_data` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The visitor's email as the host page knows it (`boot({email})`); a verified token's wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Which features the project has switched on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Features {
    /// Text chat (always on today).
    pub text_chat: bool,
    /// Away mode: when no agent is online, the widget asks for an email after the visitor's
    /// first message so the reply can go there (`project set --away-mode`). On unless switched off.
    #[serde(default = "switched_on")]
    pub away_mode: bool,
    /// The largest file a visitor may attach, in bytes: the server's `--max-upload-bytes`, filled
    /// in by the server when it answers init (not a project setting), so the widget can refuse a
    /// file before uploading it.
    #[serde(default = "default_max_upload_bytes")]
    pub max_upload_bytes: u64,
}

const fn switched_on() -> bool {
    true
}

const fn default_max_upload_bytes() -> u64 {
    crate::rest::DEFAULT_MAX_UPLOAD_BYTES
}

impl Default for Features {
    fn default() -> Self {
        Self { text_chat: true, away_mode: true, max_upload_bytes: default_max_upload_bytes() }
    }
}

/// Whether the support team is there: `online` while at least one agent has the inbox (the
/// agents' live feed) open. Sent in the init and status answers and, when it changes, as a
/// `presence` frame to every visitor socket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    /// An agent is online.
    pub online: bool,
    /// The display names of the agents online (at most [`Presence::MAX_AGENTS`]), for the
    /// widget's header; empty when offline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
}

impl Presence {
    /// The most agent names a presence carries.
    pub const MAX_AGENTS: usize = 3;
}

/// The project's look, which widget attributes can override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Theme {
    /// The accent colour, as a CSS hex colour such as `#4f46e5`.
    pub primary_color: String,
}

impl Default for Theme {
    fn default() -> Self {
        Self { primary_color: "#4f46e5".to_owned() }
    }
}

/// Texts the widget shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiHints {
    /// The first thing the visitor reads when opening the panel.
    pub welcome_message: String,
    /// The panel's title.
    pub widget_title: String,
}

/// Where to connect for live chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatEndpoints {
    /// The WebSocket URL, with `sessionId` and `token` already in its query string.
    /// Append `&after=<seq>` to resume after the last message seen.
    pub ws_url: String,
}

/// The init response body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitSessionResponse {
    /// The new session.
    pub session_id: SessionId,
    /// The session's bearer token (a JWT bound to this session and project).
    pub session_token: String,
    /// When the token expires, in Unix seconds.
    pub session_expires_at: i64,
    /// The version of the project config this session was started with.
    pub config_version: i64,
    /// The project's switched-on features.
    pub features: Features,
    /// The project's theme.
    pub theme: Theme,
    /// Where to connect.
    pub chat: ChatEndpoints,
    /// Texts to show.
    pub ui_hints: UiHints,
    /// The session's open conversation, if it already has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// Whether an agent is online now.
    #[serde(default)]
    pub presence: Presence,
    /// The project's pre-chat form, when it is switched on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_chat: Option<PreChat>,
}

/// The kind of input a pre-chat field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// An email address (checked like the contact email).
    Email,
    /// A phone number.
    Tel,
    /// Several lines of text.
    Textarea,
}

/// One field of the pre-chat form. The keys `name` and `email` are built in: they fill the
/// contact's name and email (`email` must be of kind `email`); other keys go to `fields`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreChatField {
    /// `[a-z0-9_-]`, 1–40 characters, unique in the form.
    pub key: String,
    /// What the visitor reads (1–100 characters).
    pub label: String,
    /// The input's kind.
    pub kind: FieldKind,
    /// Whether it must be filled before chatting.
    #[serde(default)]
    pub required: bool,
}

/// A project's pre-chat form: shown before the visitor's first message when `enabled`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreChat {
    /// Whether the widget asks before the first message.
    #[serde(default)]
    pub enabled: bool,
    /// The fields, in order (at most [`PreChat::MAX_FIELDS`]).
    #[serde(default)]
    pub fields: Vec<PreChatField>,
}

impl PreChat {
    /// The most fields a form may have.
    pub const MAX_FIELDS: usize = 20;

    /// Checks the form itself (admin CLI).
    ///
    /// # Errors
    /// What is wrong, for the operator.
    pub fn validate(&self) -> Result<(), String> {
        if self.fields.len() > Self::MAX_FIELDS {
            return Err(format!("at most {} fields", Self::MAX_FIELDS));
        }
        for (i, field) in self.fields.iter().enumerate() {
            let key = field.key.as_str();
            if key.is_empty() || key.len() > 40 || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-') {
                return Err(format!("field key {key:?} must be 1-40 characters of [a-z0-9_-]"));
            }
            if self.fields[..i].iter().any(|other| other.key == key) {
                return Err(format!("field key {key:?} appears twice"));
            }
            if field.label.trim().is_empty() || field.label.chars().count() > 100 {
                return Err(format!("field {key:?}: the label must be 1-100 characters"));
            }
            if key == "email" && field.kind != FieldKind::Email {
                return Err("the built-in field \"email\" must be of kind email".to_owned());
            }
        }
        Ok(())
    }

    /// The field with this key.
    #[must_use]
    pub fn field(&self, key: &str) -> Option<&PreChatField> {
        self.fields.iter().find(|field| field.key == key)
    }

    /// Checks a contact request against this form: lengths and email shapes, only declared keys
    /// in `fields`, and (when the form is on) every required field given now or already stored
    /// (`stored(key)`).
    ///
    /// # Errors
    /// The first [`ContactError`] found.
    pub fn check_contact(&self, req: &ContactRequest, stored: impl Fn(&str) -> bool) -> Result<(), ContactError> {
        if let Some(name) = &req.name {
            check_contact_value("name", name, false)?;
        }
        if let Some(email) = &req.email {
            check_contact_value("email", email, true)?;
        }
        for (key, value) in &req.fields {
            let Some(field) = self.field(key).filter(|_| key != "name" && key != "email") else {
                return Err(ContactError { field: key.clone(), problem: ContactProblem::Unknown });
            };
            check_contact_value(key, value, field.kind == FieldKind::Email)?;
        }
        if self.enabled {
            for field in self.fields.iter().filter(|field| field.required) {
                let given = match field.key.as_str() {
                    "name" => req.name.as_deref(),
                    "email" => req.email.as_deref(),
                    key => req.fields.get(key).map(String::as_str),
                };
                if given.is_none_or(|v| v.trim().is_empty()) && !stored(&field.key) {
                    return Err(ContactError { field: field.key.clone(), problem: ContactProblem::Missing });
                }
            }
        }
        Ok(())
    }
}

/// The path that tells a widget whether its stored session is still good:
/// `GET /v1/widget/session` with `Authorization: Bearer <session token>` answers
/// [`SessionStatusResponse`], or 401 `SESSION_INVALID` when the widget must init a new session.
/// (A browser cannot read the HTTP status of a refused WebSocket handshake, so it asks here.)
pub const SESSION_PATH: &str = "/v1/widget/session";

/// The answer of `GET /v1/widget/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatusResponse {
    /// The session.
    pub session_id: SessionId,
    /// Its project.
    pub project_id: ProjectId,
    /// Its open conversation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// The highest `seq` stored in that conversation (0 when none).
    pub last_seq: i64,
    /// When the session token expires, in Unix seconds.
    pub session_expires_at: i64,
    /// Whether an agent is online now (the polling transport reads it here).
    #[serde(default)]
    pub presence: Presence,
    /// The project's away mode (as `features.awayMode` at init), for a widget that restored its
    /// session.
    #[serde(default = "switched_on")]
    pub away_mode: bool,
    /// The server's upload limit in bytes (as `features.maxUploadBytes` at init), for a widget
    /// that restored its session.
    #[serde(default = "default_max_upload_bytes")]
    pub max_upload_bytes: u64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test's unwrap is its assertion
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn init_request_reads_the_seed_shape() {
        let json = r#"{"projectId":"demo","widgetInstanceId":"w-1","pageUrl":"http://localhost:3000",
            "userAgent":"Mozilla/5.0","locale":"en-US"}"#;
        let req: InitSessionRequest = serde_json::from_str(json).unwrap();
        assert_eq!(req.project_id.as_str(), "demo");
        assert_eq!(req.locale.as_deref(), Some("en-US"));
        assert_eq!(req.external_user_id, None);
        let again: InitSessionRequest = serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
        assert_eq!(again, req);
    }

    #[test]
    fn init_request_carries_identity_proofs_and_the_honeypot_in_camel_case() {
        let json = r#"{"projectId":"demo","widgetInstanceId":"w-1","externalUserId":"u-1",
            "userJwt":"a.b.c","userHash":"00ff","_hp":"bot"}"#;
        let req: InitSessionRequest = serde_json::from_str(json).unwrap();
        assert_eq!(req.user_jwt.as_deref(), Some("a.b.c"));
        assert_eq!(req.user_hash.as_deref(), Some("00ff"));
        assert_eq!(req.honeypot.as_deref(), Some("bot"));
        let value = serde_json::to_value(&req).unwrap();
        assert_eq!((value["userJwt"].as_str(), value["userHash"].as_str(), value["_hp"].as_str()), (Some("a.b.c"), Some("00ff"), Some("bot")));
        assert_eq!(serde_json::from_value::<InitSessionRequest>(value).unwrap(), req);
    }

    #[test]
    fn init_request_leaves_out_absent_identity_fields() {
        let req: InitSessionRequest = serde_json::from_str(r#"{"projectId":"demo","widgetInstanceId":"w-1"}"#).unwrap();
        assert_eq!((req.user_jwt.as_ref(), req.user_hash.as_ref(), req.honeypot.as_ref()), (None, None, None));
        let json = serde_json::to_string(&req).unwrap();
        assert!(!json.contains("userJwt") && !json.contains("userHash") && !json.contains("_hp"), "{json}");
    }

    #[test]
    fn init_request_refuses_a_bad_project_id() {
        let json = r#"{"projectId":"no spaces","widgetInstanceId":"w-1"}"#;
        assert!(serde_json::from_str::<InitSessionRequest>(json).is_err());
    }

    #[test]
    fn init_response_round_trips_with_camel_case_fields() {
        let resp = InitSessionResponse {
            session_id: SessionId(Uuid::from_u128(7)),
            session_token: "t".into(),
            session_expires_at: 1_700_000_000,
            config_version: 1,
            features: Features::default(),
            theme: Theme::default(),
            chat: ChatEndpoints { ws_url: "ws://x/ws/chat?sessionId=a&token=b".into() },
            ui_hints: UiHints { welcome_message: "Hi".into(), widget_title: "Support".into() },
            conversation_id: None,
            presence: Presence::default(),
            pre_chat: None,
        };
        let json = serde_json::to_value(&resp).unwrap();
        assert_eq!(json["chat"]["wsUrl"], "ws://x/ws/chat?sessionId=a&token=b");
        assert_eq!(json["uiHints"]["widgetTitle"], "Support");
        assert_eq!(json["features"]["textChat"], true);
        assert_eq!(json["theme"]["primaryColor"], "#4f46e5");
        assert!(json.get("conversationId").is_none());
        assert_eq!(serde_json::from_value::<InitSessionResponse>(json).unwrap(), resp);
    }

    #[test]
    fn session_status_round_trips() {
        let status = SessionStatusResponse {
            session_id: SessionId(Uuid::from_u128(1)),
            project_id: ProjectId::parse("demo").unwrap(),
            conversation_id: Some(ConversationId(Uuid::from_u128(2))),
            last_seq: 4,
            session_expires_at: 9,
            presence: Presence { online: true, agents: vec!["Ada".into()] },
            away_mode: false,
            max_upload_bytes: 2048,
        };
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["lastSeq"], 4);
        assert_eq!(json["maxUploadBytes"], 2048);
        assert_eq!(json["sessionExpiresAt"], 9);
        assert_eq!(serde_json::from_value::<SessionStatusResponse>(json).unwrap(), status);
    }

    #[test]
    fn presence_and_away_mode_have_the_documented_shape_and_defaults() {
        let presence = Presence { online: true, agents: vec!["Ada".into()] };
        assert_eq!(serde_json::to_value(&presence).unwrap(), serde_json::json!({"online": true, "agents": ["Ada"]}));
        assert_eq!(serde_json::to_value(Presence::default()).unwrap(), serde_json::json!({"online": false}));
        let old: Features = serde_json::from_str(r#"{"textChat":true}"#).unwrap();
        assert!(old.away_mode, "away mode is on unless switched off");
        let off: Features = serde_json::from_str(r#"{"textChat":true,"awayMode":false}"#).unwrap();
        assert!(!off.away_mode);
        let status: SessionStatusResponse = serde_json::from_str(
            r#"{"sessionId":"00000000-0000-0000-0000-000000000001","projectId":"demo","lastSeq":0,"sessionExpiresAt":1}"#,
        )
        .unwrap();
        assert_eq!(status.presence, Presence::default());
        assert!(status.away_mode);
    }

    #[test]
    fn the_upload_limit_travels_in_features_and_defaults_to_ten_mib() {
        let old: Features = serde_json::from_str(r#"{"textChat":true}"#).unwrap();
        assert_eq!(old.max_upload_bytes, crate::rest::DEFAULT_MAX_UPLOAD_BYTES);
        let small = Features { max_upload_bytes: 2048, ..Features::default() };
        let json = serde_json::to_value(&small).unwrap();
        assert_eq!(json["maxUploadBytes"], 2048);
        assert_eq!(serde_json::from_value::<Features>(json).unwrap(), small);
    }
}
