//! The route table: thin handlers, one file per resource, each with its `router()`, plus the
//! layers every request passes (body limit, trace spans named by route, never by URL).

mod agent;
mod pages;
mod session;
mod sockets;
mod widget;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, Method, header};
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::error::ApiError;
use crate::state::AppState;

/// The largest request body accepted (a message is at most 5,000 characters).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole application.
pub fn app(state: AppState) -> Router {
    // The widget runs on other sites' pages; which origins may use a project is checked per
    // project (allowed domains), so CORS itself admits any origin.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("retry-after")]);
    let api = Router::new().merge(session::router()).merge(widget::router()).layer(cors);
    Router::new()
        .merge(api)
        .merge(agent::router())
        .merge(sockets::router())
        .merge(pages::router())
        .fallback_service(pages::assets(&state.assets_dir))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let route = request.extensions().get::<MatchedPath>().map_or("-", MatchedPath::as_str);
                    tracing::info_span!("http", method = %request.method(), route)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG)),
        )
        .with_state(state)
}

async fn method_not_allowed() -> ApiError {
    ApiError::InvalidRequest("method not allowed".to_owned())
}
