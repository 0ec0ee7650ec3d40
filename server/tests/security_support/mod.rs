//! Helpers shared by the `security_*` tests: projects made through the admin functions, host
//! identity tokens (good and hostile), and raw init requests with an `Origin`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use parlour_server::security::identity::IdentityMode;
use parlour_shared::ErrorBody;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::TestApp;

/// A pool on the test server's database.
pub async fn pool(app: &TestApp) -> sqlx::AnyPool {
    parlour_server::db::connect(app.database_url()).await.unwrap()
}

/// Adds a project through the admin function; returns its identity secret when identity is on.
pub async fn add_project(app: &TestApp, id: &str, domains: &[&str], identity: IdentityMode) -> Option<String> {
    let pool = pool(app).await;
    let domains: Vec<String> = domains.iter().map(|d| (*d).to_owned()).collect();
    let secret = parlour_server::admin::add_project(&pool, id, id, &domains, identity).await.unwrap();
    pool.close().await;
    secret
}

/// Rotates a project's identity secret; returns the new one.
pub async fn rotate(app: &TestApp, id: &str) -> String {
    let pool = pool(app).await;
    let secret = parlour_server::admin::rotate_secret(&pool, id).await.unwrap();
    pool.close().await;
    secret
}

/// Now, Unix seconds.
pub fn now() -> i64 {
    i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap()
}

/// Good host claims for `user` of `project`.
pub fn claims(project: &str, user: &str) -> Value {
    json!({"iss": "https://shop.example.com", "aud": "chat-widget", "sub": user, "exp": now() + 900, "iat": now(),
           "org_id": project, "user_data": {"name": "Ada Lovelace", "email": "ada@example.com"}})
}

/// A host token signed HS256 with `secret`.
pub fn host_jwt(secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

/// A token with this header JSON, the claims, and an HMAC-SHA256 signature under `secret` (for
/// `alg` games: the signature is what HS256 would be, the header says otherwise).
pub fn forged_header_jwt(header: &Value, secret: &str, claims: &Value) -> String {
    let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// An init body for `project` with extra fields merged in.
pub fn init_body(project: &str, extra: &Value) -> Value {
    let mut body = json!({"projectId": project, "widgetInstanceId": "w-sec", "pageUrl": "https://shop.example.com/"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// `POST /v1/widget/session/init` with this body and, optionally, an `Origin`.
pub async fn init(app: &TestApp, body: &Value, origin: Option<&str>) -> reqwest::Response {
    let mut request = app.http.post(format!("{}/v1/widget/session/init", app.base)).json(body);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.send().await.unwrap()
}

/// The status and error body of a response.
pub async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not an error body: {status} {text}")))
}

/// Inits and returns the session response, asserting success.
pub async fn init_ok(app: &TestApp, body: &Value, origin: Option<&str>) -> parlour_shared::session::InitSessionResponse {
    let response = init(app, body, origin).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}
