//! The writer's contract: dense `seq` per conversation, idempotent repeats, and one bad
//! operation never losing the rest of its batch.

use std::sync::Mutex;

use parlour_shared::AuthorKind;
use uuid::Uuid;

use super::*;
use crate::db::{connect, projects};

#[derive(Default)]
struct Recorder(Mutex<Vec<(i64, Option<u64>)>>);

impl AfterCommit for Recorder {
    fn stored(&self, appended: &Appended, origin: Option<u64>) {
        self.0.lock().unwrap().push((appended.message.seq, origin));
    }
}

async fn writer() -> (tempfile::TempDir, AnyPool, Writer, Arc<Recorder>) {
    let dir = tempfile::tempdir().unwrap();
    let pool = connect(&format!("sqlite://{}/w.db", dir.path().display())).await.unwrap();
    projects::seed_demo(&pool).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let (writer, _task) = Writer::spawn(pool.clone(), recorder.clone());
    (dir, pool, writer, recorder)
}

fn session(project: &str) -> SessionRow {
    SessionRow {
        id: SessionId(Uuid::new_v4()),
        project_id: ProjectId::parse(project).unwrap(),
        widget_instance_id: "w".into(),
        external_user_id: None,
        page_url: None,
        host_origin: None,
        user_agent: None,
        locale: None,
        status: sessions::STATUS_ACTIVE.into(),
        config_version: 1,
        created_at: 1,
        last_seen_at: 1,
        expires_at: i64::MAX,
    }
}

fn visitor(session: &SessionRow, client_id: &str, body: &str) -> NewMessage {
    NewMessage {
        target: Target::Session { session_id: session.id, project_id: session.project_id.clone() },
        client_message_id: ClientMessageId::parse(client_id).unwrap(),
        author: Author { kind: AuthorKind::Visitor, name: None },
        body: body.into(),
        attachment_ids: Vec::new(),
        origin: Some(7),
    }
}

#[tokio::test]
async fn sequence_numbers_are_dense_and_start_at_one() {
    let (_dir, _pool, writer, recorder) = writer().await;
    let s = session("demo");
    writer.insert_session(s.clone()).await.unwrap();
    let first = writer.append(visitor(&s, "a", "one")).await.unwrap();
    assert!(first.conversation_created);
    let replies: Vec<_> =
        futures_util::future::join_all((0..20).map(|i| writer.append(visitor(&s, &format!("m{i}"), "x")))).await;
    let mut seqs: Vec<i64> = replies.into_iter().map(|r| r.unwrap().message.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (2..=21).collect::<Vec<_>>());
    assert_eq!(recorder.0.lock().unwrap().len(), 21);
}

#[tokio::test]
async fn a_repeated_client_message_id_returns_the_original() {
    let (_dir, _pool, writer, recorder) = writer().await;
    let s = session("demo");
    writer.insert_session(s.clone()).await.unwrap();
    let original = writer.append(visitor(&s, "same", "first body")).await.unwrap();
    let repeat = writer.append(visitor(&s, "same", "another body")).await.unwrap();
    assert!(repeat.duplicate && !original.duplicate);
    assert_eq!(repeat.message, original.message);
    assert_eq!(repeat.message.body, "first body");
    let next = writer.append(visitor(&s, "other", "x")).await.unwrap();
    assert_eq!(next.message.seq, 2, "a repeat must not consume a seq");
    assert_eq!(recorder.0.lock().unwrap().len(), 2, "repeats are not published again");
}

#[tokio::test]
async fn a_failing_operation_does_not_lose_the_rest_of_its_batch() {
    let (_dir, pool, writer, _recorder) = writer().await;
    let good = session("demo");
    let orphan = session("no-such-project");
    let (a, b, c) = tokio::join!(
        writer.insert_session(good.clone()),
        writer.insert_session(orphan.clone()),
        writer.append(visitor(&good, "m1", "hello")),
    );
    assert!(a.is_ok());
    assert!(matches!(b, Err(WriteError::Failed(_))), "{b:?}");
    assert_eq!(c.unwrap().message.seq, 1);
    assert!(sessions::find(&pool, good.id).await.unwrap().is_some());
    assert!(sessions::find(&pool, orphan.id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_reply_to_an_unknown_conversation_is_not_found() {
    let (_dir, _pool, writer, _recorder) = writer().await;
    let reply = NewMessage {
        target: Target::Conversation(ConversationId(Uuid::new_v4())),
        client_message_id: ClientMessageId::parse("r").unwrap(),
        author: Author { kind: AuthorKind::Agent, name: Some("Ada".into()) },
        body: "hi".into(),
        attachment_ids: Vec::new(),
        origin: None,
    };
    assert_eq!(writer.append(reply).await.unwrap_err(), WriteError::NotFound);
}
