//! Sending, fetching and listing messages, for visitors (scoped to their session) and agents.

use parlour_shared::agent::{AgentProfile, AgentReplyRequest, ConversationList};
use parlour_shared::rest::{
    ConversationMessages, MAX_CONVERSATIONS_PAGE, MAX_PAGE, SendMessageRequest, SendMessageResponse, VisitorConversation,
    VisitorConversationList,
};
use parlour_shared::{Author, AuthorKind, ClientMessageId, ConversationId, ConversationStatus, MessageBody, MessagePage};
use serde::Deserialize;

use super::limit;
use crate::db::conversations::{self, ConversationRow};
use crate::db::messages;
use crate::db::sessions::SessionRow;
use crate::db::writer::{AppendReply, Appended, NewMessage, Target};
use crate::error::ApiError;
use crate::state::AppState;

/// `?after=&limit=` of a message fetch.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// Messages with `seq` above this (default 0).
    pub after: Option<i64>,
    /// At most this many (default 100).
    pub limit: Option<u32>,
}

/// `?status=&limit=&offset=` of a conversation list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Only conversations in this status.
    pub status: Option<ConversationStatus>,
    /// At most this many.
    pub limit: Option<u32>,
    /// Skip this many (visitors only).
    pub offset: Option<u32>,
}

const DEFAULT_PAGE: u32 = 100;
const DEFAULT_CONVERSATIONS: u32 = 20;
const MAX_AGENT_CONVERSATIONS: u32 = 200;

fn visitor_message(session: &SessionRow, client_message_id: ClientMessageId, body: MessageBody, origin: Option<u64>) -> NewMessage {
    NewMessage {
        target: Target::Session { session_id: session.id, project_id: session.project_id.clone() },
        client_message_id,
        author: Author { kind: AuthorKind::Visitor, name: None },
        body: body.into_string(),
        origin,
    }
}

/// Queues a visitor's message from socket `origin` without waiting for the commit.
///
/// # Errors
/// 503 when the writer has stopped.
pub async fn submit_visitor(
    state: &AppState,
    session: &SessionRow,
    client_message_id: ClientMessageId,
    body: MessageBody,
    origin: u64,
) -> Result<AppendReply, ApiError> {
    Ok(state.writer.submit(visitor_message(session, client_message_id, body, Some(origin))).await?)
}

/// A visitor's message over REST (stored, or the original for a repeat).
///
/// # Errors
/// 400 when the honeypot is filled; database errors.
pub async fn send_visitor(state: &AppState, session: &SessionRow, req: SendMessageRequest) -> Result<SendMessageResponse, ApiError> {
    if req.honeypot.as_deref().is_some_and(|v| !v.is_empty()) {
        return Err(ApiError::InvalidRequest("refused".to_owned()));
    }
    let appended = state.writer.append(visitor_message(session, req.client_message_id, req.body, None)).await?;
    Ok(SendMessageResponse {
        conversation_status: appended.conversation.status,
        duplicate: appended.duplicate,
        message: appended.message,
    })
}

/// The conversation if it belongs to the session; 404 otherwise (never "forbidden": another
/// visitor's conversation does not exist for this one).
async fn own_conversation(state: &AppState, session: &SessionRow, id: ConversationId) -> Result<ConversationRow, ApiError> {
    conversations::find(&state.pool, id).await?.filter(|c| c.session_id == session.id).ok_or(ApiError::NotFound)
}

/// A page of the visitor's conversation after a `seq` cursor.
///
/// # Errors
/// 404 for another visitor's or an unknown conversation, 400 for a bad query.
pub async fn fetch_visitor(state: &AppState, session: &SessionRow, id: ConversationId, query: PageQuery) -> Result<ConversationMessages, ApiError> {
    let limit = limit(query.limit, DEFAULT_PAGE, MAX_PAGE)?;
    let after = after(query.after)?;
    let conversation = own_conversation(state, session, id).await?;
    let (messages, has_more) = messages::after(&state.pool, id, after, limit).await?;
    Ok(ConversationMessages { conversation_id: id, status: conversation.status, messages, has_more, last_seq: conversation.last_seq })
}

fn after(raw: Option<i64>) -> Result<i64, ApiError> {
    match raw.unwrap_or(0) {
        n if n >= 0 => Ok(n),
        _ => Err(ApiError::InvalidRequest("after must not be negative".to_owned())),
    }
}

/// The visitor's conversations, newest activity first.
///
/// # Errors
/// 400 for a bad query; database errors.
pub async fn list_visitor(state: &AppState, session: &SessionRow, query: ListQuery) -> Result<VisitorConversationList, ApiError> {
    let limit = limit(query.limit, DEFAULT_CONVERSATIONS, MAX_CONVERSATIONS_PAGE)?;
    let (count, rows) = conversations::list_for_session(&state.pool, session.id, query.status, limit, query.offset.unwrap_or(0)).await?;
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        results.push(VisitorConversation {
            id: row.id,
            status: row.status,
            last_message: messages::last(&state.pool, row.id).await?,
            message_count: row.last_seq,
            created_at: row.created_at,
            updated_at: row.updated_at,
        });
    }
    Ok(VisitorConversationList { count, results })
}

/// An agent's reply (stored, or the original for a repeat).
///
/// # Errors
/// 404 for an unknown conversation; database errors.
pub async fn reply_agent(state: &AppState, agent: &AgentProfile, id: ConversationId, req: AgentReplyRequest) -> Result<Appended, ApiError> {
    Ok(state
        .writer
        .append(NewMessage {
            target: Target::Conversation(id),
            client_message_id: req.client_message_id,
            author: Author { kind: AuthorKind::Agent, name: Some(agent.name.clone()) },
            body: req.body.into_string(),
            origin: None,
        })
        .await?)
}

/// Every conversation, newest activity first, for agents.
///
/// # Errors
/// 400 for a bad query; database errors.
pub async fn list_agent(state: &AppState, query: ListQuery) -> Result<ConversationList, ApiError> {
    let limit = limit(query.limit, DEFAULT_CONVERSATIONS, MAX_AGENT_CONVERSATIONS)?;
    let rows = conversations::list_all(&state.pool, query.status, limit).await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        let last = messages::last(&state.pool, row.id).await?;
        list.push(row.summary(last));
    }
    Ok(ConversationList { conversations: list })
}

/// A page of any conversation, for agents.
///
/// # Errors
/// 404 for an unknown conversation, 400 for a bad query.
pub async fn fetch_agent(state: &AppState, id: ConversationId, query: PageQuery) -> Result<MessagePage, ApiError> {
    let limit = limit(query.limit, DEFAULT_PAGE, MAX_PAGE)?;
    let after = after(query.after)?;
    conversations::find(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    let (messages, has_more) = messages::after(&state.pool, id, after, limit).await?;
    Ok(MessagePage { messages, has_more })
}
