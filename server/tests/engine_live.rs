//! Delivery guarantees, live: typing and read receipts both ways, status changes, a new
//! conversation after close, resume or resync, and the heartbeat.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{AGENT_TOKEN, Socket, TestApp, each_backend, each_backend_with, next_frame, next_json, send_frame, user_message};
use futures_util::StreamExt;
use parlour_shared::agent::{AgentFrame, ConversationSummary};
use parlour_shared::rest::ConversationMessages;
use parlour_shared::session::InitSessionResponse;
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{AuthorKind, ConversationId, ConversationStatus, Message};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn acked(frame: ServerFrame) -> Message {
    match frame {
        ServerFrame::Ack { message, .. } => message,
        other => panic!("expected ack, got {other:?}"),
    }
}

/// An agent `POST /v1/agent/conversations/{id}/{what}` with a JSON body.
async fn agent_post(app: &TestApp, id: ConversationId, what: &str, body: serde_json::Value) -> reqwest::Response {
    app.http
        .post(format!("{}/v1/agent/conversations/{id}/{what}", app.base))
        .bearer_auth(AGENT_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A visitor `POST /v1/widget/conversations/{id}/{what}`.
async fn visitor_post(app: &TestApp, token: &str, id: ConversationId, what: &str, body: serde_json::Value) -> reqwest::Response {
    app.http
        .post(format!("{}/v1/widget/conversations/{id}/{what}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The next agent frame that is not a message or conversation announcement.
async fn next_agent_signal(feed: &mut Socket) -> AgentFrame {
    loop {
        match next_json::<AgentFrame>(feed).await {
            AgentFrame::Message { .. } | AgentFrame::Conversation { .. } => {}
            other => return other,
        }
    }
}

/// A session with one stored visitor message, its socket, and the conversation.
async fn started(app: &TestApp) -> (InitSessionResponse, Socket, ConversationId) {
    let session = app.init().await;
    let (mut socket, _) = app.connect(&session, None).await;
    send_frame(&mut socket, &user_message("first", "hello")).await;
    let conversation = acked(next_frame(&mut socket).await).conversation_id;
    (session, socket, conversation)
}

async fn open_url(url: &str) -> (Socket, ServerFrame) {
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let ready = next_frame(&mut socket).await;
    assert!(matches!(ready, ServerFrame::Ready { .. }), "{ready:?}");
    (socket, ready)
}

#[tokio::test]
async fn typing_reaches_the_other_side_both_ways() {
    each_backend(|app: TestApp| async move {
        let (_session, mut socket, conversation) = started(&app).await;
        let mut feed = app.agent_feed().await;
        send_frame(&mut socket, &ClientFrame::Typing { is_typing: true }).await;
        assert_eq!(next_agent_signal(&mut feed).await, AgentFrame::Typing { conversation_id: conversation, is_typing: true });

        let response = agent_post(&app, conversation, "typing", serde_json::json!({"isTyping": true})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let ServerFrame::Typing { author, is_typing } = next_frame(&mut socket).await else { panic!("expected typing") };
        assert_eq!((author.kind, author.name.as_deref(), is_typing), (AuthorKind::Agent, Some("Demo Agent"), true));
    })
    .await;
}

#[tokio::test]
async fn more_than_two_typing_frames_a_second_are_ignored() {
    each_backend(|app: TestApp| async move {
        let (_session, mut socket, conversation) = started(&app).await;
        let mut feed = app.agent_feed().await;
        for _ in 0..5 {
            send_frame(&mut socket, &ClientFrame::Typing { is_typing: true }).await;
        }
        send_frame(&mut socket, &ClientFrame::Read { seq: 1 }).await;
        let typing = AgentFrame::Typing { conversation_id: conversation, is_typing: true };
        assert_eq!(next_agent_signal(&mut feed).await, typing);
        assert_eq!(next_agent_signal(&mut feed).await, typing);
        assert_eq!(next_agent_signal(&mut feed).await, AgentFrame::Read { conversation_id: conversation, seq: 1 }, "the rest were dropped");
    })
    .await;
}

#[tokio::test]
async fn read_receipts_go_both_ways_and_are_stored() {
    each_backend(|app: TestApp| async move {
        let (session, mut socket, conversation) = started(&app).await;
        let mut feed = app.agent_feed().await;
        app.agent_reply(conversation, "r1", "hi there").await;
        assert!(matches!(next_frame(&mut socket).await, ServerFrame::Message { .. }));

        send_frame(&mut socket, &ClientFrame::Read { seq: 2 }).await;
        assert_eq!(next_agent_signal(&mut feed).await, AgentFrame::Read { conversation_id: conversation, seq: 2 });
        let response = agent_post(&app, conversation, "read", serde_json::json!({"seq": 1})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Read { seq: 1 });

        let past_end = agent_post(&app, conversation, "read", serde_json::json!({"seq": 9})).await;
        assert_eq!(past_end.status(), StatusCode::BAD_REQUEST);
        let (status, page) = app.get_json(&format!("/v1/widget/conversations/{conversation}/messages"), &session.session_token).await;
        assert_eq!(status, StatusCode::OK);
        let page: ConversationMessages = serde_json::from_value(page).unwrap();
        assert_eq!((page.visitor_read_seq, page.agent_read_seq), (2, 1));
        let (_, list) = app.get_json("/v1/agent/conversations", AGENT_TOKEN).await;
        assert_eq!((list["conversations"][0]["visitorReadSeq"].as_i64(), list["conversations"][0]["agentReadSeq"].as_i64()), (Some(2), Some(1)));
        let (_again, ready) = app.connect(&session, Some(2)).await;
        let ServerFrame::Ready { visitor_read_seq, agent_read_seq, .. } = ready else { panic!() };
        assert_eq!((visitor_read_seq, agent_read_seq), (2, 1), "ready carries the stored positions");
    })
    .await;
}

#[tokio::test]
async fn the_rest_transport_sends_typing_and_read_too() {
    each_backend(|app: TestApp| async move {
        let (session, _socket, conversation) = started(&app).await;
        let mut feed = app.agent_feed().await;
        let token = &session.session_token;
        let typing = visitor_post(&app, token, conversation, "typing", serde_json::json!({"isTyping": false})).await;
        assert_eq!(typing.status(), StatusCode::NO_CONTENT);
        assert_eq!(next_agent_signal(&mut feed).await, AgentFrame::Typing { conversation_id: conversation, is_typing: false });
        let read = visitor_post(&app, token, conversation, "read", serde_json::json!({"seq": 1})).await;
        assert_eq!(read.status(), StatusCode::NO_CONTENT);
        assert_eq!(next_agent_signal(&mut feed).await, AgentFrame::Read { conversation_id: conversation, seq: 1 });
        let other = app.init().await;
        let foreign = visitor_post(&app, &other.session_token, conversation, "read", serde_json::json!({"seq": 1})).await;
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND, "another visitor's conversation does not exist for them");
        let bad = visitor_post(&app, token, conversation, "typing", serde_json::json!({"isTyping": "yes"})).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn a_status_change_reaches_the_visitor_and_every_agent() {
    each_backend(|app: TestApp| async move {
        let (_session, mut socket, conversation) = started(&app).await;
        let mut feeds = [app.agent_feed().await, app.agent_feed().await];
        let response = agent_post(&app, conversation, "status", serde_json::json!({"status": "pending"})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let summary: ConversationSummary = response.json().await.unwrap();
        assert_eq!((summary.id, summary.status, summary.last_seq), (conversation, ConversationStatus::Pending, 1));
        assert_eq!(
            next_frame(&mut socket).await,
            ServerFrame::ConversationStatus { conversation_id: conversation, status: ConversationStatus::Pending }
        );
        for feed in &mut feeds {
            assert_eq!(next_json::<AgentFrame>(feed).await, AgentFrame::Conversation { conversation: summary.clone() });
        }
        let unknown = agent_post(&app, ConversationId(uuid::Uuid::new_v4()), "status", serde_json::json!({"status": "closed"})).await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let bad = agent_post(&app, conversation, "status", serde_json::json!({"status": "archived"})).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn writing_after_close_starts_a_new_conversation_named_by_the_ack() {
    each_backend(|app: TestApp| async move {
        let (session, mut socket, old) = started(&app).await;
        agent_post(&app, old, "status", serde_json::json!({"status": "closed"})).await;
        assert!(matches!(next_frame(&mut socket).await, ServerFrame::ConversationStatus { status: ConversationStatus::Closed, .. }));
        send_frame(&mut socket, &user_message("after-close", "one more thing")).await;
        let message = acked(next_frame(&mut socket).await);
        assert_ne!(message.conversation_id, old);
        assert_eq!(message.seq, 1, "a new conversation starts at 1");
        // A repeat of a message from the closed conversation still finds its original.
        send_frame(&mut socket, &user_message("first", "hello")).await;
        assert_eq!(acked(next_frame(&mut socket).await).conversation_id, old);
        let (_, ready) = app.connect(&session, None).await;
        let ServerFrame::Ready { conversation_id, last_seq, .. } = ready else { panic!() };
        assert_eq!((conversation_id, last_seq), (Some(message.conversation_id), 1));
    })
    .await;
}

#[tokio::test]
async fn a_cursor_beyond_the_end_gets_resync_instead_of_a_replay() {
    each_backend(|app: TestApp| async move {
        let (session, _socket, conversation) = started(&app).await;
        let url = format!("{}&conversationId={conversation}&after=7", session.chat.ws_url);
        let (mut socket, _) = open_url(&url).await;
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Resync { conversation_id: Some(conversation), last_seq: 1 });
        app.agent_reply(conversation, "live", "still live").await;
        let ServerFrame::Message { message } = next_frame(&mut socket).await else { panic!("live frames follow a resync") };
        assert_eq!(message.seq, 2);

        let (status, page) =
            app.get_json(&format!("/v1/widget/conversations/{conversation}/messages?after=9"), &session.session_token).await;
        assert_eq!(status, StatusCode::OK);
        let page: ConversationMessages = serde_json::from_value(page).unwrap();
        assert!(page.resync && page.messages.is_empty());
        assert_eq!(page.last_seq, 2);
    })
    .await;
}

#[tokio::test]
async fn a_stale_conversation_id_gets_resync_naming_the_current_one() {
    each_backend(|app: TestApp| async move {
        let (session, mut first, old) = started(&app).await;
        agent_post(&app, old, "status", serde_json::json!({"status": "closed"})).await;
        next_frame(&mut first).await;
        let url = format!("{}&conversationId={old}&after=1", session.chat.ws_url);
        let (mut socket, _) = open_url(&url).await;
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Resync { conversation_id: None, last_seq: 0 });
        send_frame(&mut first, &user_message("new", "new topic")).await;
        let current = acked(next_frame(&mut first).await).conversation_id;
        let unknown = format!("{}&conversationId={}&after=0", session.chat.ws_url, uuid::Uuid::new_v4());
        let (mut other, _) = open_url(&unknown).await;
        assert_eq!(next_frame(&mut other).await, ServerFrame::Resync { conversation_id: Some(current), last_seq: 1 });
    })
    .await;
}

#[tokio::test]
async fn reconnecting_replays_exactly_the_missed_messages_with_interleaved_replies() {
    each_backend(|app: TestApp| async move {
        let (session, mut socket, conversation) = started(&app).await;
        let mut expected = Vec::new();
        for i in 0..4 {
            send_frame(&mut socket, &user_message(&format!("v{i}"), "visitor")).await;
            expected.push(acked(next_frame(&mut socket).await));
            let (_, reply) = app.agent_reply(conversation, &format!("a{i}"), "agent").await;
            let ServerFrame::Message { message } = next_frame(&mut socket).await else { panic!() };
            assert_eq!(message, reply);
            expected.push(reply);
        }
        drop(socket);
        let (_, missed) = app.agent_reply(conversation, "while-away", "missed").await;
        expected.push(missed);
        let url = format!("{}&conversationId={conversation}&after=3", session.chat.ws_url);
        let (mut again, _) = open_url(&url).await;
        let mut replayed = Vec::new();
        for _ in 3..=9 {
            let ServerFrame::Message { message } = next_frame(&mut again).await else { panic!("expected a message") };
            replayed.push(message);
        }
        let seqs: Vec<i64> = replayed.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (4..=10).collect::<Vec<_>>());
        assert_eq!(replayed, expected[2..].to_vec());
        send_frame(&mut again, &ClientFrame::Ping).await;
        assert_eq!(next_frame(&mut again).await, ServerFrame::Pong, "nothing more was replayed");
    })
    .await;
}

/// Reads raw frames until a WebSocket Ping arrives (fails after 5 s).
async fn await_ping(socket: &mut Socket) {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("no ping within 5 s");
        if let Some(Ok(WsMessage::Ping(_))) = frame {
            return;
        }
        assert!(matches!(frame, Some(Ok(_))), "socket ended: {frame:?}");
    }
}

#[tokio::test]
async fn the_server_pings_both_sockets_and_closes_a_silent_one() {
    let configure = |config: &mut parlour_server::Config| {
        config.engine.ws_ping_interval = Duration::from_millis(100);
        config.engine.ws_idle_timeout = Duration::from_millis(400);
    };
    each_backend_with(configure, |app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        let mut feed = app.agent_feed().await;
        await_ping(&mut socket).await;
        await_ping(&mut feed).await;
        // Reading answers each Ping with a Pong, so an attentive client stays connected.
        for _ in 0..6 {
            await_ping(&mut socket).await;
        }
        // A client that reads nothing answers nothing: the server gives up on it.
        tokio::time::sleep(Duration::from_millis(700)).await;
        // The server sent Close 1000 and hung up; our client may notice either (answering a
        // queued Ping first can hit the closed connection).
        let closed = async {
            loop {
                match feed.next().await {
                    Some(Ok(WsMessage::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return Some(1000),
                }
            }
        };
        assert_eq!(tokio::time::timeout(Duration::from_secs(3), closed).await.expect("the silent feed stayed open"), Some(1000));
    })
    .await;
}
