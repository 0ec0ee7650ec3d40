//! The REST calls the widget makes: start a session, check a stored one, read the history.

use gloo_net::http::{Request, Response};
use parlour_shared::session::{InitSessionRequest, InitSessionResponse, SessionStatusResponse, INIT_PATH, SESSION_PATH};
use parlour_shared::rest::{ConversationMessages, CONVERSATIONS_PATH, MAX_PAGE};
use parlour_shared::{ConversationId, ErrorBody};
use serde::de::DeserializeOwned;

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

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, HttpError> {
    let response = sent.map_err(|_| HttpError::Network)?;
    if response.ok() {
        response.json::<T>().await.map_err(|_| HttpError::Decode)
    } else {
        let body = response.json::<ErrorBody>().await.ok();
        Err(HttpError::Status { status: response.status(), body })
    }
}

/// `POST /v1/widget/session/init`.
///
/// # Errors
/// [`HttpError`] when the server cannot be reached or refuses.
pub async fn init_session(base: &str, request: &InitSessionRequest) -> Result<InitSessionResponse, HttpError> {
    let built = Request::post(&format!("{base}{INIT_PATH}")).json(request).map_err(|_| HttpError::Decode)?;
    read(built.send().await).await
}

/// `GET /v1/widget/session`: whether a stored token is still accepted (401 when not).
///
/// # Errors
/// [`HttpError`]; [`HttpError::is_unauthorized`] means "start a new session".
pub async fn session_status(base: &str, token: &str) -> Result<SessionStatusResponse, HttpError> {
    let sent = Request::get(&format!("{base}{SESSION_PATH}"))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await;
    read(sent).await
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
    let sent = Request::get(&url).header("Authorization", &format!("Bearer {token}")).send().await;
    read(sent).await
}
