//! Streamed replies: a bot or AI assistant (an agent token) sends its reply piece by piece
//! (`POST /v1/agent/conversations/{id}/stream`), each piece relayed at once to the visitor's live
//! sockets as a `token` frame and never stored; the finished reply is then an ordinary agent reply
//! with the same `clientMessageId`, stored as the assistant's when `asAssistant` is set.
//!
//! Token frames go through the hub like messages (not like typing): a socket too slow for them
//! is dropped and reconnects rather than silently missing a piece, so a draft is either exact or
//! gone (the widget drops drafts on reconnect; the stored reply comes through replay).

use std::time::{Duration, Instant};

use parlour_shared::agent::{AgentProfile, AgentReplyRequest, MAX_DELTA_BYTES, StreamRequest};
use parlour_shared::ws::ServerFrame;
use parlour_shared::{Author, AuthorKind, ConversationId, ConversationStatus, MessageBody};

use crate::db::conversations;
use crate::db::now_ms;
use crate::db::writer::{Appended, NewMessage, Target};
use crate::error::ApiError;
use crate::security::rate_limit::{Rate, RateLimiter, RetryAfter};
use crate::state::AppState;

/// Pieces one agent token may stream, over all its conversations: 100 a second, in bursts of
/// 200. Enough for a language model's token rate on a few conversations at once (clients should
/// coalesce what arrives within ~50 ms); bounded so one token cannot flood visitors' sockets.
pub const DELTAS_PER_AGENT: Rate = Rate { limit: 200, period: Duration::from_secs(2) };

/// The per-agent budget for stream pieces (kept in the hub; off with `--rate-limits off`).
#[derive(Debug)]
pub struct StreamLimiter(RateLimiter<String>);

impl Default for StreamLimiter {
    fn default() -> Self {
        Self(RateLimiter::new(DELTAS_PER_AGENT))
    }
}

impl StreamLimiter {
    /// Counts one piece from `agent` at `now`.
    ///
    /// # Errors
    /// [`RetryAfter`] when the agent is over [`DELTAS_PER_AGENT`].
    pub fn check(&self, agent: &str, now: Instant) -> Result<(), RetryAfter> {
        self.0.check(&agent.to_owned(), now)
    }
}

/// Who a streamed or final reply is from: the assistant (named like the agent token's agent) or
/// the agent.
#[must_use]
pub fn author(agent: &AgentProfile, as_assistant: bool) -> Author {
    let kind = if as_assistant { AuthorKind::Assistant } else { AuthorKind::Agent };
    Author { kind, name: Some(agent.name.clone()) }
}

/// Checks a piece's size: not empty, at most [`MAX_DELTA_BYTES`].
///
/// # Errors
/// 400 for an empty delta, 413 for one over the limit.
pub fn check_delta(delta: &str) -> Result<(), ApiError> {
    if delta.is_empty() {
        return Err(ApiError::InvalidRequest("delta must not be empty".to_owned()));
    }
    if delta.len() > MAX_DELTA_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(())
}

/// Relays one piece of a reply to the visitor's live sockets as a `token` frame.
///
/// # Errors
/// 400 for an empty delta, 413 for a delta over [`MAX_DELTA_BYTES`], 429 over
/// [`DELTAS_PER_AGENT`], 404 for an unknown conversation, 409 for a closed one; database errors.
pub async fn relay(state: &AppState, agent: &AgentProfile, id: ConversationId, req: StreamRequest) -> Result<(), ApiError> {
    check_delta(&req.delta)?;
    if state.guard.limits.is_some() {
        state.hub.stream_limiter().check(&agent.id, Instant::now())?;
    }
    let conversation = conversations::find(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    if conversation.status == ConversationStatus::Closed {
        return Err(ApiError::Conflict("the conversation is closed"));
    }
    let frame = ServerFrame::Token {
        conversation_id: id,
        client_message_id: req.client_message_id,
        author: author(agent, req.as_assistant),
        delta: req.delta,
    };
    state.hub.notify_session(conversation.session_id, id, &frame, false);
    Ok(())
}

/// Stores a reply as the assistant's (`asAssistant: true`): the end of a stream, or a bot's
/// one-shot answer. Idempotent per `clientMessageId` like every reply.
///
/// # Errors
/// 404 for an unknown conversation; database errors.
pub async fn reply_as_assistant(
    state: &AppState,
    agent: &AgentProfile,
    id: ConversationId,
    req: AgentReplyRequest,
) -> Result<Appended, ApiError> {
    let mut appended = state
        .writer
        .append(NewMessage {
            target: Target::Conversation(id),
            client_message_id: req.client_message_id,
            author: author(agent, true),
            body: req.body.map(MessageBody::into_string).unwrap_or_default(),
            attachment_ids: req.attachment_ids,
            origin: None,
        })
        .await?;
    state.uploads.signer.sign(&mut appended.message, now_ms());
    Ok(appended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_must_be_non_empty_and_at_most_4096_bytes() {
        assert!(matches!(check_delta(""), Err(ApiError::InvalidRequest(_))));
        assert!(check_delta(" ").is_ok(), "white space is a legitimate piece");
        assert!(check_delta(&"é".repeat(MAX_DELTA_BYTES / 2)).is_ok());
        assert!(matches!(check_delta(&"é".repeat(MAX_DELTA_BYTES / 2 + 1)), Err(ApiError::PayloadTooLarge)));
    }

    #[test]
    fn the_budget_allows_bursts_of_200_per_agent_then_refuses() {
        let limiter = StreamLimiter::default();
        let now = Instant::now();
        for _ in 0..200 {
            limiter.check("bot", now).unwrap();
        }
        assert!(limiter.check("bot", now).is_err());
        assert!(limiter.check("other", now).is_ok());
        assert!(limiter.check("bot", now + Duration::from_millis(10)).is_ok(), "100 a second refill");
    }

    #[test]
    fn the_author_is_the_assistant_only_when_asked() {
        let agent = AgentProfile { id: "a".into(), name: "Helper".into() };
        assert_eq!(author(&agent, true).kind, AuthorKind::Assistant);
        assert_eq!(author(&agent, false), Author { kind: AuthorKind::Agent, name: Some("Helper".into()) });
    }
}
