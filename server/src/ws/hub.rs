//! Live fan-out. Each visitor socket subscribes under its session, each agent feed under the
//! agents' list; a stored message is serialised **once** into a shared [`LiveFrame`] and handed
//! to every recipient's small bounded queue. A recipient whose queue is full is dropped: its
//! socket then closes and the client reconnects with `after`, so it never silently misses a
//! message. Ephemeral frames (typing) never cost a subscriber its place: when its queue is full
//! they are just skipped.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::ws::Utf8Bytes;
use parlour_shared::agent::AgentFrame;
use parlour_shared::ws::ServerFrame;
use parlour_shared::{ConversationId, SessionId};
use tokio::sync::mpsc;

use crate::db::now_ms;
use crate::db::writer::{AfterCommit, Appended};
use crate::uploads::FileSigner;

const SHARDS: usize = 64;
/// Frames a socket may have waiting before it counts as too slow.
const QUEUE: usize = 64;

/// One serialised frame, shared by all its recipients.
#[derive(Debug)]
pub struct Live {
    /// The message's conversation (for the visitor socket's no-duplicates check).
    pub conversation_id: ConversationId,
    /// The message's `seq` (0 for frames that are not messages, which never count as repeats).
    pub seq: i64,
    /// The JSON text.
    pub text: Utf8Bytes,
}

/// A shared frame (one pointer in each queue).
pub type LiveFrame = Arc<Live>;

#[derive(Debug)]
struct Subscriber {
    id: u64,
    queue: mpsc::Sender<LiveFrame>,
}

/// One shard of the session map.
type Shard = HashMap<SessionId, Vec<Subscriber>>;

#[derive(Debug)]
struct Inner {
    sessions: Box<[Mutex<Shard>]>,
    agents: Mutex<Vec<Subscriber>>,
    next_id: AtomicU64,
    hasher: RandomState,
    signer: FileSigner,
    /// Each agent's budget for streamed reply pieces (see [`crate::chat::stream`]).
    streams: crate::chat::stream::StreamLimiter,
    /// Which agents are online (see [`super::presence`]).
    presence: super::presence::Tracker,
}

/// The hub (cheap to clone).
#[derive(Debug, Clone)]
pub struct Hub(Arc<Inner>);

/// What a subscription listens to.
#[derive(Debug, Clone, Copy)]
enum Key {
    Session(SessionId),
    Agents,
}

/// A live subscription; dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    hub: Hub,
    key: Key,
    /// This subscriber's id (a visitor socket's own sends are not echoed to it).
    pub id: u64,
    /// The frames.
    pub frames: mpsc::Receiver<LiveFrame>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.id;
        match self.key {
            Key::Session(session) => {
                let mut shard = self.hub.shard(session);
                if let Some(subs) = shard.get_mut(&session) {
                    subs.retain(|s| s.id != id);
                    if subs.is_empty() {
                        shard.remove(&session);
                    }
                }
            }
            Key::Agents => lock(&self.hub.0.agents).retain(|s| s.id != id),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hands `frame` to every subscriber but `except`; drops those whose queue is full or gone
/// (only gone ones for an ephemeral frame, which is skipped when the queue is full).
fn deliver(subs: &mut Vec<Subscriber>, except: Option<u64>, frame: &LiveFrame, ephemeral: bool) {
    subs.retain(|s| {
        Some(s.id) == except
            || match s.queue.try_send(Arc::clone(frame)) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => ephemeral,
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
    });
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    /// An empty hub whose attachment URLs are signed with a random key (tests).
    #[must_use]
    pub fn new() -> Self {
        Self::with_signer(FileSigner::random())
    }

    /// An empty hub that signs attachment URLs in live messages with `signer`.
    #[must_use]
    pub fn with_signer(signer: FileSigner) -> Self {
        let sessions = (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect();
        Self(Arc::new(Inner {
            sessions,
            agents: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
            hasher: RandomState::new(),
            signer,
            streams: crate::chat::stream::StreamLimiter::default(),
            presence: super::presence::Tracker::default(),
        }))
    }

    fn shard(&self, session: SessionId) -> MutexGuard<'_, Shard> {
        let index = usize::try_from(self.0.hasher.hash_one(session) % SHARDS as u64).unwrap_or(0);
        lock(&self.0.sessions[index])
    }

    fn subscriber(&self) -> (Subscriber, u64, mpsc::Receiver<LiveFrame>) {
        let id = self.0.next_id.fetch_add(1, Ordering::Relaxed);
        let (queue, frames) = mpsc::channel(QUEUE);
        (Subscriber { id, queue }, id, frames)
    }

    /// Subscribes a visitor socket to its session's messages.
    #[must_use]
    pub fn subscribe_session(&self, session: SessionId) -> Subscription {
        let (sub, id, frames) = self.subscriber();
        let mut shard = self.shard(session);
        // Every socket starts with the current presence, once an agent was ever seen; read under
        // the shard lock so a publication racing this subscription is never missed.
        if let Some(presence) = self.0.presence.frame() {
            let _ = sub.queue.try_send(presence);
        }
        shard.entry(session).or_default().push(sub);
        drop(shard);
        Subscription { hub: self.clone(), key: Key::Session(session), id, frames }
    }

    /// Subscribes an agent feed to every message and conversation change.
    #[must_use]
    pub fn subscribe_agents(&self) -> Subscription {
        let (sub, id, frames) = self.subscriber();
        lock(&self.0.agents).push(sub);
        Subscription { hub: self.clone(), key: Key::Agents, id, frames }
    }

    /// Sends a frame, built only if someone listens, to a session's sockets except `except`.
    pub fn publish_session(&self, session: SessionId, except: Option<u64>, frame: impl FnOnce() -> Option<LiveFrame>) {
        self.publish_session_as(session, except, frame, false);
    }

    /// Sends a frame that is not a message (`seq` 0) to a session's sockets; an `ephemeral` one
    /// is skipped for a socket whose queue is full.
    pub fn notify_session<T: serde::Serialize>(&self, session: SessionId, conversation: ConversationId, frame: &T, ephemeral: bool) {
        self.publish_session_as(session, None, || live(conversation, 0, frame), ephemeral);
    }

    /// Sends a frame that is not a message to every agent feed (see [`Hub::notify_session`]).
    pub fn notify_agents<T: serde::Serialize>(&self, conversation: ConversationId, frame: &T, ephemeral: bool) {
        let mut agents = lock(&self.0.agents);
        if agents.is_empty() {
            return;
        }
        if let Some(frame) = live(conversation, 0, frame) {
            deliver(&mut agents, None, &frame, ephemeral);
        }
    }

    fn publish_session_as(&self, session: SessionId, except: Option<u64>, frame: impl FnOnce() -> Option<LiveFrame>, ephemeral: bool) {
        let mut shard = self.shard(session);
        let Some(subs) = shard.get_mut(&session) else { return };
        if subs.iter().all(|s| Some(s.id) == except) {
            return;
        }
        if let Some(frame) = frame() {
            deliver(subs, except, &frame, ephemeral);
        }
        if subs.is_empty() {
            shard.remove(&session);
        }
    }

    /// Sends frames, built only if an agent listens, to every agent feed.
    pub fn publish_agents(&self, frames: impl FnOnce() -> Vec<LiveFrame>) {
        let mut agents = lock(&self.0.agents);
        if agents.is_empty() {
            return;
        }
        for frame in frames() {
            deliver(&mut agents, None, &frame, false);
        }
    }

    /// Marks an agent online while the returned seat lives (an open agent feed).
    #[must_use]
    pub fn agent_online(&self, id: &str, name: &str) -> super::presence::Seat {
        super::presence::sit(self, id, name)
    }

    /// Whether an agent is online, as visitors were last told.
    #[must_use]
    pub fn presence(&self) -> parlour_shared::session::Presence {
        self.0.presence.published()
    }

    pub(super) fn tracker(&self) -> &super::presence::Tracker {
        &self.0.presence
    }

    /// Hands a frame that is not a message to every visitor socket, one shard at a time (a
    /// socket whose queue is full skips it). The work is one `try_send` per socket.
    pub async fn broadcast_visitors(&self, frame: &LiveFrame) {
        for index in 0..SHARDS {
            {
                let mut shard = lock(&self.0.sessions[index]);
                shard.retain(|_, subs| {
                    deliver(subs, None, frame, true);
                    !subs.is_empty()
                });
            }
            tokio::task::yield_now().await;
        }
    }

    /// Each agent's budget for streamed reply pieces.
    #[must_use]
    pub fn stream_limiter(&self) -> &crate::chat::stream::StreamLimiter {
        &self.0.streams
    }

    /// How many sockets are subscribed to a session (for tests and metrics).
    #[must_use]
    pub fn session_subscribers(&self, session: SessionId) -> usize {
        self.shard(session).get(&session).map_or(0, Vec::len)
    }
}

/// Serialises a frame once; `None` (logged) if that ever fails.
fn live<T: serde::Serialize>(conversation_id: ConversationId, seq: i64, frame: &T) -> Option<LiveFrame> {
    match serde_json::to_string(frame) {
        Ok(text) => Some(Arc::new(Live { conversation_id, seq, text: text.into() })),
        Err(err) => {
            tracing::error!(error = %err, "cannot serialise a live frame");
            None
        }
    }
}

impl AfterCommit for Hub {
    fn stored(&self, appended: &Appended, origin: Option<u64>) {
        let signed;
        let message = if appended.message.attachments.is_empty() {
            &appended.message
        } else {
            let mut copy = appended.message.clone();
            self.0.signer.sign(&mut copy, now_ms());
            signed = copy;
            &signed
        };
        let conversation = &appended.conversation;
        self.publish_session(conversation.session_id, origin, || {
            live(message.conversation_id, message.seq, &ServerFrame::Message { message: message.clone() })
        });
        self.publish_agents(|| {
            let mut frames = Vec::with_capacity(2);
            if appended.conversation_created {
                let summary = conversation.summary(Some(message.clone()));
                frames.extend(live(conversation.id, 0, &AgentFrame::Conversation { conversation: summary }));
            }
            frames.extend(live(message.conversation_id, message.seq, &AgentFrame::Message { message: message.clone() }));
            frames
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn frame(seq: i64) -> Option<LiveFrame> {
        Some(Arc::new(Live { conversation_id: ConversationId(Uuid::nil()), seq, text: "{}".into() }))
    }

    #[test]
    fn a_frame_reaches_every_socket_of_the_session_but_the_sender() {
        let hub = Hub::new();
        let session = SessionId(Uuid::new_v4());
        let mut a = hub.subscribe_session(session);
        let mut b = hub.subscribe_session(session);
        let mut other = hub.subscribe_session(SessionId(Uuid::new_v4()));
        hub.publish_session(session, Some(a.id), || frame(1));
        assert_eq!(b.frames.try_recv().unwrap().seq, 1);
        assert!(a.frames.try_recv().is_err());
        assert!(other.frames.try_recv().is_err());
    }

    #[test]
    fn an_ephemeral_frame_skips_a_full_queue_instead_of_dropping_the_socket() {
        let hub = Hub::new();
        let session = SessionId(Uuid::new_v4());
        let conversation = ConversationId(Uuid::nil());
        let mut socket = hub.subscribe_session(session);
        for _ in 0..QUEUE + 5 {
            hub.notify_session(session, conversation, &ServerFrame::Pong, true);
        }
        assert_eq!(hub.session_subscribers(session), 1);
        assert_eq!(socket.frames.try_recv().unwrap().seq, 0);
    }

    #[test]
    fn a_slow_subscriber_is_dropped_and_a_gone_one_removed() {
        let hub = Hub::new();
        let session = SessionId(Uuid::new_v4());
        let mut slow = hub.subscribe_session(session);
        for seq in 0..=i64::try_from(QUEUE).unwrap() {
            hub.publish_session(session, None, || frame(seq));
        }
        assert_eq!(hub.session_subscribers(session), 0);
        let mut received = 0;
        while slow.frames.try_recv().is_ok() {
            received += 1;
        }
        assert_eq!(received, QUEUE, "it drains what it had, then sees the end");
        let gone = hub.subscribe_session(session);
        drop(gone);
        assert_eq!(hub.session_subscribers(session), 0);
    }
}
