//! Property tests of the delivery invariants, against the real batching writer on a real
//! database file (and PostgreSQL when `PARLOUR_TEST_POSTGRES_URL` is set):
//! (a) one stored message per `clientMessageId`, whatever the interleaving of sends and repeats
//!     (repeats with other bodies get the first one's id and seq);
//! (b) `seq` 1..n with no gap or repeat under 50 concurrent senders, while a poller reading
//!     `after=<cursor>&limit=` pages never skips or repeats one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use parlour_server::db::sessions::{STATUS_ACTIVE, SessionRow};
use parlour_server::db::writer::{AppendReply, NewMessage, Target, Writer};
use parlour_server::db::{self, messages};
use parlour_server::ws::hub::Hub;
use parlour_shared::{Author, AuthorKind, ClientMessageId, ConversationId, ProjectId, SessionId};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sqlx::AnyPool;
use uuid::Uuid;

struct Store {
    pool: AnyPool,
    writer: Writer,
    _dir: tempfile::TempDir,
}

async fn store(backend: &common::Backend) -> Store {
    let (url, dir) = common::fresh_database_url(backend).await;
    let pool = db::connect(&url).await.unwrap();
    db::projects::seed_demo(&pool).await.unwrap();
    let (writer, _task) = Writer::spawn(pool.clone(), Arc::new(Hub::new()));
    Store { pool, writer, _dir: dir }
}

async fn new_session(store: &Store) -> SessionRow {
    let row = SessionRow {
        id: SessionId(Uuid::new_v4()),
        project_id: ProjectId::parse("demo").unwrap(),
        widget_instance_id: "props".into(),
        external_user_id: None,
        page_url: None,
        host_origin: None,
        user_agent: None,
        locale: None,
        status: STATUS_ACTIVE.into(),
        config_version: 1,
        created_at: 1,
        last_seen_at: 1,
        expires_at: i64::MAX,
    };
    store.writer.insert_session(row.clone()).await.unwrap();
    row
}

fn send(session: &SessionRow, client_id: &str, body: &str) -> NewMessage {
    NewMessage {
        target: Target::Session { session_id: session.id, project_id: session.project_id.clone() },
        client_message_id: ClientMessageId::parse(client_id).unwrap(),
        author: Author { kind: AuthorKind::Visitor, name: None },
        body: body.into(),
        attachment_ids: Vec::new(),
        origin: None,
    }
}

/// Runs `cases` cases of `strategy` through `check`, once per backend, on one store each.
fn run<S, F, Fut>(cases: u32, strategy: S, check: F)
where
    S: Strategy,
    S::Value: Clone,
    F: Fn(Arc<Store>, S::Value) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for backend in common::backends() {
        let store = Arc::new(runtime.block_on(store(&backend)));
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        runner
            .run(&strategy, |value| {
                runtime.block_on(check(Arc::clone(&store), value));
                Ok(())
            })
            .unwrap();
    }
}

/// One operation: send `clientMessageId` `c<id>` with body variant `body`, then (maybe) wait
/// for everything queued so far, which cuts the writer's batches at random places.
fn ops() -> impl Strategy<Value = Vec<(u8, u8, bool)>> {
    prop::collection::vec((0..6_u8, 0..3_u8, prop::bool::weighted(0.3)), 1..40)
}

#[test]
fn each_client_message_id_is_stored_once_whatever_the_interleaving() {
    run(24, ops(), |store, ops| async move {
        let session = new_session(&store).await;
        let mut pending: Vec<(usize, AppendReply)> = Vec::new();
        let mut results = Vec::new();
        for (i, (id, body, wait)) in ops.iter().enumerate() {
            let reply = store.writer.submit(send(&session, &format!("c{id}"), &format!("body {body} of c{id}"))).await.unwrap();
            pending.push((i, reply));
            if *wait {
                for (i, reply) in pending.drain(..) {
                    results.push((i, reply.await.unwrap().unwrap()));
                }
            }
        }
        for (i, reply) in pending.drain(..) {
            results.push((i, reply.await.unwrap().unwrap()));
        }
        results.sort_by_key(|(i, _)| *i);
        let mut first: HashMap<u8, usize> = HashMap::new();
        for (i, appended) in &results {
            let (id, body, _) = ops[*i];
            let original = *first.entry(id).or_insert(*i);
            let expected = &results[original].1.message;
            assert_eq!(appended.duplicate, original != *i, "only the first send of c{id} stores");
            assert_eq!((appended.message.id, appended.message.seq), (expected.id, expected.seq), "c{id}");
            assert_eq!(appended.message.body, format!("body {} of c{id}", ops[original].1), "the first body wins, not {body}");
        }
        let conversation = results[0].1.message.conversation_id;
        let (stored, more) = messages::after(&store.pool, conversation, 0, 500).await.unwrap();
        assert!(!more);
        let ids: HashSet<_> = stored.iter().map(|m| m.client_message_id.clone()).collect();
        assert_eq!((stored.len(), ids.len()), (first.len(), first.len()), "one row per clientMessageId");
        let seqs: Vec<i64> = stored.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=i64::try_from(first.len()).unwrap()).collect::<Vec<_>>());
    });
}

/// Reads pages after a cursor until `total` messages were seen, checking each page continues
/// exactly where the last one ended.
async fn poll_until(store: &Store, conversation: ConversationId, total: i64, limit: u32) -> Vec<i64> {
    let mut cursor = 0;
    let mut seen = Vec::new();
    while cursor < total {
        let (page, _) = messages::after(&store.pool, conversation, cursor, limit).await.unwrap();
        for message in page {
            assert_eq!(message.seq, cursor + 1, "the poller skipped or repeated a seq");
            cursor = message.seq;
            seen.push(cursor);
        }
        tokio::task::yield_now().await;
    }
    seen
}

#[test]
fn fifty_concurrent_senders_get_contiguous_seqs_and_a_poller_misses_none() {
    let strategy = (prop::collection::vec(1..4_usize, 50), 1..20_u32);
    run(16, strategy, |store, (counts, limit)| async move {
        let session = new_session(&store).await;
        let first = store.writer.append(send(&session, "opening", "hi")).await.unwrap();
        let conversation = first.message.conversation_id;
        let total = 1 + i64::try_from(counts.iter().sum::<usize>()).unwrap();
        let senders: Vec<_> = counts
            .iter()
            .enumerate()
            .map(|(sender, &count)| {
                let store = Arc::clone(&store);
                let session = session.clone();
                tokio::spawn(async move {
                    let mut seqs = Vec::new();
                    for n in 0..count {
                        let appended = store.writer.append(send(&session, &format!("s{sender}-{n}"), "x")).await.unwrap();
                        seqs.push(appended.message.seq);
                    }
                    seqs
                })
            })
            .collect();
        let seen = poll_until(&store, conversation, total, limit).await;
        let mut assigned = vec![1];
        for sender in senders {
            let seqs = sender.await.unwrap();
            assert!(seqs.windows(2).all(|w| w[0] < w[1]), "one sender's messages keep their order");
            assigned.extend(seqs);
        }
        assigned.sort_unstable();
        assert_eq!(assigned, (1..=total).collect::<Vec<_>>(), "seq is 1..n with no gap or repeat");
        assert_eq!(seen, assigned);
    });
}
