//! The REST calls the widget makes: start a session, check a stored one, read the history, and
//! the polling transport's send, typing and read calls.

use crate::transport::fetch::Request;
use parlour_shared::session::{InitSessionRequest, InitSessionResponse, SessionStatusResponse, INIT_PATH, SESSION_PATH};
use parlour_shared::rest::{
    ContactRequest, ConversationMessages, ReadRequest, CONTACT_PATH, SendMessageRequest, SendMessageResponse, TypingRequest, CONVERSATIONS_PATH, MAX_PAGE,
    MESSAGES_PATH,
};
use parlour_shared::{ConversationId, ErrorBody};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// No answer (offline, server down, CORS refused).
    Network,
    /// The server answered with an error status and, usually, an [`ErrorBody`].
    Status {
        /// The HTTP status.
        status: u16,
        /// The parsed error body.
        body: Option<ErrorBody>,
    },
    /// The answer did not have the expected shape.
    Decode,
}

impl HttpError {
    /// The session token is no longer accepted.
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Status { status: 401, .. })
    }

    /// Retrying will not help (bad request, project unknown or off, origin not allowed).
    #[must_use]
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Status { status: 400 | 403 | 404, .. })
    }

    /// Words for the visitor.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Status { body: Some(body), .. } => body.message.clone(),
            Self::Status { status, .. } => format!("The server answered {status}."),
            Self::Network => "The chat server cannot be reached.".to_owned(),
            Self::Decode => "The chat server sent an unexpected answer.".to_owned(),
        }
    }
}

/// Sends `request` (with the session's bearer `token` when given) and returns the answer's body
/// as text, or the refusal with its [`ErrorBody`]. The one non-generic copy of the exchange that
/// every call shares (a typed `async fn` each carried its own); only the encoding of a body and
/// [`decode`] are per type.
async fn exchange(request: Request, token: Option<&str>) -> Result<String, HttpError> {
    let request = match token {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    };
    let response = request.send().await.map_err(|_| HttpError::Network)?;
    if response.ok() {
        response.text().await.map_err(|_| HttpError::Decode)
    } else {
        let body = response.json::<ErrorBody>().await.ok();
        Err(HttpError::Status { status: response.status(), body })
    }
}

/// `request` with `body` as its JSON body.
fn with_json<T: Serialize + ?Sized>(request: Request, body: &T) -> Result<Request, HttpError> {
    request.json_body(body).map_err(|_| HttpError::Decode)
}

/// A body read by [`exchange`] as JSON of type `T`.
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, HttpError> {
    crate::json::from_str(text).ok_or(HttpError::Decode)
}

/// `POST /v1/widget/session/init`.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn init_session(base: &str, request: &InitSessionRequest) -> Result<InitSessionResponse, HttpError> {
    decode(&exchange(with_json(Request::post(&format!("{base}{INIT_PATH}")), request)?, None).await?)
}

/// `GET /v1/widget/session`: whether a stored token is still accepted (401 when not).
///
/// # Errors
/// [`HttpError`]; [`HttpError::is_unauthorized`] means "start a new session".
pub async fn session_status(base: &str, token: &str) -> Result<SessionStatusResponse, HttpError> {
    decode(&exchange(Request::get(&format!("{base}{SESSION_PATH}")), Some(token)).await?)
}

/// `GET /v1/widget/conversations/{id}/messages?after=…&limit=500`: a page of the history.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn conversation_messages(
    base: &str,
    token: &str,
    conversation: ConversationId,
    after: i64,
) -> Result<ConversationMessages, HttpError> {
    let url = format!("{base}{CONVERSATIONS_PATH}/{conversation}/messages?after={after}&limit={MAX_PAGE}");
    decode(&exchange(Request::get(&url), Some(token)).await?)
}

/// `POST /v1/widget/messages`: stores a message (a repeat of its `clientMessageId` returns the
/// original).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn send_message(base: &str, token: &str, request: &SendMessageRequest) -> Result<SendMessageResponse, HttpError> {
    decode(&exchange(with_json(Request::post(&format!("{base}{MESSAGES_PATH}")), request)?, Some(token)).await?)
}

/// `POST /v1/widget/contact` (204): the visitor's name, email and pre-chat fields. A refused
/// value is 400 `INVALID_REQUEST` whose message starts with the offending key (`email: …`).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn save_contact(base: &str, token: &str, request: &ContactRequest) -> Result<(), HttpError> {
    exchange(with_json(Request::post(&format!("{base}{CONTACT_PATH}")), request)?, Some(token)).await.map(drop)
}

/// `POST /v1/widget/conversations/{id}/typing` or `…/read` (204, no body).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn post_activity(base: &str, token: &str, conversation: ConversationId, what: Activity) -> Result<(), HttpError> {
    let url = format!("{base}{CONVERSATIONS_PATH}/{conversation}/{}", what.path());
    let request = match what {
        Activity::Typing(is_typing) => with_json(Request::post(&url), &TypingRequest { is_typing })?,
        Activity::Read(seq) => with_json(Request::post(&url), &ReadRequest { seq })?,
    };
    exchange(request, Some(token)).await.map(drop)
}

/// What [`post_activity`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// The visitor started (`true`) or stopped typing.
    Typing(bool),
    /// The visitor read up to this `seq`.
    Read(i64),
}

impl Activity {
    const fn path(self) -> &'static str {
        match self {
            Self::Typing(_) => "typing",
            Self::Read(_) => "read",
        }
    }
}

/// `GET /v1/widget/conversations?limit=…&offset=…`: a page of the visitor's conversations,
/// newest activity first (the history view).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn list_conversations(
    base: &str,
    token: &str,
    limit: u32,
    offset: usize,
) -> Result<parlour_shared::rest::VisitorConversationList, HttpError> {
    let url = format!("{base}{CONVERSATIONS_PATH}?limit={limit}&offset={offset}");
    decode(&exchange(Request::get(&url), Some(token)).await?)
}

/// `POST /v1/widget/conversations/{id}/rating` (204): the visitor rates a closed conversation.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses (409 while it is not closed).
pub async fn rate(
    base: &str,
    token: &str,
    conversation: ConversationId,
    request: &parlour_shared::rest::RatingRequest,
) -> Result<(), HttpError> {
    let url = format!("{base}{CONVERSATIONS_PATH}/{conversation}/rating");
    exchange(with_json(Request::post(&url), request)?, Some(token)).await.map(drop)
}
