//! Everything that is not the API: `/healthz`, the agent page (embedded at build time), and the
//! built widget and demo page from `--assets-dir` (precompressed `.br`/`.gz` preferred).
//!
//! Caching of the widget (any site may load it, so every widget file carries
//! `Access-Control-Allow-Origin: *` — module scripts and `fetch` of the wasm are CORS requests):
//! - the loader, `/widget/loader.js` (and its old name `/chat-widget.js`), has a stable URL: it
//!   is cached for 5 minutes and revalidated with an `ETag` (`304` on `If-None-Match`);
//! - everything else under `/widget/` has a content hash in its name: cached for a year,
//!   `immutable`.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

use crate::error::ApiError;
use crate::state::AppState;

const AGENT_HTML: &str = include_str!("../../assets/agent.html");
const AGENT_JS: &str = include_str!("../../assets/agent.js");

/// The loader's stable URLs (the second is the old name, kept for pages that still use it).
const LOADER_PATHS: [&str; 2] = ["/widget/loader.js", "/chat-widget.js"];
/// Where the content-hashed widget files live.
const WIDGET_PREFIX: &str = "/widget/";
/// The loader: short, so a new release reaches every site within minutes.
const LOADER_CACHE: &str = "public, max-age=300";
/// Content-hashed files never change.
const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";

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
pub(super) fn assets(dir: &Path) -> BoxCloneSyncService<Request, Response, Infallible> {
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .not_found_service(not_found.into_service());
    let dir = dir.to_path_buf();
    BoxCloneSyncService::new(tower::service_fn(move |request: Request| {
        let files = files.clone();
        let dir = dir.clone();
        async move {
            let path = request.uri().path().to_owned();
            if let Some(loader) = LOADER_PATHS.iter().find(|p| **p == path) {
                let (parts, _) = request.into_parts();
                return Ok(loader_file(&dir, loader, &parts.method, &parts.headers).await);
            }
            let mut response = files.oneshot(request).await.map(IntoResponse::into_response)?;
            if path.starts_with(WIDGET_PREFIX) {
                widget_headers(&mut response, IMMUTABLE_CACHE);
            }
            Ok::<_, Infallible>(response)
        }
    }))
}

/// CORS for any site, `Vary`, and the cache lifetime — the last only on success, so a missing
/// hashed file is not cached for a year.
fn widget_headers(response: &mut Response, cache: &'static str) {
    let ok = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.get_all(header::VARY).iter().any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))) {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if ok {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
}

/// The loader at `url_path`: short cache, an `ETag` (the same for every encoding, so weak), `304`
/// when the browser has it, the `.br`/`.gz` sibling when accepted.
async fn loader_file(dir: &Path, url_path: &str, method: &Method, headers: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return ApiError::NotFound.into_response();
    }
    let file = dir.join(url_path.trim_start_matches('/'));
    let Ok(plain) = tokio::fs::read(&file).await else {
        return ApiError::NotFound.into_response();
    };
    let etag = weak_etag(&plain);
    let mut response = if if_none_match(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, encoding) = pick_encoding(&file, plain, headers).await;
        let mut response = Response::new(Body::from(body));
        let out = response.headers_mut();
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
        if let Some(encoding) = encoding {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    widget_headers(&mut response, LOADER_CACHE);
    response
}

/// `W/"<first 16 bytes of SHA-256, hex>"` of the uncompressed file.
fn weak_etag(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (weak comparison) or is `*`.
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
        let tag = tag.trim();
        tag == "*" || tag.trim_start_matches("W/") == bare
    })
}

/// The best precompressed sibling the client accepts (`br`, then `gzip`), else the plain file.
async fn pick_encoding(file: &Path, plain: Vec<u8>, headers: &HeaderMap) -> (Vec<u8>, Option<&'static str>) {
    for (token, suffix) in [("br", "br"), ("gzip", "gz")] {
        if accepts(headers, token)
            && let Ok(body) = tokio::fs::read(sibling(file, suffix)).await
        {
            return (body, Some(token));
        }
    }
    (plain, None)
}

fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether `Accept-Encoding` lists `token` with a non-zero quality.
fn accepts(headers: &HeaderMap, token: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name_matches = parts.next().is_some_and(|n| n.eq_ignore_ascii_case(token));
        let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
        name_matches && !refused
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn accept_encoding_honours_quality_zero() {
        assert!(accepts(&headers(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd"), "br"));
        assert!(!accepts(&headers(header::ACCEPT_ENCODING, "gzip, br;q=0"), "br"));
        assert!(accepts(&headers(header::ACCEPT_ENCODING, "gzip, br;q=0"), "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists() {
        let tag = weak_etag(b"x");
        assert!(if_none_match(&headers(header::IF_NONE_MATCH, &tag), &tag));
        assert!(if_none_match(&headers(header::IF_NONE_MATCH, &format!("\"a\", {}", tag.trim_start_matches("W/"))), &tag));
        assert!(if_none_match(&headers(header::IF_NONE_MATCH, "*"), &tag));
        assert!(!if_none_match(&headers(header::IF_NONE_MATCH, "W/\"other\""), &tag));
    }
}
