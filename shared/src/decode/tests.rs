//! Every decoded type held to serde ([`super::conformance::holds`]), and the parser itself.

use uuid::Uuid;

use super::conformance::{agree, holds};
use super::{from_str, parse, Json};
use crate::error::{ErrorBody, ErrorCode};
use crate::ids::{ConversationId, MessageId, SessionId};
use crate::message::{Attachment, AttachmentId, Author, AuthorKind, ConversationStatus, Message};
use crate::rest::{ConversationMessages, SendMessageResponse, UploadResponse, VisitorConversation, VisitorConversationList};
use crate::session::{
    ChatEndpoints, Features, FieldKind, InitSessionResponse, PreChat, PreChatField, Presence, SessionStatusResponse, Theme, UiHints,
};
use crate::values::{ClientMessageId, ProjectId};
use crate::ws::ServerFrame;

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn message(attachments: bool) -> Message {
    Message {
        id: MessageId(uuid(1)),
        conversation_id: ConversationId(uuid(2)),
        seq: 9_007_199_254_740_993,
        client_message_id: attachments.then(|| ClientMessageId::parse("c-1").expect("valid")),
        author: Author { kind: AuthorKind::Agent, name: attachments.then(|| "Ada \"the\" agent \u{1f600}".into()) },
        body: "Hi \u{e9}\n<b>x</b>\\ \u{1}".into(),
        created_at: -1,
        attachments: if attachments {
            vec![Attachment {
                id: AttachmentId(uuid(7)),
                name: "cat.png".into(),
                content_type: "image/png".into(),
                size: 12,
                url: "/v1/files/x/cat.png?token=t".into(),
            }]
        } else {
            Vec::new()
        },
    }
}

#[test]
fn messages_and_their_parts_decode_like_serde() {
    holds(&message(true));
    holds(&message(false));
    for kind in [AuthorKind::Visitor, AuthorKind::Agent, AuthorKind::Assistant, AuthorKind::System] {
        holds(&Author { kind, name: None });
    }
    for code in ErrorCode::ALL {
        holds(&ErrorBody::new(code, "no"));
    }
}

#[test]
fn session_answers_decode_like_serde() {
    let pre_chat = PreChat {
        enabled: true,
        fields: [FieldKind::Text, FieldKind::Email, FieldKind::Tel, FieldKind::Textarea]
            .into_iter()
            .enumerate()
            .map(|(i, kind)| PreChatField { key: format!("k{i}"), label: "L".into(), kind, required: i % 2 == 0 })
            .collect(),
    };
    let init = InitSessionResponse {
        session_id: SessionId(uuid(7)),
        session_token: "t".into(),
        session_expires_at: 1_700_000_000,
        config_version: 1,
        features: Features { text_chat: true, away_mode: false, max_upload_bytes: u64::MAX },
        theme: Theme::default(),
        chat: ChatEndpoints { ws_url: "ws://x/ws/chat?sessionId=a&token=b".into() },
        ui_hints: UiHints { welcome_message: "Hi".into(), widget_title: "Support".into() },
        conversation_id: Some(ConversationId(uuid(2))),
        presence: Presence { online: true, agents: vec!["Ada".into(), "Bo".into()] },
        pre_chat: Some(pre_chat),
    };
    holds(&init);
    holds(&InitSessionResponse { conversation_id: None, presence: Presence::default(), pre_chat: None, ..init.clone() });
    holds(&InitSessionResponse { pre_chat: Some(PreChat::default()), features: Features::default(), ..init });
    let status = SessionStatusResponse {
        session_id: SessionId(uuid(1)),
        project_id: ProjectId::parse("demo").expect("valid"),
        conversation_id: Some(ConversationId(uuid(2))),
        last_seq: 4,
        session_expires_at: 9,
        presence: Presence { online: true, agents: vec!["Ada".into()] },
        away_mode: false,
        max_upload_bytes: 2048,
    };
    holds(&status);
    holds(&SessionStatusResponse { conversation_id: None, presence: Presence::default(), away_mode: true, ..status });
}

#[test]
fn rest_answers_decode_like_serde() {
    holds(&SendMessageResponse { message: message(true), duplicate: true, conversation_status: ConversationStatus::Closed });
    holds(&UploadResponse { attachment: message(true).attachments.remove(0) });
    let page = ConversationMessages {
        conversation_id: ConversationId(uuid(2)),
        status: ConversationStatus::Pending,
        messages: vec![message(true), message(false)],
        has_more: true,
        last_seq: 2,
        resync: false,
        visitor_read_seq: 1,
        agent_read_seq: 3,
    };
    holds(&page);
    holds(&ConversationMessages { resync: true, messages: Vec::new(), status: ConversationStatus::Open, ..page });
    let conversation = VisitorConversation {
        id: ConversationId(uuid(2)),
        status: ConversationStatus::Closed,
        last_message: Some(message(false)),
        message_count: 1,
        created_at: 1,
        updated_at: 2,
        rating: Some(255),
    };
    let bare = VisitorConversation { last_message: None, rating: None, ..conversation.clone() };
    holds(&VisitorConversationList { count: 2, results: vec![conversation, bare] });
    holds(&VisitorConversationList { count: 0, results: Vec::new() });
}

#[test]
fn every_server_frame_decodes_like_serde() {
    let author = Author { kind: AuthorKind::Assistant, name: Some("Bot".into()) };
    let cmid = ClientMessageId::parse("c-1").expect("valid");
    let frames = [
        ServerFrame::Ready {
            session_id: SessionId(uuid(9)),
            conversation_id: Some(ConversationId(uuid(2))),
            last_seq: 4,
            visitor_read_seq: 2,
            agent_read_seq: 1,
        },
        ServerFrame::Ready { session_id: SessionId(uuid(9)), conversation_id: None, last_seq: 0, visitor_read_seq: 0, agent_read_seq: 0 },
        ServerFrame::Ack { client_message_id: cmid.clone(), message: message(true) },
        ServerFrame::Message { message: message(false) },
        ServerFrame::Error { code: ErrorCode::RateLimited, message: "slow down".into(), client_message_id: Some(cmid.clone()) },
        ServerFrame::Error { code: ErrorCode::Internal, message: String::new(), client_message_id: None },
        ServerFrame::Pong,
        ServerFrame::Typing { author: author.clone(), is_typing: true },
        ServerFrame::Read { seq: 7 },
        ServerFrame::ConversationStatus { conversation_id: ConversationId(uuid(2)), status: ConversationStatus::Closed },
        ServerFrame::Resync { conversation_id: Some(ConversationId(uuid(2))), last_seq: 2 },
        ServerFrame::Resync { conversation_id: None, last_seq: 0 },
        ServerFrame::Presence { online: true, agents: vec!["Ada".into(), "Bo".into()] },
        ServerFrame::Presence { online: false, agents: Vec::new() },
        ServerFrame::Token { conversation_id: ConversationId(uuid(2)), client_message_id: cmid, author, delta: " wor".into() },
    ];
    for frame in &frames {
        holds(frame);
    }
    for text in [r#"{"type":"nope"}"#, r#"{"type":"message","message":"text"}"#, r#"{"lastSeq":1}"#, "[]", "null"] {
        assert_eq!(from_str::<ServerFrame>(text), None, "{text}");
    }
}

#[test]
fn the_parser_reads_strict_json() {
    let text = " {\"a\" : [1, -2, 0, 1.5e3, true, false, null, \"\\u00e9\\ud83d\\ude00\\n\\/\"] } ";
    let Some(Json::Obj(entries)) = parse(text) else { panic!("not read") };
    assert_eq!(entries[0].0, "a");
    assert_eq!(
        entries[0].1,
        Json::Arr(vec![
            Json::Int { negative: false, magnitude: 1 },
            Json::Int { negative: true, magnitude: 2 },
            Json::Int { negative: false, magnitude: 0 },
            Json::Float,
            Json::Bool(true),
            Json::Bool(false),
            Json::Null,
            Json::Str("\u{e9}\u{1f600}\n/".into()),
        ])
    );
    for bad in [
        "", "{", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{1:2}", "01", "-", "\"\u{1}\"", "\"\\x\"", "\"\\ud800\"",
        "\"\\udc00\"", "\"\\u12\"", "nul", "truex", "1 2", "'a'",
    ] {
        assert_eq!(parse(bad), None, "{bad:?}");
    }
    let deep = "[".repeat(65) + &"]".repeat(65);
    assert_eq!(parse(&deep), None);
    let fine = "[".repeat(64) + &"]".repeat(64);
    assert!(parse(&fine).is_some());
}

#[test]
fn integers_are_exact_and_range_checked_like_serde() {
    for text in ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "18446744073709551616", "1e2"] {
        agree::<i64>(text);
        agree::<u64>(text);
        agree::<u8>(text);
    }
    for text in ["255", "256", "-1"] {
        agree::<u8>(text);
    }
    for text in [
        "\"00000000-0000-0000-0000-00000000000a\"",
        "\"7F9C24E8-3B12-4FEF-91E0-5A1B2C3D4E5F\"",
        "\"7f9c24e8-3b12-4fef-91e0-5a1b2c3d4e5g\"",
        "\"7f9c24e8-3b12-4fef-91e0-5a1b2c3d4e5\"",
        "\"7f9c24e8-3b12-4fef-91e0-5a1b2c3d4e5ff\"",
        "\"7f9c24e83b12-4fef-91e0-5a1b2c3d4e5ff\"",
        "\"7f9c24e8-3b12-4fef-91e0+5a1b2c3d4e5f\"",
        "\"7f9c24e8-3b12-4fef-91e0-5a1b2c3d4é\"",
        "\"nope\"",
        "\"\"",
        "7",
    ] {
        agree::<Uuid>(text);
    }
    let id = Uuid::from_u128(0x7f9c_24e8_3b12_4fef_91e0_5a1b_2c3d_4e5f);
    assert_eq!(from_str::<Uuid>(&serde_json::to_string(&id).expect("serialises")), Some(id));
    // The simple form, which serde also reads and nothing writes.
    assert_eq!(from_str::<Uuid>("\"7f9c24e83b124fef91e05a1b2c3d4e5f\""), None);
}
