//! The visitor's socket: sends and acks, replay after reconnect, repeats, bad frames, limits.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, each_backend, next_frame, next_or_close, send_frame, user_message};
use futures_util::SinkExt;
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{ErrorCode, Message};
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn acked(frame: ServerFrame) -> Message {
    match frame {
        ServerFrame::Ack { message, .. } => message,
        other => panic!("expected ack, got {other:?}"),
    }
}

#[tokio::test]
async fn each_send_is_acknowledged_with_the_next_seq() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        for i in 1..=3 {
            send_frame(&mut socket, &user_message(&format!("c{i}"), &format!("message {i}"))).await;
        }
        for i in 1..=3 {
            let frame = next_frame(&mut socket).await;
            let ServerFrame::Ack { client_message_id, message } = frame else { panic!("{frame:?}") };
            assert_eq!(client_message_id.as_str(), format!("c{i}"));
            assert_eq!((message.seq, message.body.as_str()), (i, format!("message {i}").as_str()));
        }
        send_frame(&mut socket, &ClientFrame::Ping).await;
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Pong);
    })
    .await;
}

#[tokio::test]
async fn reconnecting_with_after_replays_exactly_the_missed_messages_in_order() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        let mut stored = Vec::new();
        for i in 1..=5 {
            send_frame(&mut socket, &user_message(&format!("m{i}"), "hi")).await;
            stored.push(acked(next_frame(&mut socket).await));
        }
        drop(socket);
        let conversation = stored[0].conversation_id;
        let (_, reply) = app.agent_reply(conversation, "agent-1", "missed reply").await;
        let (mut again, ready) = app.connect(&session, Some(2)).await;
        assert_eq!(ready, ServerFrame::Ready {
                session_id: session.session_id,
                conversation_id: Some(conversation),
                last_seq: 6,
                visitor_read_seq: 0,
                agent_read_seq: 0
            });
        let mut replayed = Vec::new();
        for _ in 0..4 {
            let ServerFrame::Message { message } = next_frame(&mut again).await else { panic!("expected a message") };
            replayed.push(message);
        }
        let mut expected = stored[2..].to_vec();
        expected.push(reply);
        assert_eq!(replayed, expected);
        send_frame(&mut again, &ClientFrame::Ping).await;
        assert_eq!(next_frame(&mut again).await, ServerFrame::Pong, "nothing more was replayed");
    })
    .await;
}

#[tokio::test]
async fn a_repeated_client_message_id_on_the_socket_returns_the_same_message() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        send_frame(&mut socket, &user_message("same", "first")).await;
        let original = acked(next_frame(&mut socket).await);
        send_frame(&mut socket, &user_message("same", "changed body")).await;
        let repeat = acked(next_frame(&mut socket).await);
        assert_eq!(repeat, original);
        let (status, rest) = app.send_rest(&session.session_token, "same", "third try").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(rest.duplicate);
        assert_eq!(rest.message, original);
    })
    .await;
}

#[tokio::test]
async fn a_bad_frame_gets_an_error_and_the_socket_stays_open() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        socket.send(WsMessage::text(r#"{"type":"user_message","clientMessageId":"c-9","body":"  "}"#)).await.unwrap();
        let ServerFrame::Error { code, client_message_id, .. } = next_frame(&mut socket).await else { panic!() };
        assert_eq!((code, client_message_id.unwrap().as_str()), (ErrorCode::InvalidRequest, "c-9"));
        socket.send(WsMessage::text("not json")).await.unwrap();
        let ServerFrame::Error { client_message_id, .. } = next_frame(&mut socket).await else { panic!() };
        assert!(client_message_id.is_none());
        send_frame(&mut socket, &user_message("ok", "still here")).await;
        assert_eq!(acked(next_frame(&mut socket).await).seq, 1);
    })
    .await;
}

#[tokio::test]
async fn a_frame_over_64_kib_closes_the_socket_with_1009() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        socket.send(WsMessage::text("x".repeat(64 * 1024 + 1))).await.unwrap();
        assert_eq!(next_or_close(&mut socket).await, Err(1009));
    })
    .await;
}

#[tokio::test]
async fn a_message_sent_over_rest_reaches_the_open_socket() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        let (status, sent) = app.send_rest(&session.session_token, "from-rest", "other tab").await;
        assert_eq!(status, reqwest::StatusCode::CREATED);
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Message { message: sent.message });
    })
    .await;
}
