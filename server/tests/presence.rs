//! Agent presence: visitors are told when the team comes online (an agent feed opens) and goes
//! away (the last one closes, after a short grace period, or its agent steps away), live on
//! their socket and in the init and status answers.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Socket, TestApp, each_backend, next_json};
use futures_util::SinkExt;
use parlour_shared::ErrorCode;
use parlour_shared::agent::AgentFrame;
use parlour_shared::session::{Presence, SessionStatusResponse};
use parlour_shared::ws::ServerFrame;
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The next `presence` frame (other frames are skipped; fails after 5 s of silence).
async fn next_presence(socket: &mut Socket) -> Presence {
    loop {
        if let ServerFrame::Presence { online, agents } = next_json(socket).await {
            return Presence { online, agents };
        }
    }
}

async fn status(app: &TestApp, token: &str) -> Presence {
    let (code, body) = app.get_json("/v1/widget/session", token).await;
    assert_eq!(code, StatusCode::OK);
    serde_json::from_value::<SessionStatusResponse>(body).unwrap().presence
}

fn online() -> Presence {
    Presence { online: true, agents: vec!["Demo Agent".into()] }
}

#[tokio::test]
async fn a_visitor_hears_an_agent_come_online_and_go_away() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        assert_eq!(session.presence, Presence::default(), "nobody is online yet");
        assert!(session.features.away_mode, "away mode is on by default");
        let (mut socket, _) = app.connect(&session, None).await;

        let mut feed = app.agent_feed().await;
        assert_eq!(next_presence(&mut socket).await, online());
        assert_eq!(status(&app, &session.session_token).await, online());
        assert_eq!(app.init().await.presence, online());

        feed.close(None).await.unwrap();
        drop(feed);
        assert_eq!(next_presence(&mut socket).await, Presence::default());
        assert_eq!(status(&app, &session.session_token).await, Presence::default());
        assert_eq!(app.init().await.presence, Presence::default());
    })
    .await;
}

#[tokio::test]
async fn a_socket_opened_while_an_agent_is_online_starts_with_presence_and_two_feeds_count_once() {
    each_backend(|app: TestApp| async move {
        let first = app.init().await;
        let (mut watcher, _) = app.connect(&first, None).await;
        let feeds = [app.agent_feed().await, app.agent_feed().await];
        assert_eq!(next_presence(&mut watcher).await, online(), "one agent, however many tabs");

        let session = app.init().await;
        assert_eq!(session.presence, online());
        let (mut socket, _) = app.connect(&session, None).await;
        assert_eq!(next_presence(&mut socket).await, online(), "a new socket is told at once");

        // One of the agent's two tabs closes: still online, and nobody is told anything.
        let [mut one, other] = feeds;
        one.close(None).await.unwrap();
        drop(one);
        let quiet = tokio::time::timeout(std::time::Duration::from_secs(3), next_presence(&mut watcher)).await;
        assert!(quiet.is_err(), "no presence change: {quiet:?}");
        assert_eq!(status(&app, &first.session_token).await, online());
        drop(other);
        assert_eq!(next_presence(&mut watcher).await, Presence::default());
    })
    .await;
}

#[tokio::test]
async fn an_agent_who_steps_away_is_not_online_and_a_bad_away_frame_is_refused() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        let mut feed = app.agent_feed().await;
        assert_eq!(next_presence(&mut socket).await, online());

        feed.send(WsMessage::text(r#"{"type":"away","away":true}"#)).await.unwrap();
        assert_eq!(next_presence(&mut socket).await, Presence::default());
        assert_eq!(status(&app, &session.session_token).await, Presence::default());

        feed.send(WsMessage::text(r#"{"type":"away","away":false}"#)).await.unwrap();
        assert_eq!(next_presence(&mut socket).await, online());

        feed.send(WsMessage::text(r#"{"type":"away","away":"yes"}"#)).await.unwrap();
        let AgentFrame::Error { code, .. } = next_json(&mut feed).await else { panic!("expected an error frame") };
        assert_eq!(code, ErrorCode::InvalidRequest);
        assert_eq!(status(&app, &session.session_token).await, online(), "a refused frame changes nothing");
    })
    .await;
}

#[tokio::test]
async fn away_mode_switched_off_with_the_admin_cli_reaches_init_and_status() {
    each_backend(|app: TestApp| async move {
        let pool = parlour_server::db::connect(app.database_url()).await.unwrap();
        parlour_server::admin::set_away_mode(&pool, "demo", false).await.unwrap();
        assert!(parlour_server::admin::set_away_mode(&pool, "ghost", false).await.is_err());
        let session = app.init().await;
        assert!(!session.features.away_mode);
        assert!(session.features.text_chat, "the other features are kept");
        let (code, body) = app.get_json("/v1/widget/session", &session.session_token).await;
        assert_eq!(code, StatusCode::OK);
        assert!(!serde_json::from_value::<SessionStatusResponse>(body).unwrap().away_mode);
    })
    .await;
}
