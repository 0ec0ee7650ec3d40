//! Tokens are checked before any upgrade, and a token only works where it belongs.

#![allow(clippy::unwrap_used)]

mod common;

use common::{AGENT_TOKEN, TestApp, each_backend};
use parlour_server::auth::session_token::{TTL_SECS, now_secs};
use parlour_shared::ErrorCode;
use reqwest::StatusCode;

#[tokio::test]
async fn bad_expired_foreign_and_agent_tokens_are_refused_before_the_upgrade() {
    each_backend(|app: TestApp| async move {
        let mine = app.init().await;
        let other = app.init().await;
        let ws = app.base.replace("http://", "ws://");
        let id = mine.session_id;
        let expired = app.keys().await.issue(id, &"demo".parse_project(), now_secs() - TTL_SECS - 3600).unwrap().0;
        let cases = [
            ("garbage", format!("{ws}/ws/chat?sessionId={id}&token=garbage")),
            ("expired", format!("{ws}/ws/chat?sessionId={id}&token={expired}")),
            ("another session's", format!("{ws}/ws/chat?sessionId={id}&token={}", other.session_token)),
            ("an agent's", format!("{ws}/ws/chat?sessionId={id}&token={AGENT_TOKEN}")),
            ("missing", format!("{ws}/ws/chat?sessionId={id}")),
        ];
        for (what, url) in cases {
            let (status, body) = app.refused_handshake(&url).await;
            assert_eq!((status, body.code), (401, ErrorCode::SessionInvalid), "{what} token");
        }
        let (status, body) = app.refused_handshake(&format!("{ws}/ws/agent?token={}", mine.session_token)).await;
        assert_eq!((status, body.code), (401, ErrorCode::JwtInvalid), "a session token on the agent feed");
    })
    .await;
}

#[tokio::test]
async fn a_session_token_is_refused_by_the_agent_api_and_an_agent_token_by_the_visitor_api() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        for path in ["/v1/agent/me", "/v1/agent/conversations"] {
            let (status, body) = app.get_json(path, &session.session_token).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(body["code"], "JWT_INVALID");
        }
        let (status, me) = app.get_json("/v1/agent/me", AGENT_TOKEN).await;
        assert_eq!((status, me["name"].as_str()), (StatusCode::OK, Some("Demo Agent")));
        let (status, body) = app.get_json("/v1/widget/session", AGENT_TOKEN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("SESSION_INVALID")));
        let (status, _) = app.get_json("/v1/widget/conversations", AGENT_TOKEN).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

trait ParseProject {
    fn parse_project(&self) -> parlour_shared::ProjectId;
}

impl ParseProject for str {
    fn parse_project(&self) -> parlour_shared::ProjectId {
        parlour_shared::ProjectId::parse(self).unwrap()
    }
}
