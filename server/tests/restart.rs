//! Data and tokens survive a restart on the same database.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, each_backend, next_frame};
use parlour_shared::session::{ChatEndpoints, InitSessionResponse};
use parlour_shared::ws::ServerFrame;
use reqwest::StatusCode;

#[tokio::test]
async fn a_restart_keeps_messages_and_the_session_token_still_works() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (_, first) = app.send_rest(&session.session_token, "c1", "before restart").await;
        let app = app.restart().await;
        let (status, body) = app.get_json("/v1/widget/session", &session.session_token).await;
        assert_eq!((status, body["lastSeq"].as_i64()), (StatusCode::OK, Some(1)));
        // The restarted server listens on another port; the session and its token are the same.
        let ws_url = format!("{}/ws/chat?sessionId={}&token={}", app.base.replace("http://", "ws://"), session.session_id, session.session_token);
        let moved = InitSessionResponse { chat: ChatEndpoints { ws_url }, ..session.clone() };
        let (mut socket, _) = app.connect(&moved, None).await;
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Message { message: first.message });
        let (status, second) = app.send_rest(&session.session_token, "c2", "after restart").await;
        assert_eq!((status, second.message.seq), (StatusCode::CREATED, 2));
    })
    .await;
}
