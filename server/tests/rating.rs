//! Satisfaction ratings: a visitor rates their closed conversation (validated, overwritten on a
//! second rating), never an open or a foreign one; agents see the score in their list and live.

#![allow(clippy::unwrap_used)]

mod common;

use common::{AGENT_TOKEN, TestApp, each_backend, next_json};
use parlour_shared::ConversationId;
use parlour_shared::agent::{AgentFrame, ConversationList};
use parlour_shared::rest::VisitorConversationList;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn rate(app: &TestApp, token: &str, id: ConversationId, body: &Value) -> (StatusCode, Value) {
    let response =
        app.http.post(format!("{}/v1/widget/conversations/{id}/rating", app.base)).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn close(app: &TestApp, id: ConversationId) {
    let response = app
        .http
        .post(format!("{}/v1/agent/conversations/{id}/status", app.base))
        .bearer_auth(AGENT_TOKEN)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn agent_list(app: &TestApp) -> ConversationList {
    let (status, body) = app.get_json("/v1/agent/conversations?limit=50", AGENT_TOKEN).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn an_open_conversation_cannot_be_rated_yet() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let token = &session.session_token;
        let id = app.send_rest(token, "c1", "hello").await.1.message.conversation_id;
        let (status, body) = rate(&app, token, id, &json!({"score": 5})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("CONFLICT")));
        assert!(agent_list(&app).await.conversations[0].rating.is_none());
    })
    .await;
}

#[tokio::test]
async fn bad_scores_and_long_comments_are_refused() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let token = &session.session_token;
        let id = app.send_rest(token, "c1", "hello").await.1.message.conversation_id;
        close(&app, id).await;
        for bad in [
            json!({"score": 0}),
            json!({"score": 6}),
            json!({"score": -1}),
            json!({"score": "5"}),
            json!({}),
            json!({"score": 3, "comment": "x".repeat(1001)}),
        ] {
            let (status, body) = rate(&app, token, id, &bad).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST")), "{bad}");
        }
        assert!(agent_list(&app).await.conversations[0].rating.is_none());
        let (status, _) = rate(&app, token, id, &json!({"score": 3, "comment": "é".repeat(1000)})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    })
    .await;
}

#[tokio::test]
async fn a_foreign_or_unknown_conversation_is_not_found_and_a_missing_token_is_refused() {
    each_backend(|app: TestApp| async move {
        let alice = app.init().await;
        let mallory = app.init().await;
        let id = app.send_rest(&alice.session_token, "c1", "private").await.1.message.conversation_id;
        close(&app, id).await;
        let (status, body) = rate(&app, &mallory.session_token, id, &json!({"score": 1})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
        let unknown = ConversationId(uuid::Uuid::new_v4());
        let (status, _) = rate(&app, &alice.session_token, unknown, &json!({"score": 1})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = rate(&app, "not-a-token", id, &json!({"score": 1})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("SESSION_INVALID")));
        assert!(agent_list(&app).await.conversations[0].rating.is_none());
    })
    .await;
}

#[tokio::test]
async fn a_rating_is_stored_overwritten_and_shown_to_agents_and_in_the_history() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let token = &session.session_token;
        let first = app.send_rest(token, "c1", "hello").await.1.message.conversation_id;
        close(&app, first).await;
        let mut feed = app.agent_feed().await;

        let (status, _) = rate(&app, token, first, &json!({"score": 4, "comment": "  Quick and kind  "})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let frame: AgentFrame = next_json(&mut feed).await;
        let AgentFrame::Conversation { conversation } = frame else { panic!("{frame:?}") };
        assert_eq!(conversation.id, first);
        let rating = conversation.rating.unwrap();
        assert_eq!((rating.score, rating.comment.as_deref()), (4, Some("Quick and kind")));

        let listed = agent_list(&app).await;
        let rating = listed.conversations[0].rating.clone().unwrap();
        assert_eq!((rating.score, rating.comment.as_deref()), (4, Some("Quick and kind")));
        assert!(rating.rated_at > 0);

        // Rating again overwrites, comment included.
        let (status, _) = rate(&app, token, first, &json!({"score": 2})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let rating = agent_list(&app).await.conversations[0].rating.clone().unwrap();
        assert_eq!((rating.score, rating.comment), (2, None));

        // After `closed` the next message starts a new conversation: the history lists both,
        // newest first, the rated one with its score.
        let second = app.send_rest(token, "c2", "one more thing").await.1.message.conversation_id;
        assert_ne!(second, first);
        let (_, body) = app.get_json("/v1/widget/conversations?limit=10", token).await;
        let history: VisitorConversationList = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(history.count, 2);
        let rows: Vec<_> = history.results.iter().map(|c| (c.id, c.rating)).collect();
        assert_eq!(rows, vec![(second, None), (first, Some(2))]);
        assert!(body["results"][0].get("rating").is_none());
        let agents = agent_list(&app).await;
        let by_id = |id| agents.conversations.iter().find(|c| c.id == id).unwrap().rating.as_ref().map(|r| r.score);
        assert_eq!((by_id(first), by_id(second)), (Some(2), None));
    })
    .await;
}
