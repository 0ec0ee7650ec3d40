//! Satisfaction ratings: the visitor rates a closed conversation (1–5 and an optional comment);
//! agents see it in their list and live as a `conversation` frame.

use parlour_shared::agent::AgentFrame;
use parlour_shared::rest::RatingRequest;
use parlour_shared::{ConversationId, ConversationStatus};

use crate::db::sessions::SessionRow;
use crate::db::{messages, now_ms, ratings};
use crate::error::ApiError;
use crate::state::AppState;

/// Stores the visitor's rating of a conversation they may see (rating again overwrites) and
/// tells every agent feed.
///
/// # Errors
/// 400 for a score outside 1..=5 or a comment over 1000 characters, 404 for a conversation that
/// is not the visitor's, 409 while it is not closed; database errors.
pub async fn rate(state: &AppState, session: &SessionRow, id: ConversationId, req: &RatingRequest) -> Result<(), ApiError> {
    let (score, comment) = req.checked().map_err(|why| ApiError::InvalidRequest(why.to_owned()))?;
    let conversation = super::session::visible_conversation(state, session, id).await?;
    if conversation.status != ConversationStatus::Closed {
        return Err(ApiError::Conflict("only a closed conversation can be rated"));
    }
    ratings::upsert(&state.pool, id, score, comment, now_ms()).await?;
    let mut last = messages::last(&state.pool, id).await?;
    if let Some(message) = last.as_mut() {
        state.uploads.signer.sign(message, now_ms());
    }
    let mut summary = conversation.summary(last);
    summary.rating = ratings::find(&state.pool, id).await?;
    state.hub.notify_agents(id, &AgentFrame::Conversation { conversation: summary }, false);
    Ok(())
}
