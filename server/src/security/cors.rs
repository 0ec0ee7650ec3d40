//! CORS for the widget API, per project and without credentials.
//!
//! An actual response carries `Access-Control-Allow-Origin: <origin>` only when the project the
//! request is about allows that origin: the handler (session init, or the session extractor)
//! records its origin verdict in the request's [`CorsGrant`], and [`layer`] reads it once the
//! response is ready. A request refused before any project was known (a malformed body, an
//! unknown project, a bad token, a rate limit) and every preflight (no body, no token: the project
//! is unknown) are answered for origins that *some* active project allows ([`OriginIndex`],
//! cached). `Access-Control-Allow-Credentials` is never sent: the widget authenticates with a
//! bearer token, never cookies.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::AnyPool;

use super::origin::AllowedDomains;
use crate::db::projects;
use crate::error::ApiError;
use crate::state::AppState;

/// How long the list of every active project's allowed domains is reused.
const INDEX_TTL: Duration = Duration::from_secs(10);
/// How long a browser may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "600";

// 0: no project consulted yet.
const ALLOWED: u8 = 1;
const DENIED: u8 = 2;

/// What the handler learned about the request's origin (a request extension; cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct CorsGrant(Arc<AtomicU8>);

impl CorsGrant {
    /// Records whether the request's project allows its origin.
    pub fn record(&self, allowed: bool) {
        self.0.store(if allowed { ALLOWED } else { DENIED }, Ordering::Relaxed);
    }

    /// The verdict: `Some(allowed)`, or `None` when no project was consulted.
    #[must_use]
    pub fn verdict(&self) -> Option<bool> {
        match self.0.load(Ordering::Relaxed) {
            ALLOWED => Some(true),
            DENIED => Some(false),
            _ => None,
        }
    }
}

/// Every active project's allowed domains, refreshed every few seconds.
#[derive(Debug, Default)]
pub struct OriginIndex {
    cached: Mutex<Option<(Instant, Arc<Vec<AllowedDomains>>)>>,
}

impl OriginIndex {
    /// Whether some active project allows `origin` (a project with no list allows any). A
    /// database failure answers `false`: CORS fails closed.
    pub async fn any_project_allows(&self, pool: &AnyPool, origin: &str) -> bool {
        let lists = self.lists(pool).await;
        lists.iter().any(|list| list.allows(Some(origin)))
    }

    async fn lists(&self, pool: &AnyPool) -> Arc<Vec<AllowedDomains>> {
        let now = Instant::now();
        if let Some((at, lists)) = &*self.cached.lock().unwrap_or_else(PoisonError::into_inner)
            && now.duration_since(*at) < INDEX_TTL
        {
            return Arc::clone(lists);
        }
        let lists = match projects::active_domain_lists(pool).await {
            Ok(raw) => Arc::new(
                raw.iter()
                    // A list that does not parse allows nothing (never everything).
                    .filter_map(|list| AllowedDomains::parse(list.iter().map(String::as_str)).ok())
                    .collect::<Vec<_>>(),
            ),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read allowed domains for CORS");
                return Arc::new(Vec::new());
            }
        };
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some((now, Arc::clone(&lists)));
        lists
    }
}

fn allow_origin(response: &mut Response, origin: &HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("retry-after"));
}

fn preflight(allowed: bool, origin: &HeaderValue) -> Response {
    if !allowed {
        return ApiError::DomainNotAllowed.into_response();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    allow_origin(&mut response, origin);
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization, content-type"));
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE));
    response
}

/// The paths CORS applies to: the widget API and file downloads. (The agent page and API are
/// same-origin only.)
const CROSS_ORIGIN_PATHS: [&str; 2] = ["/v1/widget/", "/v1/files/"];

/// The CORS middleware (`axum::middleware::from_fn_with_state`), for [`CROSS_ORIGIN_PATHS`].
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let Some(origin) = origin.filter(|_| CROSS_ORIGIN_PATHS.iter().any(|p| request.uri().path().starts_with(p))) else {
        return next.run(request).await; // not a cross-origin call of the widget API
    };
    let origin_text = origin.to_str().unwrap_or("null").to_owned();
    let is_preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if is_preflight {
        preflight(state.guard.origins.any_project_allows(&state.pool, &origin_text).await, &origin)
    } else {
        let grant = CorsGrant::default();
        request.extensions_mut().insert(grant.clone());
        let mut response = next.run(request).await;
        let allowed = match grant.verdict() {
            Some(allowed) => allowed,
            None => state.guard.origins.any_project_allows(&state.pool, &origin_text).await,
        };
        if allowed {
            allow_origin(&mut response, &origin);
        }
        response
    };
    response.headers_mut().append(header::VARY, HeaderValue::from_static("origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_starts_unknown_and_keeps_the_last_verdict() {
        let grant = CorsGrant::default();
        assert_eq!(grant.verdict(), None);
        grant.clone().record(true);
        assert_eq!(grant.verdict(), Some(true));
        grant.record(false);
        assert_eq!(grant.verdict(), Some(false));
    }

    #[test]
    fn a_refused_preflight_allows_no_origin() {
        let origin = HeaderValue::from_static("https://evil.example");
        let refused = preflight(false, &origin);
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        let allowed = preflight(true, &origin);
        assert_eq!(allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://evil.example");
        assert!(allowed.headers().get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    }
}
