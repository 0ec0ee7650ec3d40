//! Streamed assistant replies: `POST /v1/agent/conversations/{id}/stream` relays each piece to the
//! visitor's sockets as a `token` frame (never stored), then the final reply with the same
//! `clientMessageId` is stored as the assistant's; every bad request gets a typed error.

#![allow(clippy::unwrap_used)]

mod common;

use common::{AGENT_TOKEN, TestApp, each_backend, next_frame, send_frame, user_message};
use parlour_shared::agent::StreamRequest;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{AuthorKind, ClientMessageId, ConversationId, Message};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post(app: &TestApp, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let response = app.http.post(format!("{}{path}", app.base)).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn stream(app: &TestApp, conversation: ConversationId, stream_id: &str, delta: &str) -> (StatusCode, Value) {
    let request = StreamRequest {
        client_message_id: ClientMessageId::parse(stream_id).unwrap(),
        delta: delta.to_owned(),
        as_assistant: true,
    };
    let body = serde_json::to_value(&request).unwrap();
    post(app, &format!("/v1/agent/conversations/{conversation}/stream"), AGENT_TOKEN, &body).await
}

/// A visitor with an open socket and a conversation (their first message acknowledged).
async fn visitor(app: &TestApp, client_id: &str) -> (common::Socket, ConversationId) {
    let session = app.init().await;
    let (mut socket, _) = app.connect(&session, None).await;
    send_frame(&mut socket, &user_message(client_id, "Can a bot help?")).await;
    let ServerFrame::Ack { message, .. } = next_frame(&mut socket).await else { panic!("expected ack") };
    (socket, message.conversation_id)
}

#[tokio::test]
async fn the_visitor_gets_the_pieces_in_order_then_the_stored_assistant_reply() {
    each_backend(|app: TestApp| async move {
        let (mut socket, conversation) = visitor(&app, "v1").await;
        let (mut other, _) = visitor(&app, "w1").await;
        let pieces = ["Hel", "lo ", "**wor", "ld**", " ✓"];
        for piece in pieces {
            assert_eq!(stream(&app, conversation, "s-1", piece).await.0, StatusCode::NO_CONTENT);
        }
        for piece in pieces {
            let ServerFrame::Token { conversation_id, client_message_id, author, delta } = next_frame(&mut socket).await else {
                panic!("expected a token frame")
            };
            assert_eq!((conversation_id, client_message_id.as_str(), delta.as_str()), (conversation, "s-1", piece));
            assert_eq!((author.kind, author.name.as_deref()), (AuthorKind::Assistant, Some("Demo Agent")));
        }

        let body = json!({"clientMessageId": "s-1", "body": "Hello **world** ✓", "asAssistant": true});
        let (status, stored) = post(&app, &format!("/v1/agent/conversations/{conversation}/messages"), AGENT_TOKEN, &body).await;
        assert_eq!(status, StatusCode::CREATED);
        let stored: Message = serde_json::from_value(stored).unwrap();
        let stored_id = stored.client_message_id.as_ref().map(ClientMessageId::as_str);
        assert_eq!((stored.seq, stored.author.kind, stored_id), (2, AuthorKind::Assistant, Some("s-1")));
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Message { message: stored.clone() });

        // Nothing was stored for the pieces, and nobody else heard them.
        let (_, page) = app.get_json(&format!("/v1/agent/conversations/{conversation}/messages"), AGENT_TOKEN).await;
        let bodies: Vec<&str> = page["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, ["Can a bot help?", "Hello **world** ✓"]);
        send_frame(&mut other, &user_message("w2", "still there?")).await;
        assert!(matches!(next_frame(&mut other).await, ServerFrame::Ack { .. }), "no token reached another visitor");

        // A plain agent stream carries the agent as author; a repeat of the final reply is the original.
        let as_agent = json!({"clientMessageId": "s-2", "delta": "x"});
        let (status, _) = post(&app, &format!("/v1/agent/conversations/{conversation}/stream"), AGENT_TOKEN, &as_agent).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let ServerFrame::Token { author, .. } = next_frame(&mut socket).await else { panic!("expected a token frame") };
        assert_eq!(author.kind, AuthorKind::Agent);
        let (status, again) = post(&app, &format!("/v1/agent/conversations/{conversation}/messages"), AGENT_TOKEN, &body).await;
        assert_eq!((status, serde_json::from_value::<Message>(again).unwrap()), (StatusCode::OK, stored));
    })
    .await;
}

#[tokio::test]
async fn bad_stream_requests_get_typed_errors() {
    each_backend(|app: TestApp| async move {
        let (_socket, conversation) = visitor(&app, "v1").await;
        let path = format!("/v1/agent/conversations/{conversation}/stream");
        let code = |body: &Value| body["code"].as_str().map(str::to_owned);

        let (status, body) = stream(&app, conversation, "s-1", "").await;
        assert_eq!((status, code(&body).as_deref()), (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST")));
        let (status, body) = stream(&app, conversation, "s-1", &"a".repeat(4097)).await;
        assert_eq!((status, code(&body).as_deref()), (StatusCode::PAYLOAD_TOO_LARGE, Some("PAYLOAD_TOO_LARGE")));
        assert_eq!(stream(&app, conversation, "s-1", &"a".repeat(4096)).await.0, StatusCode::NO_CONTENT);
        for bad in [json!({"delta": "x"}), json!({"clientMessageId": "", "delta": "x"}), json!({"clientMessageId": "s", "delta": 3})] {
            let (status, body) = post(&app, &path, AGENT_TOKEN, &bad).await;
            assert_eq!((status, code(&body).as_deref()), (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST")), "{bad}");
        }

        let unknown = uuid::Uuid::new_v4();
        let piece = json!({"clientMessageId": "s", "delta": "x"});
        let (status, body) = post(&app, &format!("/v1/agent/conversations/{unknown}/stream"), AGENT_TOKEN, &piece).await;
        assert_eq!((status, code(&body).as_deref()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
        let (status, body) = post(&app, "/v1/agent/conversations/not-a-uuid/stream", AGENT_TOKEN, &piece).await;
        assert_eq!((status, code(&body).as_deref()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));

        let session = app.init().await;
        for token in ["wrong-token", session.session_token.as_str()] {
            let (status, body) = post(&app, &path, token, &piece).await;
            assert_eq!((status, code(&body).as_deref()), (StatusCode::UNAUTHORIZED, Some("JWT_INVALID")));
        }

        let close = json!({"status": "closed"});
        let (status, _) = post(&app, &format!("/v1/agent/conversations/{conversation}/status"), AGENT_TOKEN, &close).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = stream(&app, conversation, "s-1", "late").await;
        assert_eq!((status, code(&body).as_deref()), (StatusCode::CONFLICT, Some("CONFLICT")));
        assert_eq!(body["message"], "the conversation is closed");
    })
    .await;
}

#[tokio::test]
async fn an_agent_streaming_too_fast_is_rate_limited() {
    each_backend(|app: TestApp| async move {
        let (_socket, conversation) = visitor(&app, "v1").await;
        let mut limited = None;
        // 200 in a burst are allowed (plus what refills meanwhile, 100 a second).
        for i in 0..400 {
            let (status, body) = stream(&app, conversation, "s-1", "x").await;
            if status != StatusCode::NO_CONTENT {
                limited = Some((i, status, body));
                break;
            }
        }
        let (sent, status, body) = limited.expect("never rate limited");
        assert!(sent >= 200, "limited after only {sent}");
        assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMITED")));
    })
    .await;
}
