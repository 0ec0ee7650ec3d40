//! The visitor's REST surface: send (idempotent), fetch after a cursor, list, and privacy.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, each_backend};
use parlour_shared::rest::{ConversationMessages, VisitorConversationList};
use reqwest::StatusCode;

#[tokio::test]
async fn a_first_send_is_created_and_a_repeat_is_a_duplicate() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (status, first) = app.send_rest(&session.session_token, "c1", "hello").await;
        assert_eq!((status, first.duplicate, first.message.seq), (StatusCode::CREATED, false, 1));
        let (status, again) = app.send_rest(&session.session_token, "c1", "hello again").await;
        assert_eq!((status, again.duplicate), (StatusCode::OK, true));
        assert_eq!(again.message, first.message);
    })
    .await;
}

#[tokio::test]
async fn a_filled_honeypot_is_refused() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let response = app
            .http
            .post(format!("{}/v1/widget/messages", app.base))
            .bearer_auth(&session.session_token)
            .json(&serde_json::json!({"clientMessageId": "c1", "body": "buy now", "_hp": "bot"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.json::<serde_json::Value>().await.unwrap()["code"], "INVALID_REQUEST");
    })
    .await;
}

#[tokio::test]
async fn fetch_pages_after_a_cursor_and_list_shows_the_conversation() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let token = &session.session_token;
        let mut id = None;
        for i in 1..=5 {
            id = Some(app.send_rest(token, &format!("c{i}"), &format!("m{i}")).await.1.message.conversation_id);
        }
        let id = id.unwrap();
        let (status, body) = app.get_json(&format!("/v1/widget/conversations/{id}/messages?after=1&limit=2"), token).await;
        assert_eq!(status, StatusCode::OK);
        let page: ConversationMessages = serde_json::from_value(body).unwrap();
        assert_eq!(page.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![2, 3]);
        assert!(page.has_more);
        assert_eq!(page.last_seq, 5);
        let (_, body) = app.get_json(&format!("/v1/widget/conversations/{id}/messages?after=3"), token).await;
        let rest: ConversationMessages = serde_json::from_value(body).unwrap();
        assert_eq!((rest.messages.len(), rest.has_more), (2, false));
        let (status, body) = app.get_json(&format!("/v1/widget/conversations/{id}/messages?limit=0"), token).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST")));

        let (_, body) = app.get_json("/v1/widget/conversations?status=open&limit=10&offset=0", token).await;
        let list: VisitorConversationList = serde_json::from_value(body).unwrap();
        assert_eq!((list.count, list.results.len()), (1, 1));
        assert_eq!((list.results[0].id, list.results[0].message_count), (id, 5));
        assert_eq!(list.results[0].last_message.as_ref().unwrap().body, "m5");
        let (_, body) = app.get_json("/v1/widget/conversations?status=closed", token).await;
        assert_eq!(body["count"], 0);
    })
    .await;
}

#[tokio::test]
async fn another_visitors_conversation_is_not_found() {
    each_backend(|app: TestApp| async move {
        let alice = app.init().await;
        let mallory = app.init().await;
        let (_, sent) = app.send_rest(&alice.session_token, "c1", "private").await;
        let path = format!("/v1/widget/conversations/{}/messages", sent.message.conversation_id);
        let (status, body) = app.get_json(&path, &mallory.session_token).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
        let (_, body) = app.get_json("/v1/widget/conversations", &mallory.session_token).await;
        assert_eq!(body["count"], 0);
        let (status, _) = app.get_json("/v1/widget/conversations/not-a-uuid/messages", &alice.session_token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}
