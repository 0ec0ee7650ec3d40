//! The REST calls the widget makes: start a session, check a stored one, read the history, and
//! the polling transport's send, typing and read calls.

use crate::transport::fetch::Request;
use parlour_shared::session::{InitSessionRequest, InitSessionResponse, SessionStatusResponse, INIT_PATH, SESSION_PATH};
use parlour_shared::rest::{
    ContactRequest, ConversationMessages, ReadRequest, CONTACT_PATH, SendMessageRequest, SendMessageResponse, TypingRequest, CONVERSATIONS_PATH, MAX_PAGE,
    MESSAGES_PATH,
};
use parlour_shared::{ConversationId, ErrorBody};
use crate::json::FromJson;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

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

/// A REST call in flight. Boxed, so that what runs it is compiled once per call and awaited
/// through a pointer: as a plain `async fn` it was inlined, with its decoder, into every async
/// block that awaits it (`session_status` three times, `conversation_messages` three times).
pub type Call<T> = Pin<Box<dyn Future<Output = Result<T, HttpError>>>>;

/// Sends `request` and returns the answer's body as text, or the refusal with its
/// [`ErrorBody`]. The one non-generic copy of the exchange that every call shares; only the
/// encoding of a body and [`decode`] are per type.
fn exchange(request: Result<Request, HttpError>) -> Call<String> {
    Box::pin(async move {
        let response = request?.send().await.map_err(|_| HttpError::Network)?;
        if response.ok() {
            response.text().await.map_err(|_| HttpError::Decode)
        } else {
            let body = response.json::<ErrorBody>().await.ok();
            Err(HttpError::Status { status: response.status(), body })
        }
    })
}

/// `request` carrying the session's bearer `token`.
fn authorized(request: Request, token: &str) -> Request {
    let mut value = String::from("Bearer ");
    value.push_str(token);
    request.header("Authorization", &value)
}

/// `request` with `body` as its JSON body.
fn with_json<T: Serialize + ?Sized>(request: Request, body: &T) -> Result<Request, HttpError> {
    request.json_body(body).map_err(|_| HttpError::Decode)
}

/// A call whose answer is JSON of type `T`.
fn call<T: FromJson + 'static>(request: Result<Request, HttpError>) -> Call<T> {
    let answer = exchange(request);
    Box::pin(async move { decode(&answer.await?) })
}

/// A call whose answer has no body (204).
fn call_empty(request: Result<Request, HttpError>) -> Call<()> {
    let answer = exchange(request);
    Box::pin(async move { answer.await.map(drop) })
}

/// A body read by [`exchange`] as JSON of type `T`.
fn decode<T: FromJson>(text: &str) -> Result<T, HttpError> {
    crate::json::from_str(text).ok_or(HttpError::Decode)
}

/// `POST /v1/widget/session/init`.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub fn init_session(base: &str, request: &InitSessionRequest) -> Call<InitSessionResponse> {
    call(with_json(Request::post(&format!("{base}{INIT_PATH}")), request))
}

/// `GET /v1/widget/session`: whether a stored token is still accepted (401 when not).
///
/// # Errors
/// [`HttpError`]; [`HttpError::is_unauthorized`] means "start a new session".
pub fn session_status(base: &str, token: &str) -> Call<SessionStatusResponse> {
    call(Ok(authorized(Request::get(&format!("{base}{SESSION_PATH}")), token)))
}

/// `GET /v1/widget/conversations/{id}/messages?after=…&limit=500`: a page of the history.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub fn conversation_messages(base: &str, token: &str, conversation: ConversationId, after: i64) -> Call<ConversationMessages> {
    let url = format!("{base}{CONVERSATIONS_PATH}/{conversation}/messages?after={after}&limit={MAX_PAGE}");
    call(Ok(authorized(Request::get(&url), token)))
}

/// `POST /v1/widget/messages`: stores a message (a repeat of its `clientMessageId` returns the
/// original).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub fn send_message(base: &str, token: &str, request: &SendMessageRequest) -> Call<SendMessageResponse> {
    call(with_json(authorized(Request::post(&format!("{base}{MESSAGES_PATH}")), token), request))
}

/// `POST /v1/widget/contact` (204): the visitor's name, email and pre-chat fields. A refused
/// value is 400 `INVALID_REQUEST` whose message starts with the offending key (`email: …`).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub fn save_contact(base: &str, token: &str, request: &ContactRequest) -> Call<()> {
    call_empty(with_json(authorized(Request::post(&format!("{base}{CONTACT_PATH}")), token), request))
}

/// `POST /v1/widget/conversations/{id}/typing` or `…/read` (204, no body).
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub fn post_activity(base: &str, token: &str, conversation: ConversationId, what: Activity) -> Call<()> {
    let url = format!("{base}{CONVERSATIONS_PATH}/{conversation}/{}", what.path());
    let request = authorized(Request::post(&url), token);
    call_empty(match what {
        Activity::Typing(is_typing) => with_json(request, &TypingRequest { is_typing }),
        Activity::Read(seq) => with_json(request, &ReadRequest { seq }),
    })
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
pub fn list_conversations(
    base: &str,
    token: &str,
    limit: u32,
    offset: usize,
) -> Call<parlour_shared::rest::VisitorConversationList> {
    let url = format!("{base}{CONVERSATIONS_PATH}?limit={limit}&offset={offset}");
    call(Ok(authorized(Request::get(&url), token)))
}

/// `POST /v1/widget/conversations/{id}/rating` (204): the visitor rates a closed conversation.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses (409 while it is not closed).
pub fn rate(base: &str, token: &str, conversation: ConversationId, request: &parlour_shared::rest::RatingRequest) -> Call<()> {
    let url = format!("{base}{CONVERSATIONS_PATH}/{conversation}/rating");
    call_empty(with_json(authorized(Request::post(&url), token), request))
}
