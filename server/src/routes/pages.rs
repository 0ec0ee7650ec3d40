//! Everything that is not the API: `/healthz`, the agent page (embedded at build time), and the
//! built widget and demo page from `--assets-dir` (precompressed `.br`/`.gz` preferred).

use std::convert::Infallible;
use std::path::Path;

use axum::Router;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

use crate::error::ApiError;
use crate::state::AppState;

const AGENT_HTML: &str = include_str!("../../assets/agent.html");
const AGENT_JS: &str = include_str!("../../assets/agent.js");

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/agent", embedded(AGENT_HTML, "text/html; charset=utf-8"))
        .route("/agent/agent.js", embedded(AGENT_JS, "text/javascript; charset=utf-8"))
}

fn embedded(body: &'static str, content_type: &'static str) -> MethodRouter<AppState> {
    get(move || async move {
        let mut response: Response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        response
    })
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The files of `dir` at `/`; anything missing (or the whole directory) answers 404 JSON.
pub(super) fn assets(dir: &Path) -> BoxCloneSyncService<axum::extract::Request, Response, Infallible> {
    let serve = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found.into_service());
    BoxCloneSyncService::new(tower::ServiceBuilder::new().map_response(IntoResponse::into_response).service(serve))
}
