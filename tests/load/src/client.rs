//! A minimal visitor client: init a session over HTTP, open its WebSocket, wait for `ready`.

use futures_util::StreamExt;
use parlour_shared::session::{INIT_PATH, InitSessionRequest, InitSessionResponse};
use parlour_shared::ws::ServerFrame;
use parlour_shared::ProjectId;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::LoadError;

/// An open visitor socket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Starts a session in `project`.
pub async fn init_session(http: &reqwest::Client, base_url: &str, project: &str) -> Result<InitSessionResponse, LoadError> {
    let request = InitSessionRequest {
        project_id: ProjectId::parse(project).map_err(|e| LoadError::Protocol(e.to_string()))?,
        widget_instance_id: uuid::Uuid::new_v4().to_string(),
        external_user_id: None,
        page_url: Some("http://127.0.0.1/load".into()),
        host_origin: None,
        user_agent: Some("parlour-load".into()),
        locale: Some("en".into()),
        user_jwt: None,
        user_hash: None,
        honeypot: None,
        name: None,
        email: None,
    };
    let response = http.post(format!("{base_url}{INIT_PATH}")).json(&request).send().await?;
    if !response.status().is_success() {
        return Err(LoadError::Protocol(format!("init answered {}: {}", response.status(), response.text().await.unwrap_or_default())));
    }
    Ok(response.json().await?)
}

/// Opens the session's WebSocket and reads frames until `ready`.
pub async fn connect(session: &InitSessionResponse) -> Result<Socket, LoadError> {
    let (mut socket, _) = tokio_tungstenite::connect_async(session.chat.ws_url.as_str()).await?;
    loop {
        match socket.next().await {
            Some(Ok(WsMessage::Text(text))) => {
                if let Ok(ServerFrame::Ready { .. }) = serde_json::from_str::<ServerFrame>(&text) {
                    return Ok(socket);
                }
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(err.into()),
            None => return Err(LoadError::Protocol("socket closed before ready".into())),
        }
    }
}
