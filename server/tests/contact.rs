//! Visitor contact details and the pre-chat form: `POST /v1/widget/contact` validation against
//! the project's form, `name`/`email` at init (a verified token's win), the pre-chat form in
//! the init response, and what agents read at `GET /v1/agent/conversations/{id}/visitor`.

#![allow(clippy::unwrap_used)]

mod common;
mod security_support;

use common::{AGENT_TOKEN, TestApp, each_backend};
use parlour_server::security::identity::IdentityMode;
use parlour_shared::ErrorCode;
use parlour_shared::agent::VisitorContact;
use parlour_shared::session::FieldKind;
use reqwest::StatusCode;
use security_support::{add_project, claims, error_of, host_jwt, init_body, init_ok, pool};
use serde_json::{Value, json};

const FORM: &str = r#"{"enabled":true,"fields":[
    {"key":"name","label":"Your name","kind":"text","required":true},
    {"key":"email","label":"Email","kind":"email","required":true},
    {"key":"company","label":"Company","kind":"text"},
    {"key":"order","label":"Order number","kind":"text","required":true}]}"#;

/// Sets the `demo` project's pre-chat form through the admin function.
async fn set_form(app: &TestApp, json: &str) {
    let pool = pool(app).await;
    parlour_server::admin::set_pre_chat(&pool, "demo", json)
        .await
        .unwrap();
    pool.close().await;
}

async fn post_contact(app: &TestApp, token: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app
        .http
        .post(format!("{}/v1/widget/contact", app.base))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The visitor details agents see for the session's first conversation (started by a send).
async fn agent_view(app: &TestApp, token: &str) -> VisitorContact {
    let (_, sent) = app.send_rest(token, "c-contact", "hello").await;
    let url = format!(
        "{}/v1/agent/conversations/{}/visitor",
        app.base, sent.message.conversation_id
    );
    let response = app
        .http
        .get(url)
        .bearer_auth(AGENT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn bad_contact_values_are_typed_400s_naming_the_field() {
    each_backend(|app: TestApp| async move {
        set_form(&app, FORM).await;
        let session = app.init().await;
        let token = Some(session.session_token.as_str());
        let good = json!({"name": "Ada", "email": "ada@example.com", "fields": {"order": "A-1"}});
        let cases = [
            (json!({"name": "Ada", "email": "not-an-email", "fields": {"order": "A-1"}}), "email: not an email address"),
            (json!({"name": "Ada", "email": "ada@example.com", "fields": {"order": "A-1", "shoe": "42"}}), "shoe: no such field"),
            (json!({"name": "Ada", "email": "ada@example.com"}), "order: required"),
            (json!({"name": "Ada", "email": "ada@example.com", "fields": {"order": "  "}}), "order: required"),
            (json!({"name": "x".repeat(101), "email": "ada@example.com", "fields": {"order": "A-1"}}), "name: too long"),
            (json!({"name": "Ada", "email": "ada@example.com", "fields": {"order": "A-1", "company": "c".repeat(501)}}), "company: too long"),
            (json!({"email": "ada@example.com", "fields": {"order": "A-1"}}), "name: required"),
        ];
        for (body, expected) in cases {
            let (status, error) = error_of(post_contact(&app, token, &body).await).await;
            assert_eq!((status, error.code), (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest), "{body}");
            assert_eq!(error.message, expected, "{body}");
        }
        let (status, error) = error_of(post_contact(&app, token, &json!({"name": 5})).await).await;
        assert_eq!((status, error.code), (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
        assert_eq!(post_contact(&app, token, &good).await.status(), StatusCode::NO_CONTENT);
        // Stored required values count: a later partial update is fine.
        let more = json!({"fields": {"company": "Analytical Engines"}});
        assert_eq!(post_contact(&app, token, &more).await.status(), StatusCode::NO_CONTENT);

        let seen = agent_view(&app, &session.session_token).await;
        assert_eq!((seen.name.as_deref(), seen.email.as_deref(), seen.verified), (Some("Ada"), Some("ada@example.com"), false));
        assert_eq!(seen.fields.get("order").map(String::as_str), Some("A-1"));
        assert_eq!(seen.fields.get("company").map(String::as_str), Some("Analytical Engines"));
    })
    .await;
}

#[tokio::test]
async fn the_contact_endpoint_requires_a_session_and_agents_need_a_token() {
    each_backend(|app: TestApp| async move {
        let (status, error) =
            error_of(post_contact(&app, None, &json!({"name": "Ada"})).await).await;
        assert_eq!(
            (status, error.code),
            (StatusCode::UNAUTHORIZED, ErrorCode::SessionInvalid)
        );
        let (status, _) =
            error_of(post_contact(&app, Some("nope"), &json!({"name": "Ada"})).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let session = app.init().await;
        let (_, sent) = app.send_rest(&session.session_token, "c1", "hi").await;
        let url = format!(
            "{}/v1/agent/conversations/{}/visitor",
            app.base, sent.message.conversation_id
        );
        let response = app
            .http
            .get(&url)
            .bearer_auth(&session.session_token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "a session token is not an agent token"
        );
    })
    .await;
}

#[tokio::test]
async fn without_a_form_name_and_email_are_accepted_but_custom_fields_are_not() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        assert_eq!(session.pre_chat, None);
        let token = Some(session.session_token.as_str());
        assert_eq!(
            post_contact(&app, token, &json!({"email": "ada@example.com"}))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        let (status, error) =
            error_of(post_contact(&app, token, &json!({"fields": {"order": "1"}})).await).await;
        assert_eq!(
            (status, error.message.as_str()),
            (StatusCode::BAD_REQUEST, "order: no such field")
        );
        let seen = agent_view(&app, &session.session_token).await;
        assert_eq!(
            (seen.name, seen.email.as_deref()),
            (None, Some("ada@example.com"))
        );
    })
    .await;
}

#[tokio::test]
async fn init_returns_the_switched_on_form_and_stores_name_and_email() {
    each_backend(|app: TestApp| async move {
        set_form(&app, FORM).await;
        let session = init_ok(
            &app,
            &init_body(
                "demo",
                &json!({"name": " Grace ", "email": "grace@example.com"}),
            ),
            None,
        )
        .await;
        let form = session.pre_chat.clone().unwrap();
        assert!(form.enabled);
        assert_eq!(
            form.fields
                .iter()
                .map(|f| (f.key.as_str(), f.kind))
                .collect::<Vec<_>>()[1],
            ("email", FieldKind::Email)
        );
        let seen = agent_view(&app, &session.session_token).await;
        assert_eq!(
            (seen.name.as_deref(), seen.email.as_deref()),
            (Some("Grace"), Some("grace@example.com"))
        );

        let response =
            security_support::init(&app, &init_body("demo", &json!({"email": "nope"})), None).await;
        let (status, error) = error_of(response).await;
        assert_eq!(
            (status, error.message.as_str()),
            (StatusCode::BAD_REQUEST, "email: not an email address")
        );

        // The admin CLI is another process: inits see the change once the server's project
        // cache expires (5 s), not before.
        set_form(&app, r#"{"enabled":false,"fields":[]}"#).await;
        let started = std::time::Instant::now();
        let mut sent = app.init().await.pre_chat;
        while sent.is_some() && started.elapsed() < std::time::Duration::from_secs(8) {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            sent = app.init().await.pre_chat;
        }
        assert_eq!(sent, None, "a switched-off form is not sent once the cache expires");
    })
    .await;
}

#[tokio::test]
async fn a_verified_tokens_name_and_email_win_over_claimed_ones() {
    each_backend(|app: TestApp| async move {
        let secret = add_project(&app, "shop", &[], IdentityMode::Optional)
            .await
            .unwrap();
        let jwt = host_jwt(&secret, &claims("shop", "user-42"));
        let body = init_body(
            "shop",
            &json!({"userJwt": jwt, "name": "Mallory", "email": "mallory@example.com"}),
        );
        let session = init_ok(&app, &body, None).await;
        let token = Some(session.session_token.as_str());
        // The visitor's own claim does not replace what the host vouched for.
        assert_eq!(
            post_contact(&app, token, &json!({"email": "other@example.com"}))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        let seen = agent_view(&app, &session.session_token).await;
        assert_eq!(
            (seen.name.as_deref(), seen.email.as_deref(), seen.verified),
            (Some("Ada Lovelace"), Some("ada@example.com"), true)
        );
    })
    .await;
}

#[tokio::test]
async fn the_admin_function_refuses_a_bad_form() {
    each_backend(|app: TestApp| async move {
        let pool = pool(&app).await;
        for bad in [
            "not json",
            r#"{"enabled":true,"fields":[{"key":"Bad Key","label":"x","kind":"text"}]}"#,
            r#"{"enabled":true,"fields":[{"key":"a","label":"x","kind":"number"}]}"#,
            r#"{"enabled":true,"fields":[{"key":"email","label":"x","kind":"text"}]}"#,
            r#"{"enabled":true,"fields":[{"key":"a","label":"x","kind":"text"},{"key":"a","label":"y","kind":"text"}]}"#,
        ] {
            assert!(parlour_server::admin::set_pre_chat(&pool, "demo", bad).await.is_err(), "{bad}");
        }
        assert!(parlour_server::admin::set_pre_chat(&pool, "nope", FORM).await.is_err(), "unknown project");
        parlour_server::admin::set_pre_chat(&pool, "demo", FORM).await.unwrap();
        assert!(parlour_server::admin::show_project(&pool, "demo").await.unwrap().contains("pre-chat form:    on [name, email, company, order]"));
        pool.close().await;
    })
    .await;
}

/// Drives init with `name`/`email`, the contact endpoint (accepted and refused) and the agent's
/// read against the real binary at `RUST_LOG=trace`, and returns its log.
async fn contact_calls_at_trace_level(backend: &common::Backend) -> String {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    const BIN: &str = env!("CARGO_BIN_EXE_parlour-server");
    let (database_url, dir) = common::fresh_database_url(backend).await;
    let out = Command::new(BIN)
        .args([
            "project",
            "set",
            "demo",
            "--pre-chat-json",
            FORM,
            "--database-url",
            &database_url,
        ])
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    assert!(out.status.success(), "the admin CLI failed");
    let stderr_path = dir.path().join("stderr.log");
    let mut child = Command::new(BIN)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            &database_url,
            "--agent-token",
            AGENT_TOKEN,
        ])
        .arg("--assets-dir")
        .arg(dir.path().join("no-assets"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("parlour-server listening on ")
        .expect("the listening line")
        .to_owned();
    let http = reqwest::Client::new();
    let body = init_body(
        "demo",
        &json!({"name": "Quentin Privatename", "email": "quentin.hidden@example.org"}),
    );
    let session: parlour_shared::session::InitSessionResponse = http
        .post(format!("{base}/v1/widget/session/init"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let contact = |body: Value| {
        http.post(format!("{base}/v1/widget/contact"))
            .bearer_auth(&session.session_token)
            .json(&body)
            .send()
    };
    let refused =
        contact(json!({"email": "bad-address-gizmo", "fields": {"order": "ORD-SECRET-1"}}))
            .await
            .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let saved =
        contact(json!({"fields": {"order": "ORD-SECRET-2", "company": "Hushhush Widgets"}}))
            .await
            .unwrap();
    assert_eq!(saved.status(), StatusCode::NO_CONTENT);
    let sent = http
        .post(format!("{base}/v1/widget/messages"))
        .bearer_auth(&session.session_token)
        .json(&json!({"clientMessageId": "c1", "body": "hi"}))
        .send()
        .await
        .unwrap();
    let conversation = sent.json::<Value>().await.unwrap()["message"]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen: VisitorContact = http
        .get(format!(
            "{base}/v1/agent/conversations/{conversation}/visitor"
        ))
        .bearer_auth(AGENT_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen.fields.get("company").map(String::as_str),
        Some("Hushhush Widgets")
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    std::fs::read_to_string(&stderr_path).unwrap()
}

#[tokio::test]
async fn contact_details_never_reach_the_log() {
    for backend in common::backends() {
        let logs = contact_calls_at_trace_level(&backend).await;
        assert!(
            logs.contains("TRACE") || logs.contains("DEBUG"),
            "the server logged nothing verbose"
        );
        for needle in [
            "Quentin",
            "Privatename",
            "quentin.hidden",
            "bad-address-gizmo",
            "ORD-SECRET",
            "Hushhush",
        ] {
            assert!(!logs.contains(needle), "the log contains `{needle}`");
        }
    }
}
