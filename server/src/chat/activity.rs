//! Typing indicators, read receipts and status changes, both ways. Typing is ephemeral (never
//! stored, skipped for a slow socket); read positions and statuses are stored through the writer
//! and pushed live once committed: to the visitor's sockets and to every agent feed.

use parlour_shared::agent::{AgentFrame, AgentProfile, ConversationSummary};
use parlour_shared::ws::ServerFrame;
use parlour_shared::{Author, AuthorKind, ConversationId, ConversationStatus};

use crate::db::conversations::{self, ConversationRow};
use crate::db::sessions::SessionRow;
use crate::db::writer::{Reader, Update};
use crate::db::{messages, now_ms};
use crate::error::ApiError;
use crate::state::AppState;

/// The conversation if it belongs to the session; 404 otherwise.
///
/// # Errors
/// 404 for an unknown or another visitor's conversation; database errors.
pub async fn own_conversation(state: &AppState, session: &SessionRow, id: ConversationId) -> Result<ConversationRow, ApiError> {
    conversations::find(&state.pool, id).await?.filter(|c| c.session_id == session.id).ok_or(ApiError::NotFound)
}

/// Tells every agent feed the visitor is (not) typing in `conversation` (already checked to be
/// theirs).
pub fn visitor_typing(state: &AppState, conversation: ConversationId, is_typing: bool) {
    state.hub.notify_agents(conversation, &AgentFrame::Typing { conversation_id: conversation, is_typing }, true);
}

/// Moves the visitor's read position in `conversation` (already checked to be theirs) forward.
///
/// # Errors
/// 400 for a `seq` past the end; 404 for an unknown conversation; database errors.
pub async fn visitor_read(state: &AppState, conversation: ConversationId, seq: i64) -> Result<(), ApiError> {
    let updated = state.writer.update(Update::Read(conversation, Reader::Visitor, seq)).await?;
    if updated.changed {
        state.hub.notify_agents(conversation, &AgentFrame::Read { conversation_id: conversation, seq }, false);
    }
    Ok(())
}

/// Tells the visitor's sockets an agent is (not) typing.
///
/// # Errors
/// 404 for an unknown conversation; database errors.
pub async fn agent_typing(state: &AppState, agent: &AgentProfile, id: ConversationId, is_typing: bool) -> Result<(), ApiError> {
    let conversation = conversations::find(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    let author = Author { kind: AuthorKind::Agent, name: Some(agent.name.clone()) };
    state.hub.notify_session(conversation.session_id, id, &ServerFrame::Typing { author, is_typing }, true);
    Ok(())
}

/// Moves the agents' read position forward; the visitor sees `read`.
///
/// # Errors
/// 400 for a `seq` past the end; 404 for an unknown conversation; database errors.
pub async fn agent_read(state: &AppState, id: ConversationId, seq: i64) -> Result<(), ApiError> {
    let updated = state.writer.update(Update::Read(id, Reader::Agent, seq)).await?;
    if let (true, Some(conversation)) = (updated.changed, updated.conversation) {
        state.hub.notify_session(conversation.session_id, id, &ServerFrame::Read { seq }, false);
    }
    Ok(())
}

/// Sets a conversation's status; on a change the visitor sees `conversation_status` and every
/// agent feed a `conversation` frame. Returns the summary after the change.
///
/// # Errors
/// 404 for an unknown conversation; database errors.
pub async fn set_status(state: &AppState, id: ConversationId, status: ConversationStatus) -> Result<ConversationSummary, ApiError> {
    let updated = state.writer.update(Update::Status(id, status)).await?;
    let conversation = updated.conversation.ok_or(ApiError::NotFound)?;
    let mut last = messages::last(&state.pool, id).await?;
    if let Some(message) = last.as_mut() {
        state.uploads.signer.sign(message, now_ms());
    }
    let summary = conversation.summary(last);
    if updated.changed {
        state.hub.notify_session(conversation.session_id, id, &ServerFrame::ConversationStatus { conversation_id: id, status }, false);
        state.hub.notify_agents(id, &AgentFrame::Conversation { conversation: summary.clone() }, false);
    }
    Ok(summary)
}
