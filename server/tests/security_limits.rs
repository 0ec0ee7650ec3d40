//! Rate limits (configured small here), the socket frame rate and per-IP socket cap, trusted
//! proxies, and the header-read timeout that cuts off slow-header clients.

#![allow(clippy::unwrap_used)]

mod common;
mod security_support;

use std::time::{Duration, Instant};

use common::{TestApp, each_backend_with, next_or_close, send_frame, user_message};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use parlour_server::config::RateLimits;
use parlour_shared::ErrorCode;
use parlour_shared::ws::{ClientFrame, ServerFrame};
use reqwest::StatusCode;
use security_support::{error_of, init, init_body};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn rate(raw: &str) -> parlour_server::security::rate_limit::Rate {
    raw.parse().unwrap()
}

/// Asserts a 429 `RATE_LIMITED` with a whole-seconds `Retry-After` and a plain error body.
async fn assert_rate_limited(response: reqwest::Response) {
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMITED")));
    assert_eq!(body.as_object().unwrap().len(), 2, "only code and message: {body}");
}

#[tokio::test]
async fn an_init_flood_from_one_ip_is_rate_limited_with_retry_after() {
    each_backend_with(|c| c.limits.init_per_ip = rate("3/min"), |app: TestApp| async move {
        for _ in 0..3 {
            assert_eq!(init(&app, &init_body("demo", &json!({})), None).await.status(), StatusCode::OK);
        }
        assert_rate_limited(init(&app, &init_body("demo", &json!({})), None).await).await;
    })
    .await;
}

#[tokio::test]
async fn inits_of_one_project_are_rate_limited_across_ips() {
    each_backend_with(|c| c.limits.init_per_project = rate("2/min"), |app: TestApp| async move {
        for _ in 0..2 {
            assert_eq!(init(&app, &init_body("demo", &json!({})), None).await.status(), StatusCode::OK);
        }
        assert_rate_limited(init(&app, &init_body("demo", &json!({})), None).await).await;
    })
    .await;
}

#[tokio::test]
async fn a_rest_send_flood_is_rate_limited_per_visitor_and_spares_other_visitors() {
    each_backend_with(|c| c.limits.messages_per_visitor = rate("3/min"), |app: TestApp| async move {
        let flooder = app.init().await;
        for i in 0..3 {
            app.send_rest(&flooder.session_token, &format!("c{i}"), "spam").await;
        }
        let refused = app.http.post(format!("{}/v1/widget/messages", app.base)).bearer_auth(&flooder.session_token)
            .json(&json!({"clientMessageId": "c9", "body": "spam"})).send().await.unwrap();
        assert_rate_limited(refused).await;
        let bystander = app.init().await;
        app.send_rest(&bystander.session_token, "c1", "hello").await;
    })
    .await;
}

#[tokio::test]
async fn visitor_requests_from_one_ip_are_rate_limited() {
    each_backend_with(|c| c.limits.requests_per_ip = rate("4/min"), |app: TestApp| async move {
        let session = app.init().await;
        for _ in 0..4 {
            assert_eq!(app.get_json("/v1/widget/session", &session.session_token).await.0, StatusCode::OK);
        }
        let response = app.http.get(format!("{}/v1/widget/session", app.base)).bearer_auth(&session.session_token).send().await.unwrap();
        assert_rate_limited(response).await;
    })
    .await;
}

#[tokio::test]
async fn a_socket_frame_flood_gets_error_frames_then_close_4429() {
    each_backend_with(|c| c.limits.ws_frames = rate("5/s"), |app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        for _ in 0..60 {
            if socket.feed(tokio_tungstenite::tungstenite::Message::text(r#"{"type":"ping"}"#)).await.is_err() {
                break;
            }
        }
        let _ = socket.flush().await;
        let (mut pongs, mut refusals) = (0, 0);
        let close = loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), futures_util::StreamExt::next(&mut socket)).await.unwrap();
            match frame {
                Some(Ok(WsMessage::Text(text))) => match serde_json::from_str::<ServerFrame>(&text).unwrap() {
                    ServerFrame::Pong => pongs += 1,
                    ServerFrame::Error { code: ErrorCode::RateLimited, .. } => refusals += 1,
                    _ => {}
                },
                Some(Ok(WsMessage::Close(close))) => break close.map_or(1005, |c| u16::from(c.code)),
                Some(Ok(_)) => {}
                other => panic!("{other:?} after {pongs} pongs, {refusals} refusals"),
            }
        };
        assert!(pongs >= 5 && refusals >= 10, "{pongs} pongs, {refusals} refusals, close {close}");
        assert_eq!(close, 4429);
    })
    .await;
}

#[tokio::test]
async fn socket_messages_count_against_the_visitors_message_limit() {
    each_backend_with(|c| c.limits.messages_per_visitor = rate("2/min"), |app: TestApp| async move {
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        for i in 0..3 {
            send_frame(&mut socket, &user_message(&format!("m{i}"), "hi")).await;
        }
        let mut outcomes = Vec::new();
        while outcomes.len() < 3 {
            match next_or_close(&mut socket).await.unwrap() {
                ServerFrame::Ack { .. } => outcomes.push("ack"),
                ServerFrame::Error { code: ErrorCode::RateLimited, client_message_id, .. } => {
                    assert_eq!(client_message_id.unwrap().as_str(), "m2");
                    outcomes.push("limited");
                }
                _ => {}
            }
        }
        outcomes.sort_unstable();
        assert_eq!(outcomes, ["ack", "ack", "limited"]);
        send_frame(&mut socket, &ClientFrame::Ping).await;
    })
    .await;
}

#[tokio::test]
async fn too_many_sockets_from_one_ip_are_refused_with_429_before_the_upgrade() {
    each_backend_with(|c| c.limits.max_sockets_per_ip = 2, |app: TestApp| async move {
        let session = app.init().await;
        let _first = app.connect(&session, None).await;
        let _second = app.connect(&session, None).await;
        let (status, body) = app.refused_handshake(&session.chat.ws_url).await;
        assert_eq!((status, body.code), (429, ErrorCode::RateLimited));
    })
    .await;
}

#[tokio::test]
async fn x_forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    let forwarded = |app: &TestApp, ip: &'static str| {
        app.http.post(format!("{}/v1/widget/session/init", app.base)).header("x-forwarded-for", ip).json(&init_body("demo", &json!({}))).send()
    };
    each_backend_with(
        |c| {
            c.limits.init_per_ip = rate("1/min");
            c.limits.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        },
        |app: TestApp| async move {
            assert_eq!(forwarded(&app, "198.51.100.1").await.unwrap().status(), StatusCode::OK);
            assert_eq!(forwarded(&app, "198.51.100.1").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(forwarded(&app, "198.51.100.2").await.unwrap().status(), StatusCode::OK);
        },
    )
    .await;
    each_backend_with(|c| c.limits.init_per_ip = rate("1/min"), |app: TestApp| async move {
        assert_eq!(forwarded(&app, "198.51.100.1").await.unwrap().status(), StatusCode::OK);
        // An untrusted peer cannot dodge its limit by naming another address.
        let (status, body) = error_of(forwarded(&app, "198.51.100.2").await.unwrap()).await;
        assert_eq!((status, body.code), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited));
    })
    .await;
}

#[tokio::test]
async fn rate_limits_off_lets_every_request_through() {
    each_backend_with(
        |c| {
            c.limits.init_per_ip = rate("1/min");
            c.rate_limits = RateLimits::Off;
        },
        |app: TestApp| async move {
            for _ in 0..5 {
                assert_eq!(init(&app, &init_body("demo", &json!({})), None).await.status(), StatusCode::OK);
            }
        },
    )
    .await;
}

/// Reads until the server closes the connection; how long that took.
async fn time_until_closed(stream: &mut tokio::net::TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0_u8; 1024];
    let outcome = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {} // e.g. a 408 before the close
            }
        }
    })
    .await;
    assert!(outcome.is_ok(), "the connection was still open after 10 s");
    started.elapsed()
}

#[tokio::test]
async fn a_slow_header_client_is_cut_off_and_a_silent_one_too() {
    each_backend_with(|c| c.limits.header_read_timeout = Duration::from_millis(500), |app: TestApp| async move {
        let addr = app.base.trim_start_matches("http://").to_owned();
        let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
        slow.write_all(b"GET /healthz HT").await.unwrap();
        assert!(time_until_closed(&mut slow).await < Duration::from_secs(5));
        let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
        assert!(time_until_closed(&mut silent).await < Duration::from_secs(5));
        let mut slow_headers = tokio::net::TcpStream::connect(&addr).await.unwrap();
        slow_headers.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
        assert!(time_until_closed(&mut slow_headers).await < Duration::from_secs(5));
        // Honest clients are unaffected, sockets included.
        let ok = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        let session = app.init().await;
        let (mut socket, _) = app.connect(&session, None).await;
        send_frame(&mut socket, &ClientFrame::Ping).await;
        assert!(matches!(next_or_close(&mut socket).await, Ok(ServerFrame::Pong)));
    })
    .await;
}
