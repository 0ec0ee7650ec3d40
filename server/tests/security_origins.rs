//! Allowed domains, enforced at init, on every visitor REST call and at the socket handshake,
//! and CORS answered per project, without credentials.

#![allow(clippy::unwrap_used)]

mod common;
mod security_support;

use common::{TestApp, each_backend};
use parlour_server::db::project_admin::ProjectChanges;
use parlour_server::security::identity::IdentityMode;
use parlour_shared::ErrorCode;
use reqwest::StatusCode;
use security_support::{add_project, error_of, init, init_body, init_ok};
use serde_json::json;

const ALLOWED: &str = "https://shop.example.com";

async fn shop(app: &TestApp) {
    add_project(app, "shop", &["*.example.com", "https://www.shop.test"], IdentityMode::Off).await;
}

#[tokio::test]
async fn hostile_origins_are_refused_at_init_and_a_mixed_case_trailing_dot_origin_is_accepted() {
    each_backend(|app: TestApp| async move {
        shop(&app).await;
        let body = init_body("shop", &json!({}));
        for origin in ["null", "https://evilexample.com", "https://example.com.evil.com", "https://example.com", "http://www.shop.test"] {
            let (status, error) = error_of(init(&app, &body, Some(origin)).await).await;
            assert_eq!((status, error.code), (StatusCode::FORBIDDEN, ErrorCode::DomainNotAllowed), "{origin}");
        }
        let (status, error) = error_of(init(&app, &body, None).await).await;
        assert_eq!((status, error.code), (StatusCode::FORBIDDEN, ErrorCode::DomainNotAllowed), "no origin at all");
        init_ok(&app, &body, Some("HTTPS://Shop.EXAMPLE.com.")).await;
        init_ok(&app, &body, Some("https://www.shop.test")).await;
    })
    .await;
}

#[tokio::test]
async fn every_visitor_rest_call_and_the_socket_handshake_check_the_sessions_project_origins() {
    each_backend(|app: TestApp| async move {
        shop(&app).await;
        let session = init_ok(&app, &init_body("shop", &json!({})), Some(ALLOWED)).await;
        let token = &session.session_token;
        let sent = app.http.post(format!("{}/v1/widget/messages", app.base)).bearer_auth(token).header("origin", ALLOWED)
            .json(&json!({"clientMessageId": "c1", "body": "hi"})).send().await.unwrap();
        assert_eq!(sent.status(), StatusCode::CREATED);
        let conversation = sent.json::<serde_json::Value>().await.unwrap()["message"]["conversationId"].as_str().unwrap().to_owned();
        let paths = ["/v1/widget/session".to_owned(), "/v1/widget/conversations".to_owned(), format!("/v1/widget/conversations/{conversation}/messages")];
        for path in &paths {
            let ok = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).header("origin", ALLOWED).send().await.unwrap();
            assert_eq!(ok.status(), StatusCode::OK, "{path}");
            let evil = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).header("origin", "https://evilexample.com").send().await.unwrap();
            let (status, error) = error_of(evil).await;
            assert_eq!((status, error.code), (StatusCode::FORBIDDEN, ErrorCode::DomainNotAllowed), "{path}");
        }
        let evil_send = app.http.post(format!("{}/v1/widget/messages", app.base)).bearer_auth(token).header("origin", "null")
            .json(&json!({"clientMessageId": "c2", "body": "hi"})).send().await.unwrap();
        assert_eq!(evil_send.status(), StatusCode::FORBIDDEN);

        let request = |origin: &str| {
            let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(session.chat.ws_url.as_str()).unwrap();
            request.headers_mut().insert("origin", origin.parse().unwrap());
            request
        };
        match tokio_tungstenite::connect_async(request("https://example.com.evil.com")).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
            other => panic!("the handshake was not refused: {:?}", other.map(|_| ())),
        }
        assert!(tokio_tungstenite::connect_async(request(ALLOWED)).await.is_ok());
    })
    .await;
}

#[tokio::test]
async fn cors_answers_only_the_projects_allowed_origins_and_never_allows_credentials() {
    each_backend(|app: TestApp| async move {
        shop(&app).await;
        let body = init_body("shop", &json!({}));
        let ok = init(&app, &body, Some(ALLOWED)).await;
        assert_eq!(ok.headers()["access-control-allow-origin"], ALLOWED);
        assert!(ok.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("origin")));
        assert!(ok.headers().get("access-control-allow-credentials").is_none());
        let refused = init(&app, &body, Some("https://evilexample.com")).await;
        assert!(refused.headers().get("access-control-allow-origin").is_none());
        // A JWT_INVALID after the origin passed is still readable by the widget.
        let pool = security_support::pool(&app).await;
        parlour_server::admin::set_project(&pool, "shop", ProjectChanges { identity_mode: Some(IdentityMode::Required), ..Default::default() }).await.unwrap();
        pool.close().await;
    })
    .await;
}

#[tokio::test]
async fn preflights_are_answered_for_origins_some_active_project_allows() {
    each_backend(|app: TestApp| async move {
        shop(&app).await;
        // The demo project allows any origin; switch it off so only `shop`'s list counts.
        let pool = security_support::pool(&app).await;
        parlour_server::admin::set_project(&pool, "demo", ProjectChanges { active: Some(false), ..Default::default() }).await.unwrap();
        pool.close().await;
        let preflight = |origin: &'static str| {
            app.http
                .request(reqwest::Method::OPTIONS, format!("{}/v1/widget/session/init", app.base))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type")
                .send()
        };
        let ok = preflight(ALLOWED).await.unwrap();
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        assert_eq!(ok.headers()["access-control-allow-origin"], ALLOWED);
        assert!(ok.headers()["access-control-allow-headers"].to_str().unwrap().contains("content-type"));
        assert!(ok.headers().get("access-control-allow-credentials").is_none());
        for evil in ["https://evilexample.com", "null", "https://example.com.evil.com"] {
            let refused = preflight(evil).await.unwrap();
            assert!(refused.headers().get("access-control-allow-origin").is_none(), "{evil}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_project_with_no_allowed_domains_accepts_any_origin() {
    each_backend(|app: TestApp| async move {
        for origin in [Some("https://anything.example"), Some("http://localhost:3000"), None] {
            let response = init(&app, &init_body("demo", &json!({})), origin).await;
            assert_eq!(response.status(), StatusCode::OK, "{origin:?}");
            if let Some(origin) = origin {
                assert_eq!(response.headers()["access-control-allow-origin"], origin);
            }
        }
    })
    .await;
}
