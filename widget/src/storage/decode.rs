//! The stored state read back through [`FromJson`], field for field as its serde attributes
//! write it (camelCase names; what `#[serde(default)]` marks may be missing).

use super::{Look, Stored, StoredSession};
use crate::json::{Fields, FromJson, Json};
use crate::state::Outbox;

impl FromJson for Stored {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            session: f.get("session")?,
            last_seq: f.or("lastSeq", 0)?,
            read_seq: f.or("readSeq", 0)?,
            outbox: f.or("outbox", Outbox::default())?,
            delivered: f.or("delivered", Vec::new())?,
            pre_chat: f.get("preChat")?,
            contact_for: f.get("contactFor")?,
            email: f.get("email")?,
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
            conversation_id: f.get("conversationId")?,
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

#[cfg(test)]
mod tests {
    use parlour_shared::decode::conformance::holds;
    use parlour_shared::session::{FieldKind, PreChat, PreChatField};
    use parlour_shared::{Attachment, AttachmentId, ClientMessageId, ConversationId, SessionId};
    use uuid::Uuid;

    use super::super::{Look, Stored, StoredSession};
    use crate::state::outbox::pending;
    use crate::state::Pending;

    /// Everything the widget may store, each optional part present.
    fn everything() -> Stored {
        let file = Attachment {
            id: AttachmentId(Uuid::from_u128(9)),
            name: "a \"b\".png".into(),
            content_type: "image/png".into(),
            size: 12,
            url: "/v1/files/x/a.png?token=t".into(),
        };
        let look = Look { title: "Help".into(), welcome: "Hi \u{e9}\n\u{1f600}".into(), primary_color: "#123456".into() };
        let mut stored = Stored {
            session: Some(StoredSession {
                session_id: SessionId(Uuid::from_u128(1)),
                token: "t".into(),
                expires_at: 5,
                ws_url: "ws://h/ws/chat?sessionId=s&token=t".into(),
                conversation_id: Some(ConversationId(Uuid::from_u128(2))),
                look,
            }),
            last_seq: 9_007_199_254_740_993,
            read_seq: 3,
            delivered: vec![ClientMessageId::parse("d1").unwrap()],
            pre_chat: Some(PreChat {
                enabled: true,
                fields: vec![PreChatField { key: "order".into(), label: "Order".into(), kind: FieldKind::Tel, required: true }],
            }),
            contact_for: Some(SessionId(Uuid::from_u128(1))),
            email: Some("ada@example.com".into()),
            ..Stored::default()
        };
        stored.outbox.push(Pending { body: None, attachments: vec![file], failed: true, ..pending("c1", "x") });
        stored.outbox.push(pending("c2", "h\u{e9} \"x\"\n"));
        stored
    }

    #[test]
    fn what_the_widget_writes_it_reads_back_equal() {
        for stored in [everything(), Stored::default(), Stored { session: everything().session, ..Stored::default() }] {
            let text = crate::json::to_string(&stored).unwrap();
            assert_eq!(Stored::parse(Some(&text)), stored, "{text}");
            assert_eq!(serde_json::from_str::<Stored>(&text).unwrap(), stored, "serde reads it the same");
        }
        let with_extra = r#"{"lastSeq":4,"future":[1.5e3,{"a":null}],"session":null}"#;
        assert_eq!(Stored::parse(Some(with_extra)), Stored { last_seq: 4, ..Stored::default() });
    }

    #[test]
    fn stored_state_decodes_like_serde() {
        holds(&everything());
        holds(&Stored::default());
    }
}
