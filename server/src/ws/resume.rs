//! The start of a visitor socket: `ready`, then either the exact replay of what the client missed
//! or, when that cannot be known, `resync` instead (see `parlour_shared::ws`).

use axum::extract::ws::WebSocket;
use parlour_shared::{ConversationId, SessionId};
use parlour_shared::ws::ServerFrame;

use super::chat::{Cursor, StartError, send};
use super::to_text;
use crate::db::conversations::{self, ConversationRow};
use crate::db::{messages, now_ms};
use crate::state::AppState;

/// Messages per replay query.
const REPLAY_PAGE: u32 = 200;

/// Where the client says it stands: `?conversationId=&after=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resume {
    /// The conversation its cursor belongs to (older clients send none).
    pub conversation: Option<ConversationId>,
    /// The last `seq` it has.
    pub after: i64,
}

/// What to do after `ready`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Send every message of the current conversation with `seq > after`.
    Replay(i64),
    /// The cursor cannot be honoured exactly: send `resync`.
    Resync,
}

/// Decides between replay and resync: the cursor must name the session's current conversation
/// (when it names one) and must not be beyond its end.
fn plan(current: Option<&ConversationRow>, resume: Resume) -> Plan {
    let last_seq = current.map_or(0, |c| c.last_seq);
    let same = match (resume.conversation, current) {
        (Some(asked), Some(current)) => asked == current.id,
        (Some(_), None) => false,
        (None, _) => true,
    };
    if same && resume.after <= last_seq { Plan::Replay(resume.after) } else { Plan::Resync }
}

/// Sends `ready` and the replay or `resync`; returns where the socket stands.
pub(super) async fn start(socket: &mut WebSocket, state: &AppState, session_id: SessionId, resume: Resume) -> Result<Cursor, StartError> {
    let current = conversations::current_for_session(&state.pool, session_id).await?;
    let ready = ServerFrame::Ready {
        session_id,
        conversation_id: current.as_ref().map(|c| c.id),
        last_seq: current.as_ref().map_or(0, |c| c.last_seq),
        visitor_read_seq: current.as_ref().map_or(0, |c| c.visitor_read_seq),
        agent_read_seq: current.as_ref().map_or(0, |c| c.agent_read_seq),
    };
    send(socket, to_text(&ready)).await?;
    let after = match plan(current.as_ref(), resume) {
        Plan::Replay(after) => after,
        Plan::Resync => {
            let last_seq = current.as_ref().map_or(0, |c| c.last_seq);
            send(socket, to_text(&ServerFrame::Resync { conversation_id: current.as_ref().map(|c| c.id), last_seq })).await?;
            return Ok(Cursor { conversation: current.map(|c| c.id), seq: last_seq });
        }
    };
    let Some(conversation) = current else { return Ok(Cursor { conversation: None, seq: 0 }) };
    let mut cursor = Cursor { conversation: Some(conversation.id), seq: after };
    loop {
        let (mut page, more) = messages::after(&state.pool, conversation.id, cursor.seq, REPLAY_PAGE).await?;
        state.uploads.signer.sign_all(&mut page, now_ms());
        for message in page {
            cursor.seq = message.seq;
            send(socket, to_text(&ServerFrame::Message { message })).await?;
        }
        if !more {
            return Ok(cursor);
        }
    }
}

#[cfg(test)]
mod tests {
    use parlour_shared::{ConversationStatus, ProjectId};
    use uuid::Uuid;

    use super::*;

    fn conversation(last_seq: i64) -> ConversationRow {
        ConversationRow {
            id: ConversationId(Uuid::new_v4()),
            project_id: ProjectId::parse("demo").unwrap(),
            session_id: SessionId(Uuid::new_v4()),
            status: ConversationStatus::Open,
            last_seq,
            created_at: 0,
            updated_at: 0,
            visitor_read_seq: 0,
            agent_read_seq: 0,
        }
    }

    #[test]
    fn a_cursor_within_the_current_conversation_replays() {
        let current = conversation(5);
        assert_eq!(plan(Some(&current), Resume { conversation: Some(current.id), after: 2 }), Plan::Replay(2));
        assert_eq!(plan(Some(&current), Resume { conversation: Some(current.id), after: 5 }), Plan::Replay(5));
        assert_eq!(plan(Some(&current), Resume { conversation: None, after: 0 }), Plan::Replay(0));
        assert_eq!(plan(None, Resume::default()), Plan::Replay(0));
    }

    #[test]
    fn a_cursor_that_cannot_be_honoured_asks_for_a_resync() {
        let current = conversation(5);
        let stale = Resume { conversation: Some(ConversationId(Uuid::new_v4())), after: 1 };
        assert_eq!(plan(Some(&current), stale), Plan::Resync, "another conversation");
        assert_eq!(plan(None, stale), Plan::Resync, "no conversation any more");
        assert_eq!(plan(Some(&current), Resume { conversation: Some(current.id), after: 6 }), Plan::Resync, "past the end");
        assert_eq!(plan(Some(&current), Resume { conversation: None, after: 9 }), Plan::Resync);
        assert_eq!(plan(None, Resume { conversation: None, after: 1 }), Plan::Resync);
    }
}
