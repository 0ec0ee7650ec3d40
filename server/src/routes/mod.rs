//! The route table: thin handlers, one file per resource, each with its `router()`, plus the
//! layers every request passes (body limit, trace spans named by route, never by URL).

mod agent;
mod contact;
mod pages;
mod session;
mod sockets;
mod uploads;
mod widget;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::error::ApiError;
use crate::state::AppState;

/// The largest request body accepted (a message is at most 5,000 characters).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The whole application.
pub fn app(state: AppState) -> Router {
    // The widget runs on other sites' pages: CORS answers per project (allowed domains), without
    // credentials (security::cors).
    let cors = axum::middleware::from_fn_with_state(state.clone(), crate::security::cors::layer);
    let api = Router::new().merge(session::router()).merge(widget::router()).merge(uploads::widget_router()).merge(contact::widget_router());
    Router::new()
        .merge(api)
        .merge(agent::router())
        .merge(contact::agent_router())
        .merge(uploads::agent_router())
        .merge(sockets::router())
        .merge(pages::router())
        .fallback_service(pages::assets(&state.assets_dir))
        .method_not_allowed_fallback(method_not_allowed)
        // Around the whole router (it picks the widget API by path), so preflights reach it too:
        // no route has OPTIONS, and a layer on the API routes alone never sees them.
        .layer(cors)
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
