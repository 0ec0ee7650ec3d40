//! Sending, fetching and listing messages, for visitors (scoped to their session) and agents.

use parlour_shared::agent::{AgentProfile, AgentReplyRequest, ConversationList};
use parlour_shared::rest::{
    ConversationMessages, MAX_CONVERSATIONS_PAGE, MAX_PAGE, SendMessageRequest, SendMessageResponse, VisitorConversation,
    VisitorConversationList,
};
use parlour_shared::{
    AttachmentId, Author, AuthorKind, ClientMessageId, ConversationId, ConversationStatus, MessageBody, MessagePage, ProjectId, SessionId,
};
use serde::Deserialize;

use super::limit;
use crate::db::conversations;
use crate::db::{messages, now_ms};
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

/// What a message says: text, files, or both.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The text, if any.
    pub body: Option<MessageBody>,
    /// Uploaded files, if any.
    pub attachment_ids: Vec<AttachmentId>,
}

fn visitor_message(session_id: SessionId, project_id: &ProjectId, client_message_id: ClientMessageId, content: Content, origin: Option<u64>) -> NewMessage {
    NewMessage {
        target: Target::Session { session_id, project_id: project_id.clone() },
        client_message_id,
        author: Author { kind: AuthorKind::Visitor, name: None },
        body: content.body.map(MessageBody::into_string).unwrap_or_default(),
        attachment_ids: content.attachment_ids,
        origin,
    }
}

/// Queues a visitor's message from socket `origin` without waiting for the commit.
///
/// # Errors
/// 503 when the writer has stopped.
pub async fn submit_visitor(
    state: &AppState,
    session_id: SessionId,
    project_id: &ProjectId,
    client_message_id: ClientMessageId,
    content: Content,
    origin: u64,
) -> Result<AppendReply, ApiError> {
    Ok(state.writer.submit(visitor_message(session_id, project_id, client_message_id, content, Some(origin))).await?)
}

/// A visitor's message over REST (stored, or the original for a repeat).
///
/// # Errors
/// 400 when the honeypot is filled; database errors.
pub async fn send_visitor(state: &AppState, session: &SessionRow, req: SendMessageRequest) -> Result<SendMessageResponse, ApiError> {
    if req.honeypot.as_deref().is_some_and(|v| !v.is_empty()) {
        return Err(ApiError::InvalidRequest("refused".to_owned()));
    }
    let content = Content { body: req.body, attachment_ids: req.attachment_ids };
    let mut appended = state.writer.append(visitor_message(session.id, &session.project_id, req.client_message_id, content, None)).await?;
    state.uploads.signer.sign(&mut appended.message, now_ms());
    Ok(SendMessageResponse {
        conversation_status: appended.conversation.status,
        duplicate: appended.duplicate,
        message: appended.message,
    })
}

/// A page of the visitor's conversation after a `seq` cursor; with `resync: true` and no
/// messages when the cursor is beyond the conversation's end.
///
/// # Errors
/// 404 for another visitor's or an unknown conversation, 400 for a bad query.
pub async fn fetch_visitor(state: &AppState, session: &SessionRow, id: ConversationId, query: PageQuery) -> Result<ConversationMessages, ApiError> {
    let limit = limit(query.limit, DEFAULT_PAGE, MAX_PAGE)?;
    let after = after(query.after)?;
    let conversation = super::session::visible_conversation(state, session, id).await?;
    let resync = after > conversation.last_seq;
    let (mut messages, has_more) =
        if resync { (Vec::new(), false) } else { messages::after(&state.pool, id, after, limit).await? };
    state.uploads.signer.sign_all(&mut messages, now_ms());
    Ok(ConversationMessages {
        conversation_id: id,
        status: conversation.status,
        messages,
        has_more,
        last_seq: conversation.last_seq,
        resync,
        visitor_read_seq: conversation.visitor_read_seq,
        agent_read_seq: conversation.agent_read_seq,
    })
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
    let (count, rows) = crate::db::identities::list_visible(&state.pool, session.id, query.status, limit, query.offset.unwrap_or(0)).await?;
    let ids: Vec<ConversationId> = rows.iter().map(|r| r.id).collect();
    let ratings = crate::db::ratings::for_conversations(&state.pool, &ids).await?;
    let mut newest = messages::last_of(&state.pool, &ids).await?;
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let mut last_message = newest.remove(&row.id);
        if let Some(message) = last_message.as_mut() {
            state.uploads.signer.sign(message, now_ms());
        }
        results.push(VisitorConversation {
            id: row.id,
            status: row.status,
            last_message,
            message_count: row.last_seq,
            created_at: row.created_at,
            updated_at: row.updated_at,
            rating: ratings.get(&row.id).map(|r| r.score),
        });
    }
    Ok(VisitorConversationList { count, results })
}

/// An agent's reply (stored, or the original for a repeat).
///
/// # Errors
/// 404 for an unknown conversation; database errors.
pub async fn reply_agent(state: &AppState, agent: &AgentProfile, id: ConversationId, req: AgentReplyRequest) -> Result<Appended, ApiError> {
    let mut appended = state
        .writer
        .append(NewMessage {
            target: Target::Conversation(id),
            client_message_id: req.client_message_id,
            author: Author { kind: AuthorKind::Agent, name: Some(agent.name.clone()) },
            body: req.body.map(MessageBody::into_string).unwrap_or_default(),
            attachment_ids: req.attachment_ids,
            origin: None,
        })
        .await?;
    state.uploads.signer.sign(&mut appended.message, now_ms());
    Ok(appended)
}

/// Every conversation, newest activity first, for agents.
///
/// # Errors
/// 400 for a bad query; database errors.
pub async fn list_agent(state: &AppState, query: ListQuery) -> Result<ConversationList, ApiError> {
    let limit = limit(query.limit, DEFAULT_CONVERSATIONS, MAX_AGENT_CONVERSATIONS)?;
    let rows = conversations::list_all(&state.pool, query.status, limit).await?;
    let ids: Vec<ConversationId> = rows.iter().map(|r| r.id).collect();
    let mut ratings = crate::db::ratings::for_conversations(&state.pool, &ids).await?;
    let mut newest = messages::last_of(&state.pool, &ids).await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        let mut last = newest.remove(&row.id);
        if let Some(message) = last.as_mut() {
            state.uploads.signer.sign(message, now_ms());
        }
        let mut summary = row.summary(last);
        summary.rating = ratings.remove(&row.id);
        list.push(summary);
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
    let (mut messages, has_more) = messages::after(&state.pool, id, after, limit).await?;
    state.uploads.signer.sign_all(&mut messages, now_ms());
    Ok(MessagePage { messages, has_more })
}
