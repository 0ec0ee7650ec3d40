//! The reader and writer against serde_json, on the wire types and on hostile text.

use parlour_shared::ErrorBody;
use parlour_shared::rest::ConversationMessages;
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{ConversationId, SessionId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use uuid::Uuid;

use super::{FromJson, from_str, to_string};
use crate::state::outbox::pending;
use crate::storage::{Look, Stored, StoredSession};

const MESSAGE: &str = r#"{"id":"00000000-0000-0000-0000-000000000001","conversationId":"00000000-0000-0000-0000-000000000002","seq":3,"clientMessageId":"c-1","author":{"kind":"agent","name":"Ada \"the\" agent"},"body":"Hi \u00e9\n\ud83d\ude00 <b>x</b>\\","createdAt":1700000000000,"attachments":[{"id":"00000000-0000-0000-0000-000000000009","name":"a.png","contentType":"image/png","size":12,"url":"/v1/files/x/a.png?token=t"}]}"#;

/// `text` reads the same with both, and writes back to the text serde_json writes.
fn same_as_serde_json<T: FromJson + DeserializeOwned + Serialize + PartialEq + Debug>(text: &str) -> T {
    let theirs: T =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("serde_json rejects {text}: {e}"));
    let ours: T = from_str(text).unwrap_or_else(|| panic!("rejected: {text}"));
    assert_eq!(ours, theirs);
    assert_eq!(
        to_string(&ours).unwrap(),
        serde_json::to_string(&theirs).unwrap()
    );
    ours
}

#[test]
fn reads_and_writes_every_server_frame_like_serde_json() {
    let frames = [
        r#"{"type":"ready","sessionId":"00000000-0000-0000-0000-000000000005","conversationId":"00000000-0000-0000-0000-000000000002","lastSeq":7,"visitorReadSeq":2,"agentReadSeq":1}"#.to_owned(),
        r#"{"type":"ready","sessionId":"00000000-0000-0000-0000-000000000005","lastSeq":0}"#.to_owned(),
        format!(r#"{{"type":"ack","clientMessageId":"c-1","message":{MESSAGE}}}"#),
        format!(r#"{{"type":"message","message":{MESSAGE}}}"#),
        r#"{"type":"error","code":"RATE_LIMITED","message":"slow down","clientMessageId":"c-2"}"#.to_owned(),
        r#"{"type":"pong"}"#.to_owned(),
        r#"{"type":"typing","author":{"kind":"agent","name":"Ada"},"isTyping":true}"#.to_owned(),
        r#"{"type":"read","seq":4}"#.to_owned(),
        r#"{"type":"conversation_status","conversationId":"00000000-0000-0000-0000-000000000002","status":"closed"}"#.to_owned(),
        r#"{"type":"resync","lastSeq":9}"#.to_owned(),
    ];
    for frame in &frames {
        same_as_serde_json::<ServerFrame>(frame);
    }
}

#[test]
fn writes_client_frames_like_serde_json() {
    for text in [
        r#"{"type":"user_message","clientMessageId":"c-1","body":"hé \"x\"\n","attachmentIds":["00000000-0000-0000-0000-000000000009"]}"#,
        r#"{"type":"ping"}"#,
        r#"{"type":"typing","isTyping":false}"#,
        r#"{"type":"read","seq":12}"#,
    ] {
        let frame: ClientFrame = serde_json::from_str(text).expect("a client frame");
        assert_eq!(to_string(&frame).unwrap(), serde_json::to_string(&frame).unwrap());
    }
}

#[test]
fn reads_rest_bodies_and_stored_state_like_serde_json() {
    same_as_serde_json::<ConversationMessages>(&format!(
        r#"{{"conversationId":"00000000-0000-0000-0000-000000000002","status":"open","messages":[{MESSAGE},{MESSAGE}],"hasMore":false,"lastSeq":3,"visitorReadSeq":1,"agentReadSeq":0}}"#
    ));
    same_as_serde_json::<ErrorBody>(r#"{"code":"JWT_INVALID","message":"no"}"#);
    assert_eq!(from_str::<ErrorBody>(r#"{"code":"JWT_INVALID"}"#), None);
    assert_eq!(
        from_str::<ErrorBody>(r#"{"code":"NO_SUCH_CODE","message":"x"}"#),
        None
    );
    let mut stored = Stored {
        last_seq: 4,
        read_seq: 3,
        ..Stored::default()
    };
    stored.session = Some(StoredSession {
        session_id: SessionId(Uuid::from_u128(1)),
        token: "t.o.k".into(),
        expires_at: 1_700_000_000,
        ws_url: "ws://h/ws/chat?sessionId=s&token=t".into(),
        conversation_id: Some(ConversationId(Uuid::from_u128(2))),
        look: Look {
            title: "Help".into(),
            welcome: "Hi \"there\"".into(),
            primary_color: "#123456".into(),
        },
    });
    stored.outbox.push(pending("c1", "hé\nllo"));
    same_as_serde_json::<Stored>(&serde_json::to_string(&stored).unwrap());
}

#[test]
fn skips_unknown_fields_whatever_they_hold() {
    let text = r#" { "type" : "read" , "seq" : 4 , "future" : [1.5e3, -0.25, {"a": [null, true, false, "x\"y"]}], "more": {} } "#;
    assert_eq!(
        from_str::<ServerFrame>(text),
        serde_json::from_str::<ServerFrame>(text).ok()
    );
    assert!(from_str::<ServerFrame>(text).is_some());
}

#[test]
fn reads_strings_with_every_escape_and_refuses_broken_ones() {
    let text = r#""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u4e2d \ud83d\ude00 é中😀""#;
    assert_eq!(
        from_str::<String>(text),
        serde_json::from_str::<String>(text).ok()
    );
    for bad in [
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\x""#,
        r#""\u12g4""#,
        "\"a\nb\"",
        r#""open"#,
        r#""\"#,
    ] {
        assert_eq!(from_str::<String>(bad), None, "{bad}");
    }
}

#[test]
fn writes_every_control_character_escaped() {
    let all: String = (0u32..0x80)
        .filter_map(char::from_u32)
        .chain("é中😀\u{2028}".chars())
        .collect();
    assert_eq!(
        to_string(&all).unwrap(),
        serde_json::to_string(&all).unwrap()
    );
    assert_eq!(from_str::<String>(&to_string(&all).unwrap()).unwrap(), all);
}

#[test]
fn reads_integers_to_their_limits_and_refuses_floats() {
    for n in [0i64, 1, -1, 42, i64::MAX, i64::MIN] {
        assert_eq!(from_str::<i64>(&n.to_string()), Some(n));
        assert_eq!(to_string(&n).unwrap(), n.to_string());
    }
    assert_eq!(from_str::<u64>(&u64::MAX.to_string()), Some(u64::MAX));
    assert_eq!(to_string(&u64::MAX).unwrap(), u64::MAX.to_string());
    for bad in [
        "18446744073709551616",
        "-9223372036854775809",
        "01",
        "-",
        "1.5",
        "1e3",
        "+1",
        "",
    ] {
        assert_eq!(from_str::<i64>(bad), None, "{bad}");
    }
    assert_eq!(to_string(&1.5f64), None);
}

#[test]
fn refuses_malformed_documents() {
    for bad in [
        "{",
        "}",
        "[1,]",
        "[1 2]",
        r#"{"type":"pong",}"#,
        r#"{"type" "pong"}"#,
        r#"{type:"pong"}"#,
        r#"{"type":"pong"} x"#,
        "nul",
        "tru",
        r#"{"type":"pong"}{"#,
    ] {
        assert_eq!(from_str::<ServerFrame>(bad), None, "{bad}");
    }
}

#[test]
fn bounds_nesting() {
    let deep = |n: usize| {
        format!(
            r#"{{"type":"pong","x":{}{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    assert!(from_str::<ServerFrame>(&deep(60)).is_some());
    assert_eq!(from_str::<ServerFrame>(&deep(100_000)), None);
}

#[test]
fn writes_maps_with_string_keys_only() {
    let mut map = std::collections::BTreeMap::new();
    map.insert("a\"b".to_owned(), "1".to_owned());
    map.insert("c".to_owned(), String::new());
    assert_eq!(
        to_string(&map).unwrap(),
        serde_json::to_string(&map).unwrap()
    );
    let numbered: std::collections::BTreeMap<i32, i32> = [(1, 2)].into_iter().collect();
    assert_eq!(to_string(&numbered), None);
}
