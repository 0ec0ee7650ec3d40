//! Uploads and downloads: `POST /v1/widget/uploads` (visitors) and `POST /v1/agent/uploads`
//! (agents) take the raw file as the body and its name in `?name=` or `X-Filename`;
//! `GET /v1/files/{id}/{name}` serves it to its owner (Bearer session token or `?token=`), or to
//! any agent, with headers that keep a browser from running it.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, AUTHORIZATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use parlour_shared::AttachmentId;
use parlour_shared::rest::{FILENAME_HEADER, FILES_PATH, UPLOADS_PATH, UploadResponse};
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::auth::extract::{Entry, admit_visitor, agent_from_token};
use crate::auth::{AgentAuth, SessionAuth};
use crate::db::attachments::{self, AttachmentRow, Uploader};
use crate::db::{conversations, now_ms};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ClientIp};
use crate::state::AppState;
use crate::uploads::{self, sniff::Kind};

/// The visitor's upload route (under the widget's CORS layer).
pub(super) fn widget_router() -> Router<AppState> {
    Router::new().route(UPLOADS_PATH, post(upload_visitor)).route(&format!("{FILES_PATH}/{{id}}/{{name}}"), get(download))
}

/// The agents' upload route.
pub(super) fn agent_router() -> Router<AppState> {
    Router::new().route("/v1/agent/uploads", post(upload_agent))
}

#[derive(Debug, Default, Deserialize)]
struct UploadQuery {
    name: Option<String>,
}

fn file_name(query: &UploadQuery, headers: &HeaderMap) -> String {
    let raw = query.name.as_deref().map(str::as_bytes).or_else(|| headers.get(FILENAME_HEADER).map(HeaderValue::as_bytes));
    uploads::clean_name(raw)
}

fn created(state: &AppState, row: &AttachmentRow) -> (StatusCode, ApiJson<UploadResponse>) {
    let mut attachment = row.to_wire();
    attachment.url = format!("{}?token={}", attachment.url, state.uploads.signer.token(row.id, now_ms()));
    (StatusCode::CREATED, ApiJson(UploadResponse { attachment }))
}

async fn upload_visitor(
    State(state): State<AppState>,
    SessionAuth(session): SessionAuth,
    ApiQuery(query): ApiQuery<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, ApiJson<UploadResponse>), ApiError> {
    let name = file_name(&query, request.headers());
    let row = uploads::store(&state, Uploader::Session(session.id), name, request.into_body()).await?;
    Ok(created(&state, &row))
}

async fn upload_agent(
    State(state): State<AppState>,
    AgentAuth(agent): AgentAuth,
    ApiQuery(query): ApiQuery<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, ApiJson<UploadResponse>), ApiError> {
    let name = file_name(&query, request.headers());
    let row = uploads::store(&state, Uploader::Agent(agent.id), name, request.into_body()).await?;
    Ok(created(&state, &row))
}

#[derive(Debug, Default, Deserialize)]
struct DownloadQuery {
    token: Option<String>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let (scheme, token) = headers.get(AUTHORIZATION)?.to_str().ok()?.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// Whether the caller may read `row`: a live download token for it; a visitor whose session
/// uploaded it or whose conversation carries it; any agent. Everyone else gets 404.
async fn may_read(state: &AppState, row: &AttachmentRow, query: &DownloadQuery, headers: &HeaderMap, ip: std::net::IpAddr) -> Result<bool, ApiError> {
    if let Some(token) = &query.token {
        return Ok(state.uploads.signer.verify(row.id, token, now_ms()));
    }
    let token = bearer(headers).ok_or(ApiError::SessionInvalid)?;
    match admit_visitor(state, token, None, Entry { ip, headers, cors: None }).await {
        Ok(visitor) => {
            if row.uploader == Uploader::Session(visitor.session.id) {
                return Ok(true);
            }
            let Some(conversation) = row.conversation_id else { return Ok(false) };
            Ok(conversations::find(&state.pool, conversation).await?.is_some_and(|c| c.session_id == visitor.session.id))
        }
        Err(ApiError::SessionInvalid) => Ok(agent_from_token(state, token).await.is_ok()),
        Err(other) => Err(other),
    }
}

async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath((id, _name)): ApiPath<(AttachmentId, String)>,
    ApiQuery(query): ApiQuery<DownloadQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let row = attachments::find(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    if !may_read(&state, &row, &query, &headers, ip).await? || !uploads::is_inside(&state.uploads.dir, &row.storage_name) {
        return Err(ApiError::NotFound);
    }
    let kind = Kind::from_mime(&row.content_type).ok_or(ApiError::NotFound)?;
    let mut file_request = Request::new(Body::empty());
    for name in [header::RANGE, header::IF_MODIFIED_SINCE, header::IF_RANGE] {
        if let Some(value) = headers.get(&name) {
            file_request.headers_mut().insert(name, value.clone());
        }
    }
    let served = ServeFile::new(state.uploads.path(&row.storage_name))
        .oneshot(file_request)
        .await
        .map_err(|err| ApiError::Internal(format!("serving a file: {err}")))?;
    if served.status() == StatusCode::NOT_FOUND {
        return Err(ApiError::NotFound);
    }
    let mut response = served.map(Body::new).into_response();
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    out.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    out.insert(header::CONTENT_DISPOSITION, disposition(kind, &row.name));
    Ok(response)
}

/// `inline` only for raster images, `attachment` for everything else; the name as an ASCII
/// fallback and RFC 5987 UTF-8.
fn disposition(kind: Kind, name: &str) -> HeaderValue {
    let mode = if kind.inline() { "inline" } else { "attachment" };
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    HeaderValue::from_str(&format!("{mode}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_inline_and_names_are_escaped() {
        assert_eq!(disposition(Kind::Png, "cat.png"), "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png");
        let pdf = disposition(Kind::Pdf, "r\"é sumé.pdf");
        assert!(pdf.to_str().unwrap().starts_with("attachment; filename=\"r__ sum_.pdf\""), "{pdf:?}");
        assert!(pdf.to_str().unwrap().ends_with("filename*=UTF-8''r%22%C3%A9%20sum%C3%A9.pdf"), "{pdf:?}");
        assert!(disposition(Kind::Text, "a.txt").to_str().unwrap().starts_with("attachment"));
    }
}
