//! Every visitor query is scoped by the session in the token: another visitor's conversation and
//! messages are 404 on every route. The honeypot and input validation answer typed 400s.

#![allow(clippy::unwrap_used)]

mod common;
mod security_support;

use common::{TestApp, each_backend};
use parlour_shared::ErrorCode;
use parlour_shared::rest::VisitorConversationList;
use reqwest::StatusCode;
use security_support::{error_of, init, init_body};
use serde_json::json;

#[tokio::test]
async fn another_visitors_conversation_is_not_found_on_every_visitor_route() {
    each_backend(|app: TestApp| async move {
        let alice = app.init().await;
        let mallory = app.init().await;
        let sent = app.send_rest(&alice.session_token, "a1", "my address is 1 Main St").await.1;
        let theirs = sent.message.conversation_id;
        for path in [format!("/v1/widget/conversations/{theirs}/messages"), format!("/v1/widget/conversations/{theirs}/messages?after=0&limit=1")] {
            let (status, body) = app.get_json(&path, &mallory.session_token).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")), "{path}");
        }
        let (_, body) = app.get_json("/v1/widget/conversations", &mallory.session_token).await;
        assert_eq!(serde_json::from_value::<VisitorConversationList>(body).unwrap().count, 0);
        let (_, body) = app.get_json("/v1/widget/session", &mallory.session_token).await;
        assert!(body.get("conversationId").is_none(), "{body}");
        // Mallory's send goes to her own new conversation, never Alice's.
        let own = app.send_rest(&mallory.session_token, "a1", "hello").await.1;
        assert_ne!(own.message.conversation_id, theirs);
        assert_eq!(own.message.seq, 1);
        // Alice's socket with Mallory's token, and the reverse, are refused before the upgrade.
        let ws = app.base.replace("http://", "ws://");
        let (status, body) = app.refused_handshake(&format!("{ws}/ws/chat?sessionId={}&token={}", alice.session_id, mallory.session_token)).await;
        assert_eq!((status, body.code), (401, ErrorCode::SessionInvalid));
        let (status, _) = app.get_json("/v1/widget/conversations/not-a-uuid/messages", &mallory.session_token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_filled_honeypot_at_init_is_invalid_request() {
    each_backend(|app: TestApp| async move {
        let (status, body) = error_of(init(&app, &init_body("demo", &json!({"_hp": "http://spam.example"})), None).await).await;
        assert_eq!((status, body.code), (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
        assert_eq!(init(&app, &init_body("demo", &json!({"_hp": ""})), None).await.status(), StatusCode::OK, "empty is what people send");
    })
    .await;
}

#[tokio::test]
async fn malformed_init_fields_get_typed_errors() {
    each_backend(|app: TestApp| async move {
        let cases = [
            ("empty widget id", json!({"projectId": "demo", "widgetInstanceId": " "})),
            ("bad project id", json!({"projectId": "../etc", "widgetInstanceId": "w"})),
            ("huge page url", init_body("demo", &json!({"pageUrl": "x".repeat(3000)}))),
            ("huge identity token", init_body("demo", &json!({"userJwt": "x".repeat(9000)}))),
            ("wrong type", init_body("demo", &json!({"userJwt": 42}))),
        ];
        for (what, body) in cases {
            let (status, error) = error_of(init(&app, &body, None).await).await;
            assert_eq!((status, error.code), (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest), "{what}");
        }
        let (status, error) = error_of(init(&app, &init_body("nope", &json!({})), None).await).await;
        assert_eq!((status, error.code), (StatusCode::NOT_FOUND, ErrorCode::OrganizationNotFound));
    })
    .await;
}

#[tokio::test]
async fn an_inactive_project_refuses_init_and_its_existing_sessions() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let pool = security_support::pool(&app).await;
        sqlx::query("UPDATE projects SET active = 0 WHERE id = 'demo'").execute(&pool).await.unwrap();
        pool.close().await;
        // The project cache holds projects for a few seconds; a fresh server reads the change.
        let app = app.restart().await;
        let (status, error) = error_of(init(&app, &init_body("demo", &json!({})), None).await).await;
        assert_eq!((status, error.code), (StatusCode::FORBIDDEN, ErrorCode::ProjectInactive));
        let (status, body) = app.get_json("/v1/widget/conversations", &session.session_token).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("PROJECT_INACTIVE")));
    })
    .await;
}
