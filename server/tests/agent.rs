//! Agents: replies reach the visitor's socket and every agent feed; the agent API lists and
//! pages conversations.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, each_backend, next_frame, next_json, send_frame, user_message};
use parlour_shared::agent::{AgentFrame, ConversationList};
use parlour_shared::ws::ServerFrame;
use parlour_shared::{AuthorKind, MessagePage};
use reqwest::StatusCode;

#[tokio::test]
async fn an_agent_reply_reaches_the_visitor_socket_and_the_agent_feeds() {
    each_backend(|app: TestApp| async move {
        let mut feed = app.agent_feed().await;
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        send_frame(&mut socket, &user_message("v1", "I need help")).await;
        let ServerFrame::Ack { message: question, .. } = next_frame(&mut socket).await else { panic!() };

        let AgentFrame::Conversation { conversation } = next_json(&mut feed).await else { panic!("expected conversation") };
        assert_eq!((conversation.id, conversation.session_id), (question.conversation_id, session.session_id));
        assert_eq!(next_json::<AgentFrame>(&mut feed).await, AgentFrame::Message { message: question.clone() });

        let (status, reply) = app.agent_reply(question.conversation_id, "a1", "On it!").await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!((reply.seq, reply.author.kind, reply.author.name.as_deref()), (2, AuthorKind::Agent, Some("Demo Agent")));
        assert_eq!(next_frame(&mut socket).await, ServerFrame::Message { message: reply.clone() });
        assert_eq!(next_json::<AgentFrame>(&mut feed).await, AgentFrame::Message { message: reply.clone() });

        let (status, again) = app.agent_reply(question.conversation_id, "a1", "On it!").await;
        assert_eq!((status, again), (StatusCode::OK, reply));
    })
    .await;
}

#[tokio::test]
async fn each_listed_conversation_carries_its_own_newest_message() {
    each_backend(|app: TestApp| async move {
        let mut expected = std::collections::HashMap::new();
        for visitor in 0..3 {
            let session = app.init().await;
            let mut id = None;
            for i in 0..=visitor {
                let body = format!("visitor {visitor} message {i}");
                id = Some(app.send_rest(&session.session_token, &format!("c{i}"), &body).await.1.message.conversation_id);
            }
            expected.insert(id.unwrap(), (format!("visitor {visitor} message {visitor}"), i64::from(visitor) + 1));
        }
        let (_, body) = app.get_json("/v1/agent/conversations?limit=10", common::AGENT_TOKEN).await;
        let list: ConversationList = serde_json::from_value(body).unwrap();
        let seen: std::collections::HashMap<_, _> = list
            .conversations
            .iter()
            .map(|c| {
                let last = c.last_message.as_ref().expect("every conversation has a message");
                assert_eq!(last.conversation_id, c.id);
                (c.id, (last.body.clone(), last.seq))
            })
            .collect();
        assert_eq!(seen, expected);
    })
    .await;
}

#[tokio::test]
async fn the_agent_api_lists_and_pages_conversations() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let (_, first) = app.send_rest(&session.session_token, "c1", "one").await;
        app.send_rest(&session.session_token, "c2", "two").await;
        let id = first.message.conversation_id;
        let (status, body) = app.get_json("/v1/agent/conversations?status=open&limit=10", common::AGENT_TOKEN).await;
        assert_eq!(status, StatusCode::OK);
        let list: ConversationList = serde_json::from_value(body).unwrap();
        assert_eq!(list.conversations.len(), 1);
        assert_eq!((list.conversations[0].id, list.conversations[0].last_seq), (id, 2));
        assert_eq!(list.conversations[0].last_message.as_ref().unwrap().body, "two");
        let (_, body) = app.get_json(&format!("/v1/agent/conversations/{id}/messages?after=0&limit=1"), common::AGENT_TOKEN).await;
        let page: MessagePage = serde_json::from_value(body).unwrap();
        assert_eq!((page.messages.len(), page.messages[0].seq, page.has_more), (1, 1, true));
        let unknown = uuid::Uuid::new_v4();
        let (status, body) = app.get_json(&format!("/v1/agent/conversations/{unknown}/messages"), common::AGENT_TOKEN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
    })
    .await;
}
