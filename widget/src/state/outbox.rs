//! The outbox: messages the visitor wrote that the server has not acknowledged yet. It is
//! persisted with the session, so a reload or a lost connection resends them with the same
//! `clientMessageId` (the server stores each id once).

use parlour_shared::{Attachment, ClientMessageId, MessageBody};
#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;

use crate::json::{Fields, FromJson, Json};

/// One unsent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    /// The id that makes resending safe.
    pub client_message_id: ClientMessageId,
    /// The text; `None` when the message is only attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<MessageBody>,
    /// The files it carries (already uploaded), kept whole so a reload still shows and sends them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// When the visitor sent it, Unix milliseconds.
    pub created_at: i64,
    /// The server refused it (e.g. rate limited); it waits for the visitor's "Retry".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
}

/// The unsent messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(transparent)]
pub struct Outbox {
    items: Vec<Pending>,
}

impl Outbox {
    /// The most messages kept; beyond it the oldest are dropped (a visitor offline for a long
    /// time should not fill the browser's storage).
    pub const MAX_ITEMS: usize = 50;

    /// Adds a message to send.
    pub fn push(&mut self, pending: Pending) {
        if self.items.iter().any(|p| p.client_message_id == pending.client_message_id) {
            return;
        }
        self.items.push(pending);
        if self.items.len() > Self::MAX_ITEMS {
            let extra = self.items.len() - Self::MAX_ITEMS;
            self.items.drain(..extra);
        }
    }

    /// Forgets a message the server stored; `true` when it was there.
    pub fn remove(&mut self, id: &ClientMessageId) -> bool {
        let before = self.items.len();
        self.items.retain(|p| &p.client_message_id != id);
        before != self.items.len()
    }

    /// Marks a message refused; it is not resent automatically any more.
    pub fn mark_failed(&mut self, id: &ClientMessageId) -> bool {
        self.find_mut(id).map(|p| p.failed = true).is_some()
    }

    /// Puts a failed message back in line and returns it, to send now.
    pub fn retry(&mut self, id: &ClientMessageId) -> Option<&Pending> {
        let pending = self.find_mut(id)?;
        pending.failed = false;
        Some(pending)
    }

    /// The messages to (re)send on a fresh connection, oldest first (failed ones wait).
    pub fn to_send(&self) -> impl Iterator<Item = &Pending> {
        self.items.iter().filter(|p| !p.failed)
    }

    /// Every message, failed or not, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Pending> {
        self.items.iter()
    }

    /// Whether nothing waits.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Takes in the messages of another tab's outbox (read back from storage) that this one
    /// lacks, unless `delivered` says the server already stored them; returns those adopted.
    /// Kept in the order written, so two tabs' queues interleave as the visitor wrote them.
    pub fn adopt(&mut self, other: &Outbox, delivered: impl Fn(&ClientMessageId) -> bool) -> Vec<Pending> {
        let adopted: Vec<Pending> = other
            .items
            .iter()
            .filter(|p| !delivered(&p.client_message_id) && self.find(&p.client_message_id).is_none())
            .cloned()
            .collect();
        if !adopted.is_empty() {
            self.items.extend(adopted.iter().cloned());
            self.items.sort_by_key(|p| p.created_at);
        }
        adopted
    }

    /// The message with this id, if it waits here.
    #[must_use]
    pub fn find(&self, id: &ClientMessageId) -> Option<&Pending> {
        self.items.iter().find(|p| &p.client_message_id == id)
    }

    fn find_mut(&mut self, id: &ClientMessageId) -> Option<&mut Pending> {
        self.items.iter_mut().find(|p| &p.client_message_id == id)
    }
}

/// Read back as stored: a plain array (`#[serde(transparent)]`).
impl FromJson for Outbox {
    fn from_json(value: Json) -> Option<Self> {
        FromJson::from_json(value).map(|items| Self { items })
    }
}

impl FromJson for Pending {
    fn from_json(value: Json) -> Option<Self> {
        let mut f = Fields::of(value)?;
        Some(Self {
            client_message_id: f.get("clientMessageId")?,
            body: f.get("body")?,
            attachments: f.or("attachments", Vec::new())?,
            created_at: f.get("createdAt")?,
            failed: f.or("failed", false)?,
        })
    }
}

#[cfg(test)]
pub(crate) fn pending(id: &str, body: &str) -> Pending {
    Pending {
        client_message_id: ClientMessageId::parse(id).unwrap(),
        body: Some(MessageBody::parse(body).unwrap()),
        attachments: Vec::new(),
        created_at: 1,
        failed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> ClientMessageId {
        ClientMessageId::parse(raw).unwrap()
    }

    #[test]
    fn messages_wait_in_order_until_acknowledged() {
        let mut outbox = Outbox::default();
        outbox.push(pending("a", "one"));
        outbox.push(pending("b", "two"));
        outbox.push(pending("a", "one again"));
        let ids: Vec<&str> = outbox.to_send().map(|p| p.client_message_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(outbox.remove(&id("a")));
        assert!(!outbox.remove(&id("a")));
        assert_eq!(outbox.iter().count(), 1);
    }

    #[test]
    fn failed_messages_wait_for_a_retry() {
        let mut outbox = Outbox::default();
        outbox.push(pending("a", "one"));
        assert!(outbox.mark_failed(&id("a")));
        assert_eq!(outbox.to_send().count(), 0);
        assert_eq!(outbox.iter().count(), 1);
        assert_eq!(outbox.retry(&id("a")).and_then(|p| p.body.as_ref()).map(MessageBody::as_str), Some("one"));
        assert_eq!(outbox.to_send().count(), 1);
        assert!(outbox.retry(&id("zz")).is_none());
    }

    #[test]
    fn another_tabs_messages_are_adopted_unless_delivered() {
        let mut mine = Outbox::default();
        mine.push(Pending { created_at: 5, ..pending("a", "mine") });
        let mut theirs = Outbox::default();
        theirs.push(Pending { created_at: 3, ..pending("b", "theirs") });
        theirs.push(Pending { created_at: 7, ..pending("c", "done") });
        theirs.push(Pending { created_at: 5, ..pending("a", "mine") });
        let adopted = mine.adopt(&theirs, |id| id.as_str() == "c");
        assert_eq!(adopted.iter().map(|p| p.client_message_id.as_str()).collect::<Vec<_>>(), ["b"]);
        let ids: Vec<&str> = mine.iter().map(|p| p.client_message_id.as_str()).collect();
        assert_eq!(ids, ["b", "a"], "in the order written");
        assert!(mine.adopt(&theirs, |id| id.as_str() == "c").is_empty());
    }

    #[test]
    fn the_outbox_is_bounded() {
        let mut outbox = Outbox::default();
        for i in 0..(Outbox::MAX_ITEMS + 5) {
            outbox.push(pending(&format!("m{i}"), "x"));
        }
        assert_eq!(outbox.iter().count(), Outbox::MAX_ITEMS);
        assert_eq!(outbox.iter().next().unwrap().client_message_id.as_str(), "m5");
    }

    #[test]
    fn the_outbox_round_trips_through_json() {
        let mut outbox = Outbox::default();
        outbox.push(pending("a", "hello"));
        outbox.mark_failed(&id("a"));
        let json = serde_json::to_string(&outbox).unwrap();
        assert_eq!(json, r#"[{"clientMessageId":"a","body":"hello","createdAt":1,"failed":true}]"#);
        assert_eq!(serde_json::from_str::<Outbox>(&json).unwrap(), outbox);
    }

    #[test]
    fn attachments_survive_a_reload_and_a_retry() {
        let file = Attachment {
            id: parlour_shared::AttachmentId(uuid::Uuid::from_u128(9)),
            name: "a.png".into(),
            content_type: "image/png".into(),
            size: 12,
            url: "/v1/files/x/a.png?token=t".into(),
        };
        let mut outbox = Outbox::default();
        outbox.push(Pending { body: None, attachments: vec![file.clone()], ..pending("a", "x") });
        outbox.mark_failed(&id("a"));
        let json = serde_json::to_string(&outbox).unwrap();
        assert!(!json.contains("\"body\""), "{json}");
        let mut back: Outbox = crate::json::from_str(&json).expect("the widget reads it back");
        assert_eq!(back, outbox);
        let retried = back.retry(&id("a")).unwrap();
        assert_eq!((retried.body.as_ref(), retried.attachments.as_slice()), (None, std::slice::from_ref(&file)));
    }
}
