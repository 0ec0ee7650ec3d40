//! Agent presence: the team is *online* while at least one agent feed (`/ws/agent`) is open and
//! not marked away (`{"type":"away","away":true}`). Agents answer every project, so presence is
//! the same for all of them.
//!
//! Each open feed holds a [`Seat`]; taking or leaving one only marks presence dirty. A short
//! timer then compares who is there with what visitors were last told and, only if that
//! differs, publishes once: the new [`Presence`] (for init and status answers) and one
//! serialised `presence` frame handed to every visitor socket. Going offline waits
//! [`GRACE`], so an agent reloading the inbox does not flash "away"; a tab that flaps costs at
//! most one publication per timer, whatever the number of sockets.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use parlour_shared::session::Presence;
use parlour_shared::ws::ServerFrame;
use parlour_shared::ConversationId;
use tokio::time::Instant;

use super::hub::{Hub, Live, LiveFrame};

/// How long a change waits before it is published (several changes in a row publish once).
pub const SETTLE: Duration = Duration::from_millis(300);
/// How long the last agent may be gone before visitors are told the team is away.
pub const GRACE: Duration = Duration::from_secs(2);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One agent's open feeds.
#[derive(Debug)]
struct Agent {
    id: String,
    name: String,
    feeds: u32,
    /// Of those, the ones marked away.
    away: u32,
}

impl Agent {
    const fn available(&self) -> bool {
        self.feeds > self.away
    }
}

/// Who is connected and what visitors were last told.
#[derive(Debug, Default)]
pub(super) struct Tracker {
    /// The agents with an open feed, in the order they came online.
    seats: Mutex<Vec<Agent>>,
    /// When the last agent left (for [`GRACE`]).
    left: Mutex<Option<Instant>>,
    /// What init/status answers report.
    published: Mutex<Presence>,
    /// The `presence` frame every new visitor socket starts with, once anything was published.
    frame: Mutex<Option<LiveFrame>>,
    /// A publication timer is running.
    pending: AtomicBool,
}

/// An open agent feed; dropping it leaves.
#[derive(Debug)]
pub struct Seat {
    hub: Hub,
    agent: String,
    away: AtomicBool,
}

impl Seat {
    /// Marks this feed away or back (the agent's own choice in the inbox).
    pub fn set_away(&self, away: bool) {
        if self.away.swap(away, Ordering::AcqRel) != away {
            self.change(|agent| if away { agent.away += 1 } else { agent.away -= 1 });
        }
    }

    /// Applies `f` to this feed's agent, forgets an agent without feeds, and notes when nobody
    /// is available any more (for [`GRACE`]).
    fn change(&self, f: impl FnOnce(&mut Agent)) {
        let tracker = self.hub.tracker();
        let mut seats = lock(&tracker.seats);
        if let Some(i) = seats.iter().position(|agent| agent.id == self.agent) {
            f(&mut seats[i]);
            if seats[i].feeds == 0 {
                seats.remove(i);
            }
        }
        if !seats.iter().any(Agent::available) {
            *lock(&tracker.left) = Some(Instant::now());
        }
        drop(seats);
        schedule(&self.hub);
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let away = u32::from(*self.away.get_mut());
        self.change(|agent| {
            agent.feeds -= 1;
            agent.away -= away;
        });
    }
}

impl Tracker {
    /// Who is there right now.
    fn now(&self) -> Presence {
        let seats = lock(&self.seats);
        let mut available = seats.iter().filter(|agent| agent.available()).peekable();
        Presence {
            online: available.peek().is_some(),
            agents: available.take(Presence::MAX_AGENTS).map(|agent| agent.name.clone()).collect(),
        }
    }

    /// What visitors were last told.
    pub(super) fn published(&self) -> Presence {
        lock(&self.published).clone()
    }

    /// The frame a new visitor socket starts with.
    pub(super) fn frame(&self) -> Option<LiveFrame> {
        lock(&self.frame).clone()
    }
}

/// Takes a seat for an agent (id, display name) while its feed is open.
pub(super) fn sit(hub: &Hub, id: &str, name: &str) -> Seat {
    {
        let mut seats = lock(&hub.tracker().seats);
        match seats.iter_mut().find(|agent| agent.id == id) {
            Some(agent) => agent.feeds += 1,
            None => seats.push(Agent { id: id.to_owned(), name: name.to_owned(), feeds: 1, away: 0 }),
        }
    }
    schedule(hub);
    Seat { hub: hub.clone(), agent: id.to_owned(), away: AtomicBool::new(false) }
}

/// Publishes after [`SETTLE`] unless a timer already runs (it will see this change too).
/// Outside a Tokio runtime (a feed dropped during shutdown) there is nobody left to tell.
fn schedule(hub: &Hub) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    if hub.tracker().pending.swap(true, Ordering::AcqRel) {
        return;
    }
    let hub = hub.clone();
    runtime.spawn(async move {
        tokio::time::sleep(SETTLE).await;
        run(&hub).await;
    });
}

/// The timer's work: publish what changed, waiting out the grace period before "away"; then
/// look once more for a change that arrived while it worked.
async fn run(hub: &Hub) {
    let tracker = hub.tracker();
    loop {
        let now = tracker.now();
        if now != tracker.published() {
            let gone_since = if now.online { None } else { *lock(&tracker.left) };
            let wait = gone_since.map_or(Duration::ZERO, |left| (left + GRACE).saturating_duration_since(Instant::now()));
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                continue;
            }
            publish(hub, now).await;
        }
        tracker.pending.store(false, Ordering::Release);
        if tracker.now() == tracker.published() || tracker.pending.swap(true, Ordering::AcqRel) {
            return;
        }
        tokio::time::sleep(SETTLE).await;
    }
}

/// Records `now` and hands one serialised frame to every visitor socket.
async fn publish(hub: &Hub, now: Presence) {
    let tracker = hub.tracker();
    let frame = ServerFrame::Presence { online: now.online, agents: now.agents.clone() };
    let text = match serde_json::to_string(&frame) {
        Ok(text) => text,
        Err(err) => return tracing::error!(error = %err, "cannot serialise a presence frame"),
    };
    let live = Arc::new(Live { conversation_id: ConversationId(uuid::Uuid::nil()), seq: 0, text: text.into() });
    *lock(&tracker.published) = now;
    *lock(&tracker.frame) = Some(Arc::clone(&live));
    hub.broadcast_visitors(&live).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlour_shared::SessionId;
    use uuid::Uuid;

    async fn next_presence(socket: &mut super::super::hub::Subscription) -> serde_json::Value {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.frames.recv()).await.unwrap().unwrap();
        serde_json::from_str(&frame.text).unwrap()
    }

    #[tokio::test]
    async fn visitors_hear_an_agent_come_and_go_once_each() {
        let hub = Hub::new();
        let mut socket = hub.subscribe_session(SessionId(Uuid::new_v4()));
        let seat = hub.agent_online("a1", "Ada");
        let again = hub.agent_online("a1", "Ada");
        let _ = &again;
        assert_eq!(next_presence(&mut socket).await, serde_json::json!({"type": "presence", "online": true, "agents": ["Ada"]}));
        assert_eq!(hub.presence(), Presence { online: true, agents: vec!["Ada".into()] });
        drop(seat);
        drop(again);
        assert_eq!(next_presence(&mut socket).await, serde_json::json!({"type": "presence", "online": false}));
        assert!(!hub.presence().online);
        assert!(socket.frames.try_recv().is_err(), "one frame per change");
        let mut late = hub.subscribe_session(SessionId(Uuid::new_v4()));
        assert_eq!(next_presence(&mut late).await["online"], false, "a new socket starts with the current presence");
    }

    #[tokio::test]
    async fn an_agent_who_steps_away_is_not_online_while_another_feed_is() {
        let hub = Hub::new();
        let mut socket = hub.subscribe_session(SessionId(Uuid::new_v4()));
        let ada = hub.agent_online("a1", "Ada");
        let bo = hub.agent_online("b1", "Bo");
        assert_eq!(next_presence(&mut socket).await["agents"], serde_json::json!(["Ada", "Bo"]));
        ada.set_away(true);
        ada.set_away(true);
        assert_eq!(next_presence(&mut socket).await["agents"], serde_json::json!(["Bo"]));
        bo.set_away(true);
        assert_eq!(next_presence(&mut socket).await, serde_json::json!({"type": "presence", "online": false}));
        drop(bo);
        ada.set_away(false);
        assert_eq!(next_presence(&mut socket).await["agents"], serde_json::json!(["Ada"]));
        drop(ada);
        assert_eq!(next_presence(&mut socket).await["online"], false);
        assert!(lock(&hub.tracker().seats).is_empty(), "nobody left behind");
    }

    #[tokio::test]
    async fn a_flapping_agent_tab_is_not_announced() {
        let hub = Hub::new();
        let seat = hub.agent_online("a1", "Ada");
        tokio::time::sleep(SETTLE * 2).await;
        let mut socket = hub.subscribe_session(SessionId(Uuid::new_v4()));
        assert_eq!(next_presence(&mut socket).await["online"], true);
        drop(seat);
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            drop(hub.agent_online("a1", "Ada"));
        }
        let seat = hub.agent_online("a1", "Ada");
        tokio::time::sleep(GRACE + SETTLE * 3).await;
        assert!(socket.frames.try_recv().is_err(), "still online: nothing to say");
        assert!(hub.presence().online);
        drop(seat);
    }
}
