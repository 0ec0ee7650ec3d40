//! Session init, session status, errors as JSON, and the non-API pages.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, each_backend};
use parlour_shared::session::SessionStatusResponse;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{ErrorBody, ErrorCode};
use reqwest::StatusCode;

async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn init_returns_a_session_and_a_working_ws_url() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        assert_eq!(session.ui_hints.widget_title, "Parlour demo");
        assert_eq!(session.ui_hints.welcome_message, "Hi! Ask us anything.");
        assert_eq!(session.theme.primary_color, "#4f46e5");
        assert_eq!(session.config_version, 1);
        assert!(session.features.text_chat);
        assert!(session.conversation_id.is_none());
        assert!(session.chat.ws_url.starts_with(&app.base.replace("http://", "ws://")));
        let (_socket, ready) = app.connect(&session, None).await;
        assert_eq!(ready, ServerFrame::Ready {
                session_id: session.session_id,
                conversation_id: None,
                last_seq: 0,
                visitor_read_seq: 0,
                agent_read_seq: 0
            });
    })
    .await;
}

#[tokio::test]
async fn session_status_names_the_current_conversation() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (status, body) = app.get_json("/v1/widget/session", &session.session_token).await;
        assert_eq!(status, StatusCode::OK);
        let before: SessionStatusResponse = serde_json::from_value(body).unwrap();
        assert_eq!((before.conversation_id, before.last_seq), (None, 0));
        assert_eq!(before.session_expires_at, session.session_expires_at);
        let (_, sent) = app.send_rest(&session.session_token, "c1", "hello").await;
        let (_, body) = app.get_json("/v1/widget/session", &session.session_token).await;
        let after: SessionStatusResponse = serde_json::from_value(body).unwrap();
        assert_eq!((after.conversation_id, after.last_seq), (Some(sent.message.conversation_id), 1));
        let (status, body) = app.get_json("/v1/widget/session", "not-a-token").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "SESSION_INVALID");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_project_is_organization_not_found() {
    each_backend(|app: TestApp| async move {
        let (status, body) = error_of(app.init_raw(r#"{"projectId":"nope","widgetInstanceId":"w"}"#).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body.code, ErrorCode::OrganizationNotFound);
    })
    .await;
}

#[tokio::test]
async fn malformed_json_is_invalid_request_json() {
    each_backend(|app: TestApp| async move {
        for body in ["{not json", r#"{"projectId":"demo"}"#, r#"{"projectId":"bad id!","widgetInstanceId":"w"}"#, ""] {
            let (status, error) = error_of(app.init_raw(body).await).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(error.code, ErrorCode::InvalidRequest, "{body}");
        }
        let response = app.http.post(format!("{}/v1/widget/session/init", app.base)).body("{}").send().await.unwrap();
        assert_eq!(error_of(response).await.1.code, ErrorCode::InvalidRequest, "a missing content type too");
    })
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_payload_too_large() {
    each_backend(|app: TestApp| async move {
        let big = format!(r#"{{"projectId":"demo","widgetInstanceId":"{}"}}"#, "w".repeat(100_000));
        let (status, error) = error_of(app.init_raw(&big).await).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(error.code, ErrorCode::PayloadTooLarge);
    })
    .await;
}

#[tokio::test]
async fn pages_health_and_unknown_paths_answer_as_documented() {
    each_backend(|app: TestApp| async move {
        let health = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
        assert_eq!(health.text().await.unwrap(), "ok");
        let page = app.http.get(format!("{}/agent", app.base)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_eq!(page.headers()["cache-control"], "no-cache");
        let script = app.http.get(format!("{}/agent/agent.js", app.base)).send().await.unwrap();
        assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
        let index = app.http.get(format!("{}/", app.base)).send().await.unwrap();
        assert!(index.text().await.unwrap().contains("chat-widget"));
        let (status, error) = error_of(app.http.get(format!("{}/no-such-file.js", app.base)).send().await.unwrap()).await;
        assert_eq!((status, error.code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
        let wrong_method = app.http.delete(format!("{}/v1/widget/session/init", app.base)).send().await.unwrap();
        assert_eq!(error_of(wrong_method).await.1.code, ErrorCode::InvalidRequest);
    })
    .await;
}
