//! `POST /v1/widget/session/init` and `GET /v1/widget/session`.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::routing::{get, post};
use axum::Router;
use parlour_shared::session::{INIT_PATH, InitSessionRequest, InitSessionResponse, SESSION_PATH, SessionStatusResponse};

use crate::auth::SessionAuth;
use crate::chat::session::{self, Caller};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientIp};
use crate::security::cors::CorsGrant;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(INIT_PATH, post(init)).route(SESSION_PATH, get(status))
}

async fn init(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cors: Option<Extension<CorsGrant>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<InitSessionRequest>,
) -> Result<ApiJson<InitSessionResponse>, ApiError> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let cors = cors.as_ref().map(|Extension(grant)| grant);
    let mut response = session::start(&state, req, Caller { ip, origin, cors }).await?;
    // The upload limit is the server's (`--max-upload-bytes`), not a project setting.
    response.features.max_upload_bytes = state.uploads.max_bytes;
    Ok(ApiJson(response))
}

async fn status(State(state): State<AppState>, SessionAuth(row): SessionAuth) -> Result<ApiJson<SessionStatusResponse>, ApiError> {
    session::status(&state, &row).await.map(ApiJson)
}
