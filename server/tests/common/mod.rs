//! `spawn_app()`: a real server on 127.0.0.1:0 with a fresh database (a SQLite file in a
//! temporary directory, or a fresh PostgreSQL database when `PARLOUR_TEST_POSTGRES_URL` is set),
//! and typed helpers built on the `shared` wire types. No sleeps: the server is ready when
//! `Server::build` returns, because the listener is bound before it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;

use futures_util::{SinkExt, StreamExt};
use parlour_server::config::{Config, RateLimits, Secret};
use parlour_server::Server;
use parlour_shared::agent::{AgentFrame, AgentReplyRequest};
use parlour_shared::rest::{SendMessageRequest, SendMessageResponse};
use parlour_shared::session::{InitSessionRequest, InitSessionResponse};
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{ClientMessageId, ConversationId, ErrorBody, Message, MessageBody, ProjectId};
use reqwest::StatusCode;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The agent token every test server is started with.
pub const AGENT_TOKEN: &str = "test-agent-token-0123456789abcdef";

/// A client WebSocket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A SQLite file in a fresh temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server at this URL.
    Postgres(String),
}

/// SQLite always; PostgreSQL too when `PARLOUR_TEST_POSTGRES_URL` is set.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("PARLOUR_TEST_POSTGRES_URL")
        && !url.is_empty()
    {
        all.push(Backend::Postgres(url));
    }
    all
}

/// Runs a test body once per backend, each on a fresh server and database.
pub async fn each_backend<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    each_backend_with(|_| {}, body).await;
}

/// Changes a test server's configuration before it starts (e.g. small rate limits).
pub type Configure = Arc<dyn Fn(&mut Config) + Send + Sync>;

/// [`each_backend`] with a configuration change.
pub async fn each_backend_with<C, F, Fut>(configure: C, body: F)
where
    C: Fn(&mut Config) + Send + Sync + 'static,
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let configure: Configure = Arc::new(configure);
    for backend in backends() {
        eprintln!("backend: {}", match backend { Backend::Sqlite => "sqlite", Backend::Postgres(_) => "postgres" });
        body(spawn_app_with(backend, Arc::clone(&configure)).await).await;
    }
}

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A plain HTTP client.
    pub http: reqwest::Client,
    database_url: String,
    configure: Configure,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

async fn fresh_database(backend: &Backend, dir: &tempfile::TempDir) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/data/parlour.db", dir.path().display()),
        Backend::Postgres(server) => {
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(server).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            let (scheme, rest) = server.split_once("://").unwrap();
            let (authority, query) = match rest.split_once('/') {
                Some((authority, path)) => (authority, path.split_once('?').map(|(_, q)| q)),
                None => (rest, None),
            };
            match query {
                Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
                None => format!("{scheme}://{authority}/{name}"),
            }
        }
    }
}

/// Starts a server on a fresh database.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Arc::new(|_: &mut Config| {})).await
}

/// Starts a server on a fresh database with a configuration change.
pub async fn spawn_app_with(backend: Backend, configure: Configure) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(&backend, &dir).await;
    start(database_url, dir, configure).await
}

/// A fresh database URL on `backend` (kept as long as the returned directory lives).
pub async fn fresh_database_url(backend: &Backend) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (fresh_database(backend, &dir).await, dir)
}

async fn start(database_url: String, dir: tempfile::TempDir, configure: Configure) -> TestApp {
    let assets = dir.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    std::fs::write(assets.join("index.html"), "<chat-widget project-id=\"demo\"></chat-widget>").unwrap();
    // Every flag at its default (new flags need no change here), then the test's own settings.
    let mut config = Config::try_parse_from(["parlour-server"]).unwrap();
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.database_url = database_url.clone();
    config.base_url = None;
    config.jwt_secret = None;
    config.agent_token = Some(Secret::new(AGENT_TOKEN));
    config.assets_dir = assets;
    config.rate_limits = RateLimits::On;
    config.engine.uploads_dir = dir.path().join("uploads");
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
    let server = Server::build(listener, &config).await.unwrap();
    let base = format!("http://{}", server.addr);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        server.run(async move { stopped.await.ok(); }).await.unwrap();
    });
    TestApp { base, http: reqwest::Client::new(), database_url, configure, stop: Some(stop), task: Some(task), _dir: dir }
}

/// Stops the server when the test is done. (Also makes a test body capture the whole app, not
/// just the fields it uses, so the server lives as long as the body.)
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    /// Stops the server gracefully and starts a new one on the same database.
    pub async fn restart(mut self) -> TestApp {
        self.stop.take().unwrap().send(()).unwrap();
        self.task.take().unwrap().await.unwrap();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        start(self.database_url.clone(), dir, Arc::clone(&self.configure)).await
    }

    /// `POST /v1/widget/session/init` with this raw body.
    pub async fn init_raw(&self, body: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/widget/session/init", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    /// A new session for the `demo` project.
    pub async fn init(&self) -> InitSessionResponse {
        let request = InitSessionRequest {
            project_id: ProjectId::parse("demo").unwrap(),
            widget_instance_id: "test-widget".into(),
            external_user_id: None,
            page_url: Some("http://localhost/".into()),
            host_origin: None,
            user_agent: Some("tests".into()),
            locale: Some("en-US".into()),
            user_jwt: None,
            user_hash: None,
            honeypot: None,
            name: None,
            email: None,
        };
        let response = self.init_raw(&serde_json::to_string(&request).unwrap()).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Opens the session's socket (resuming after `after`) and returns it with its `ready` frame.
    pub async fn connect(&self, session: &InitSessionResponse, after: Option<i64>) -> (Socket, ServerFrame) {
        let url = match after {
            Some(after) => format!("{}&after={after}", session.chat.ws_url),
            None => session.chat.ws_url.clone(),
        };
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let ready = next_frame(&mut socket).await;
        assert!(matches!(ready, ServerFrame::Ready { .. }), "{ready:?}");
        (socket, ready)
    }

    /// The HTTP status and error body of a refused WebSocket handshake.
    pub async fn refused_handshake(&self, url: &str) -> (u16, ErrorBody) {
        match tokio_tungstenite::connect_async(url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let body = response.body().clone().unwrap_or_default();
                (response.status().as_u16(), serde_json::from_slice(&body).unwrap())
            }
            Ok(_) => panic!("the handshake to {url} was accepted"),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }

    /// A visitor send over REST.
    pub async fn send_rest(&self, token: &str, client_id: &str, body: &str) -> (StatusCode, SendMessageResponse) {
        let request = SendMessageRequest {
            client_message_id: ClientMessageId::parse(client_id).unwrap(),
            body: Some(MessageBody::parse(body).unwrap()),
            attachment_ids: Vec::new(),
            honeypot: None,
        };
        let response = self
            .http
            .post(format!("{}/v1/widget/messages", self.base))
            .bearer_auth(token)
            .json(&request)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(status.is_success(), "{status}: {}", response.text().await.unwrap());
        (status, response.json().await.unwrap())
    }

    /// An agent reply over REST.
    pub async fn agent_reply(&self, conversation: ConversationId, client_id: &str, body: &str) -> (StatusCode, Message) {
        let request = AgentReplyRequest {
            client_message_id: ClientMessageId::parse(client_id).unwrap(),
            body: Some(MessageBody::parse(body).unwrap()),
            attachment_ids: Vec::new(),
            as_assistant: false,
        };
        let response = self
            .http
            .post(format!("{}/v1/agent/conversations/{conversation}/messages", self.base))
            .bearer_auth(AGENT_TOKEN)
            .json(&request)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(status.is_success(), "{status}: {}", response.text().await.unwrap());
        (status, response.json().await.unwrap())
    }

    /// An authenticated GET, returning status and JSON body.
    pub async fn get_json(&self, path: &str, token: &str) -> (StatusCode, serde_json::Value) {
        let response = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Opens the agents' live feed and checks its `ready` frame.
    pub async fn agent_feed(&self) -> Socket {
        let url = format!("{}/ws/agent?token={AGENT_TOKEN}", self.base.replace("http://", "ws://"));
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let ready: AgentFrame = next_json(&mut socket).await;
        assert!(matches!(ready, AgentFrame::Ready { .. }), "{ready:?}");
        socket
    }
}

/// Sends a client frame.
pub async fn send_frame(socket: &mut Socket, frame: &ClientFrame) {
    socket.send(WsMessage::text(serde_json::to_string(frame).unwrap())).await.unwrap();
}

/// A `user_message` frame.
pub fn user_message(client_id: &str, body: &str) -> ClientFrame {
    ClientFrame::UserMessage {
        client_message_id: ClientMessageId::parse(client_id).unwrap(),
        body: Some(MessageBody::parse(body).unwrap()),
        attachment_ids: Vec::new(),
    }
}

/// The next text frame, parsed (fails the test after 5 s of silence).
pub async fn next_json<T: serde::de::DeserializeOwned>(socket: &mut Socket) -> T {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("no frame within 5 s")
            .expect("socket ended")
            .expect("socket error");
        if let WsMessage::Text(text) = frame {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next visitor frame, skipping `presence` frames (they may come at any time an agent feed
/// opens or closes; `tests/presence.rs` reads them with [`next_json`]).
pub async fn next_frame(socket: &mut Socket) -> ServerFrame {
    loop {
        match next_json(socket).await {
            ServerFrame::Presence { .. } => {}
            frame => return frame,
        }
    }
}

/// The next frame, or the close that ended the socket: `Ok(frame)` / `Err(close code)`.
pub async fn next_or_close(socket: &mut Socket) -> Result<ServerFrame, u16> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("no frame within 5 s");
        match frame {
            Some(Ok(WsMessage::Text(text))) => match serde_json::from_str(&text).unwrap() {
                ServerFrame::Presence { .. } => {}
                frame => return Ok(frame),
            },
            Some(Ok(WsMessage::Close(close))) => return Err(close.map_or(1005, |c| u16::from(c.code))),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(1006),
        }
    }
}

impl TestApp {
    /// The test's temporary directory (the SQLite file, assets, `uploads/`).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The database this server runs on (for admin functions and direct reads).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The server's session-token keys, read from its database (to forge tokens it would sign).
    pub async fn keys(&self) -> parlour_server::auth::SessionKeys {
        let pool = parlour_server::db::connect(&self.database_url).await.unwrap();
        let keys = parlour_server::auth::load_keys(&pool, None).await.unwrap();
        pool.close().await;
        keys
    }
}
