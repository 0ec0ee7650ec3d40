//! Unit tests of [`super::Timeline`]: ordering, deduplication and delivery transitions.

use parlour_shared::{Author, AuthorKind, ClientMessageId, ConversationId, Message, MessageId};
use uuid::Uuid;

use super::{Delivery, Merge, Timeline};
use crate::state::outbox::pending;

const CONV: u128 = 7;

fn msg(id: u128, seq: i64, kind: AuthorKind, cid: Option<&str>) -> Message {
    msg_in(CONV, id, seq, kind, cid)
}

fn msg_in(conv: u128, id: u128, seq: i64, kind: AuthorKind, cid: Option<&str>) -> Message {
    Message {
        id: MessageId(Uuid::from_u128(id)),
        conversation_id: ConversationId(Uuid::from_u128(conv)),
        seq,
        client_message_id: cid.map(|c| ClientMessageId::parse(c).unwrap()),
        author: Author { kind, name: (kind == AuthorKind::Agent).then(|| "Ada".to_owned()) },
        body: format!("m{seq}"),
        created_at: seq * 1_000,
        attachments: Vec::new(),
    }
}

fn cid(raw: &str) -> ClientMessageId {
    ClientMessageId::parse(raw).unwrap()
}

fn seqs(t: &Timeline) -> Vec<Option<i64>> {
    t.entries().iter().map(|e| e.seq).collect()
}

#[test]
fn messages_are_sorted_by_seq_whatever_order_they_arrive_in() {
    let mut t = Timeline::default();
    for seq in [3, 1, 4, 2] {
        t.merge(msg(seq as u128, seq, AuthorKind::Agent, None));
    }
    assert_eq!(seqs(&t), [Some(1), Some(2), Some(3), Some(4)]);
    assert_eq!(t.last_seq(), 4);
}

#[test]
fn a_replayed_message_is_not_shown_twice() {
    let mut t = Timeline::default();
    assert!(matches!(t.merge(msg(1, 1, AuthorKind::Agent, None)), Merge::Added { .. }));
    assert_eq!(t.merge(msg(1, 1, AuthorKind::Agent, None)), Merge::Duplicate);
    assert_eq!(t.entries().len(), 1);
}

#[test]
fn a_sent_message_goes_from_sending_to_sent_in_place() {
    let mut t = Timeline::default();
    t.merge(msg(1, 1, AuthorKind::Agent, None));
    t.add_pending(&pending("c1", "hello"));
    assert_eq!(t.entries()[1].delivery, Delivery::Sending);
    assert_eq!(seqs(&t), [Some(1), None]);

    t.confirm(&cid("c1"), msg(2, 2, AuthorKind::Visitor, Some("c1")));
    assert_eq!(seqs(&t), [Some(1), Some(2)]);
    let sent = &t.entries()[1];
    assert_eq!((sent.key.as_str(), sent.delivery), ("c1", Delivery::Sent));
}

#[test]
fn pending_messages_stay_after_stored_ones() {
    let mut t = Timeline::default();
    t.add_pending(&pending("c1", "first"));
    t.merge(msg(1, 1, AuthorKind::Agent, None));
    t.add_pending(&pending("c2", "second"));
    t.merge(msg(2, 2, AuthorKind::Agent, None));
    let keys: Vec<&str> = t.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys[2..], ["c1", "c2"]);
}

#[test]
fn a_replayed_copy_of_a_pending_message_confirms_it() {
    // The ack was lost with the connection; the replay after reconnecting carries the message.
    let mut t = Timeline::default();
    t.add_pending(&pending("c1", "hello"));
    let merged = t.merge(msg(1, 1, AuthorKind::Visitor, Some("c1")));
    assert_eq!(merged, Merge::Added { confirmed: Some(cid("c1")) });
    assert_eq!(t.entries().len(), 1);
    assert_eq!(t.entries()[0].delivery, Delivery::Sent);
}

#[test]
fn an_ack_after_its_replay_changes_nothing() {
    let mut t = Timeline::default();
    t.add_pending(&pending("c1", "hello"));
    t.merge(msg(1, 1, AuthorKind::Visitor, Some("c1")));
    t.confirm(&cid("c1"), msg(1, 1, AuthorKind::Visitor, Some("c1")));
    assert_eq!(t.entries().len(), 1);
}

#[test]
fn a_refused_message_fails_and_can_be_retried() {
    let mut t = Timeline::default();
    t.add_pending(&pending("c1", "hello"));
    assert!(t.fail(&cid("c1"), "Too many messages".into()));
    assert_eq!(t.entries()[0].delivery, Delivery::Failed);
    assert_eq!(t.entries()[0].error.as_deref(), Some("Too many messages"));
    assert_ne!(t.entries()[0].render_key(), "c1:sending");
    assert!(t.retry(&cid("c1")));
    assert_eq!((t.entries()[0].delivery, t.entries()[0].error.clone()), (Delivery::Sending, None));
    assert!(!t.fail(&cid("nope"), String::new()));
}

#[test]
fn unread_counts_only_others_after_the_read_cursor() {
    let mut t = Timeline::default();
    t.merge(msg(1, 1, AuthorKind::Visitor, Some("c1")));
    t.merge(msg(2, 2, AuthorKind::Agent, None));
    t.merge(msg(3, 3, AuthorKind::Agent, None));
    assert_eq!(t.unread_after(0), 2);
    assert_eq!(t.unread_after(2), 1);
    assert_eq!(t.unread_after(3), 0);
}

#[test]
fn a_new_conversation_replaces_the_old_rows_but_keeps_pending_ones() {
    let mut t = Timeline::default();
    t.merge(msg_in(1, 1, 1, AuthorKind::Agent, None));
    t.merge(msg_in(1, 2, 2, AuthorKind::Agent, None));
    t.add_pending(&pending("c9", "still mine"));
    t.merge(msg_in(2, 3, 1, AuthorKind::Agent, None));
    assert_eq!(seqs(&t), [Some(1), None]);
    assert_eq!(t.conversation_id(), Some(ConversationId(Uuid::from_u128(2))));
    t.reset(None);
    assert_eq!(seqs(&t), [None]);
    assert_eq!(t.last_seq(), 0);
}
