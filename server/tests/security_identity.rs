//! End-user identity verification (seed 001): host-signed JWTs and `userHash`, per-project
//! modes, secret rotation, history linked only by a verified user, and token kinds kept apart.

#![allow(clippy::unwrap_used)]

mod common;
mod security_support;

use common::{AGENT_TOKEN, TestApp, each_backend};
use parlour_server::security::identity::{IdentityMode, IdentitySecret, user_hash};
use parlour_shared::ErrorCode;
use parlour_shared::rest::VisitorConversationList;
use reqwest::StatusCode;
use security_support::{add_project, claims, error_of, forged_header_jwt, host_jwt, init, init_body, init_ok, now, rotate};
use serde_json::json;

#[tokio::test]
async fn a_required_project_refuses_an_init_without_a_token_and_accepts_a_good_one() {
    each_backend(|app: TestApp| async move {
        let secret = add_project(&app, "shop", &[], IdentityMode::Required).await.unwrap();
        let (status, body) = error_of(init(&app, &init_body("shop", &json!({})), None).await).await;
        assert_eq!((status, body.code), (StatusCode::UNAUTHORIZED, ErrorCode::JwtRequired));
        let token = host_jwt(&secret, &claims("shop", "user-42"));
        let session = init_ok(&app, &init_body("shop", &json!({"userJwt": token})), None).await;
        let (status, _) = app.get_json("/v1/widget/session", &session.session_token).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn forged_expired_misdirected_and_algorithm_game_tokens_are_jwt_invalid() {
    each_backend(|app: TestApp| async move {
        let secret = add_project(&app, "shop", &[], IdentityMode::Required).await.unwrap();
        let good = claims("shop", "user-42");
        let with = |claim: &str, value: serde_json::Value| {
            let mut c = good.clone();
            c[claim] = value;
            c
        };
        let header = |alg: &str| json!({"alg": alg, "typ": "JWT"});
        let payload = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, good.to_string());
        let hs512 = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
            &good,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap();
        let cases = [
            ("signed with another key", host_jwt("another secret that is long enough, 32+ bytes", &good)),
            ("expired", host_jwt(&secret, &with("exp", json!(now() - 3600)))),
            ("wrong audience", host_jwt(&secret, &with("aud", json!("parlour-session")))),
            ("wrong org_id", host_jwt(&secret, &with("org_id", json!("demo")))),
            ("empty issuer", host_jwt(&secret, &with("iss", json!("")))),
            ("alg none", format!("{}.{payload}.", base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header("none").to_string()))),
            ("HS512", hs512),
            ("RS256 header over an HMAC signature", forged_header_jwt(&header("RS256"), &secret, &good)),
            ("garbage", "not.a.jwt".to_owned()),
        ];
        for (what, token) in cases {
            let (status, body) = error_of(init(&app, &init_body("shop", &json!({"userJwt": token})), None).await).await;
            assert_eq!((status, body.code), (StatusCode::UNAUTHORIZED, ErrorCode::JwtInvalid), "{what}");
        }
        // The control: the same header trick with the honest algorithm verifies.
        let honest = forged_header_jwt(&header("HS256"), &secret, &good);
        init_ok(&app, &init_body("shop", &json!({"userJwt": honest})), None).await;
    })
    .await;
}

#[tokio::test]
async fn tokens_signed_with_either_rotating_secret_verify_and_a_retired_one_is_refused() {
    each_backend(|app: TestApp| async move {
        let first = add_project(&app, "shop", &[], IdentityMode::Required).await.unwrap();
        let second = rotate(&app, "shop").await;
        let third = rotate(&app, "shop").await;
        for secret in [&second, &third] {
            let token = host_jwt(secret, &claims("shop", "user-42"));
            init_ok(&app, &init_body("shop", &json!({"userJwt": token})), None).await;
        }
        let retired = host_jwt(&first, &claims("shop", "user-42"));
        let (status, body) = error_of(init(&app, &init_body("shop", &json!({"userJwt": retired})), None).await).await;
        assert_eq!((status, body.code), (StatusCode::UNAUTHORIZED, ErrorCode::JwtInvalid));
    })
    .await;
}

#[tokio::test]
async fn a_user_hash_verifies_the_external_user_id_and_a_wrong_one_is_refused() {
    each_backend(|app: TestApp| async move {
        let secret = add_project(&app, "shop", &[], IdentityMode::Optional).await.unwrap();
        let hash = user_hash(&IdentitySecret::new(secret.into_bytes()).unwrap(), "user-42");
        init_ok(&app, &init_body("shop", &json!({"externalUserId": "user-42", "userHash": hash})), None).await;
        let (status, body) =
            error_of(init(&app, &init_body("shop", &json!({"externalUserId": "user-43", "userHash": hash})), None).await).await;
        assert_eq!((status, body.code), (StatusCode::UNAUTHORIZED, ErrorCode::JwtInvalid));
        // Optional mode: no proof at all is an anonymous session.
        init_ok(&app, &init_body("shop", &json!({})), None).await;
    })
    .await;
}

#[tokio::test]
async fn a_verified_user_sees_their_history_from_another_device_but_a_claimed_id_links_nothing() {
    each_backend(|app: TestApp| async move {
        let secret = add_project(&app, "shop", &[], IdentityMode::Optional).await.unwrap();
        let token = || host_jwt(&secret, &claims("shop", "user-42"));
        let laptop = init_ok(&app, &init_body("shop", &json!({"userJwt": token()})), None).await;
        let sent = app.send_rest(&laptop.session_token, "c1", "from my laptop").await.1;
        let conversation = sent.message.conversation_id;

        let phone = init_ok(&app, &init_body("shop", &json!({"userJwt": token()})), None).await;
        let (status, body) = app.get_json("/v1/widget/conversations", &phone.session_token).await;
        assert_eq!(status, StatusCode::OK);
        let list: VisitorConversationList = serde_json::from_value(body).unwrap();
        assert_eq!(list.results.iter().map(|c| c.id).collect::<Vec<_>>(), vec![conversation]);
        let (status, _) = app.get_json(&format!("/v1/widget/conversations/{conversation}/messages"), &phone.session_token).await;
        assert_eq!(status, StatusCode::OK);

        // Claiming the same id without a proof links nothing.
        let impostor = init_ok(&app, &init_body("shop", &json!({"externalUserId": "user-42"})), None).await;
        let (_, body) = app.get_json("/v1/widget/conversations", &impostor.session_token).await;
        assert_eq!(serde_json::from_value::<VisitorConversationList>(body).unwrap().count, 0);
        let (status, body) = app.get_json(&format!("/v1/widget/conversations/{conversation}/messages"), &impostor.session_token).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));

        // Another verified user of the same project sees nothing either.
        let other = init_ok(&app, &init_body("shop", &json!({"userJwt": host_jwt(&secret, &claims("shop", "user-7"))})), None).await;
        let (_, body) = app.get_json("/v1/widget/conversations", &other.session_token).await;
        assert_eq!(serde_json::from_value::<VisitorConversationList>(body).unwrap().count, 0);
    })
    .await;
}

#[tokio::test]
async fn a_session_without_a_verified_user_is_refused_by_a_required_projects_rest_and_socket() {
    each_backend(|app: TestApp| async move {
        add_project(&app, "shop", &[], IdentityMode::Required).await.unwrap();
        // A well-signed session token of this server for that project, but with no verified user
        // (as a session started while the project was optional would have).
        let keys = app.keys().await;
        let anonymous = init_ok(&app, &init_body("demo", &json!({})), None).await;
        let session_id = anonymous.session_id;
        let pool = security_support::pool(&app).await;
        sqlx::query("UPDATE sessions SET project_id = 'shop' WHERE id = $1").bind(session_id.to_string()).execute(&pool).await.unwrap();
        pool.close().await;
        let project = parlour_shared::ProjectId::parse("shop").unwrap();
        let (token, _) = keys.issue(session_id, &project, now()).unwrap();
        let (status, body) = app.get_json("/v1/widget/conversations", &token).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("JWT_REQUIRED")));
        let url = format!("{}/ws/chat?sessionId={session_id}&token={token}", app.base.replace("http://", "ws://"));
        let (status, body) = app.refused_handshake(&url).await;
        assert_eq!((status, body.code), (401, ErrorCode::JwtRequired));
    })
    .await;
}

#[tokio::test]
async fn a_host_identity_token_is_accepted_neither_as_a_session_token_nor_as_an_agent_token() {
    each_backend(|app: TestApp| async move {
        let secret = add_project(&app, "shop", &[], IdentityMode::Required).await.unwrap();
        let host = host_jwt(&secret, &claims("shop", "user-42"));
        let session = init_ok(&app, &init_body("shop", &json!({"userJwt": host.clone()})), None).await;
        let ws = app.base.replace("http://", "ws://");

        let (status, body) = app.get_json("/v1/widget/conversations", &host).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("SESSION_INVALID")));
        let (status, body) = app.refused_handshake(&format!("{ws}/ws/chat?sessionId={}&token={host}", session.session_id)).await;
        assert_eq!((status, body.code), (401, ErrorCode::SessionInvalid));

        let (status, body) = app.get_json("/v1/agent/me", &host).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("JWT_INVALID")));
        let (status, body) = app.refused_handshake(&format!("{ws}/ws/agent?token={host}")).await;
        assert_eq!((status, body.code), (401, ErrorCode::JwtInvalid));
    })
    .await;
}

#[tokio::test]
async fn session_and_agent_tokens_are_refused_in_each_others_place_and_as_identity_proofs() {
    each_backend(|app: TestApp| async move {
        add_project(&app, "shop", &[], IdentityMode::Required).await.unwrap();
        let session = app.init().await;
        let (status, _) = app.get_json("/v1/agent/conversations", &session.session_token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = app.get_json("/v1/widget/conversations", AGENT_TOKEN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("SESSION_INVALID")));
        for proof in [session.session_token.as_str(), AGENT_TOKEN] {
            let (status, body) = error_of(init(&app, &init_body("shop", &json!({"userJwt": proof})), None).await).await;
            assert_eq!((status, body.code), (StatusCode::UNAUTHORIZED, ErrorCode::JwtInvalid));
        }
    })
    .await;
}
