//! The real binary at `RUST_LOG=trace` never logs a token, a secret, a message body, an email or
//! anything from `user_data`: a whole conversation (init with a host identity token, a socket
//! message, a REST message, an agent reply) is driven against it and its stderr is searched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod security_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{Backend, backends, fresh_database_url, next_frame, send_frame, user_message};
use parlour_shared::ClientMessageId;
use parlour_shared::session::InitSessionResponse;
use parlour_shared::ws::ServerFrame;
use security_support::{host_jwt, init_body, now};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_parlour-server");
const AGENT_TOKEN: &str = "log-test-agent-token-0123456789abcdef";

/// Runs an admin command and returns the secret it printed.
fn admin_secret(database_url: &str, args: &[&str]) -> String {
    let output = Command::new(BIN).args(["--database-url", database_url]).args(args).env("RUST_LOG", "trace").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = stdout.lines().find(|l| l.starts_with("identity secret")).expect("a secret line");
    line.rsplit(' ').next().unwrap().to_owned()
}

async fn drive_a_conversation(backend: &Backend) {
    let (database_url, dir) = fresh_database_url(backend).await;
    let secret = admin_secret(&database_url, &["project", "add", "shop", "--name", "Shop", "--identity", "required"]);
    let stderr_path = dir.path().join("stderr.log");
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--database-url", &database_url, "--agent-token", AGENT_TOKEN])
        .arg("--assets-dir")
        .arg(dir.path().join("no-assets"))
        .arg("--uploads-dir")
        .arg(dir.path().join("uploads"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("parlour-server listening on ").expect("the listening line").to_owned();

    let mut claims = security_support::claims("shop", "user-4711-secretive");
    claims["user_data"] = json!({"name": "Zelda Quux-Name", "email": "zelda.private@example.org", "custom_fields": {"tier": "platinum-hush"}});
    let host_token = host_jwt(&secret, &claims);
    let http = reqwest::Client::new();
    let body = init_body("shop", &json!({"userJwt": host_token, "externalUserId": "user-4711-secretive", "pageUrl": "https://shop.example.com/?email=zelda.private@example.org"}));
    let response = http.post(format!("{base}/v1/widget/session/init")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let session: InitSessionResponse = response.json().await.unwrap();

    let (mut socket, _) = tokio_tungstenite::connect_async(&session.chat.ws_url).await.unwrap();
    assert!(matches!(next_frame(&mut socket).await, ServerFrame::Ready { .. }));
    send_frame(&mut socket, &user_message("log-1", "socket body xyzzy-alpha")).await;
    let ServerFrame::Ack { message, .. } = next_frame(&mut socket).await else { panic!("no ack") };
    let rest = http
        .post(format!("{base}/v1/widget/messages"))
        .bearer_auth(&session.session_token)
        .json(&json!({"clientMessageId": "log-2", "body": "rest body plugh-bravo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 201);
    let reply = http
        .post(format!("{base}/v1/agent/conversations/{}/messages", message.conversation_id))
        .bearer_auth(AGENT_TOKEN)
        .json(&json!({"clientMessageId": ClientMessageId::parse("r-1").unwrap(), "body": "agent reply frobnicate-charlie"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    loop {
        if let ServerFrame::Message { message } = next_frame(&mut socket).await
            && message.body.contains("frobnicate")
        {
            break;
        }
    }
    // A refused token is not logged either.
    let forged = host_jwt("a forged secret that is long enough, 32 bytes+", &security_support::claims("shop", "x"));
    let refused = http.post(format!("{base}/v1/widget/session/init")).json(&init_body("shop", &json!({"userJwt": forged}))).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    drop(socket);

    // SIGTERM (graceful shutdown logs too), by this child's own pid.
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(status.success() || status.code().is_none(), "{status}");
    let logs = std::fs::read_to_string(&stderr_path).unwrap();
    assert!(logs.contains("TRACE") || logs.contains("DEBUG"), "the server logged nothing verbose:\n{logs}");
    let secrets = [
        session.session_token.as_str(),
        host_token.as_str(),
        forged.as_str(),
        AGENT_TOKEN,
        secret.as_str(),
        "xyzzy-alpha",
        "plugh-bravo",
        "frobnicate-charlie",
        "zelda.private",
        "Zelda Quux-Name",
        "platinum-hush",
    ];
    for needle in secrets {
        assert!(!logs.contains(needle), "the log contains `{needle}`: {}", logs.lines().filter(|l| l.contains(needle)).take(3).collect::<Vec<_>>().join("\n"));
    }
    // Token fragments (header.payload) are as bad as whole tokens.
    for token in [&session.session_token, &host_token] {
        let payload = token.split('.').nth(1).unwrap();
        assert!(!logs.contains(payload), "the log contains a token payload");
    }
    let _ = now();
}

#[tokio::test]
async fn the_server_at_trace_level_never_logs_tokens_secrets_bodies_or_user_data() {
    for backend in backends() {
        drive_a_conversation(&backend).await;
    }
}
