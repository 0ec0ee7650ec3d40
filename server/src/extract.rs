//! Extractors whose rejections are [`ApiError`]s, so a malformed body, query or path answers
//! 400 `INVALID_REQUEST` JSON (413 `PAYLOAD_TOO_LARGE` for an oversized body), never axum's
//! plain-text default. Also the client IP (behind `--trusted-proxies`), for rate limits.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body (in) or response (out).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge;
    }
    match rejection {
        JsonRejection::JsonDataError(err) => ApiError::InvalidRequest(err.body_text()),
        JsonRejection::JsonSyntaxError(_) => ApiError::InvalidRequest("the body is not valid JSON".to_owned()),
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::InvalidRequest("expected Content-Type: application/json".to_owned())
        }
        _ => ApiError::InvalidRequest("the body could not be read".to_owned()),
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A query string.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|rejection: QueryRejection| ApiError::InvalidRequest(rejection.body_text()))
    }
}

/// Path parameters; a malformed id answers 404, as no such resource can exist.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Self(p.0)).map_err(
            |rejection: PathRejection| match rejection {
                PathRejection::FailedToDeserializePathParams(_) => ApiError::NotFound,
                other => ApiError::Internal(other.body_text()),
            },
        )
    }
}

/// The client's IP address: the TCP peer, or, when the peer is a trusted proxy, the address its
/// `X-Forwarded-For` names (unspecified when the router runs without connect info, as in unit
/// tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The client IP of a request (see [`ClientIp`]).
#[must_use]
pub fn client_ip(parts: &Parts, state: &AppState) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    state.guard.proxies.client_ip(peer, forwarded.into_iter())
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts, state)))
    }
}
