//! Attachments: upload, the size limit while streaming, magic-byte typing, sending with a
//! message, and how (and to whom) files are served.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AGENT_TOKEN, TestApp, each_backend, each_backend_with, next_frame, next_json, send_frame};
use parlour_shared::agent::AgentFrame;
use parlour_shared::rest::{ConversationMessages, UploadResponse, VisitorConversationList};
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{Attachment, ClientMessageId, ErrorBody, ErrorCode};
use reqwest::StatusCode;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const HTML: &[u8] = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";

async fn upload_raw(app: &TestApp, token: &str, name: &str, content_type: &str, body: reqwest::Body) -> reqwest::Response {
    app.http
        .post(format!("{}/v1/widget/uploads", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .header("x-filename", name)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: &'static [u8]) -> Attachment {
    let response = upload_raw(app, token, name, "application/octet-stream", reqwest::Body::from(bytes)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<UploadResponse>().await.unwrap().attachment
}

async fn refused(response: reqwest::Response) -> (StatusCode, ErrorCode) {
    let status = response.status();
    (status, response.json::<ErrorBody>().await.unwrap().code)
}

/// `POST /v1/widget/uploads` over a raw connection with `Transfer-Encoding: chunked` (so the
/// server cannot know the size up front): `chunks` chunks of `size` bytes of text. Returns the
/// status and the body of the answer.
async fn chunked_upload(app: &TestApp, token: &str, chunks: usize, size: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /v1/widget/uploads HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nX-Filename: big.txt\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..chunks {
        let chunk = format!("{size:x}\r\n{}\r\n", "a".repeat(size));
        // The server may answer and stop reading before the end: that is the point.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn stored_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.dir().join("uploads")).map_or(0, Iterator::count)
}

#[tokio::test]
async fn a_png_and_a_pdf_upload_and_travel_with_a_message() {
    each_backend(|app: TestApp| async move {
        let session = app.init().await;
        let png = upload(&app, &session.session_token, "cat.png", PNG).await;
        assert_eq!((png.name.as_str(), png.content_type.as_str(), png.size), ("cat.png", "image/png", PNG.len() as i64));
        let pdf = upload(&app, &session.session_token, "r%C3%A9sum%C3%A9.pdf", PDF).await;
        assert_eq!((pdf.name.as_str(), pdf.content_type.as_str()), ("résumé.pdf", "application/pdf"));

        let mut feed = app.agent_feed().await;
        let (mut socket, _) = app.connect(&session, None).await;
        let frame = ClientFrame::UserMessage {
            client_message_id: ClientMessageId::parse("files").unwrap(),
            body: None,
            attachment_ids: vec![png.id, pdf.id],
        };
        send_frame(&mut socket, &frame).await;
        let ServerFrame::Ack { message, .. } = next_frame(&mut socket).await else { panic!("expected ack") };
        assert_eq!(message.body, "");
        let names: Vec<&str> = message.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["cat.png", "résumé.pdf"]);
        assert!(message.attachments[0].url.contains("?token="));
        let agent_copy = loop {
            if let AgentFrame::Message { message } = next_json(&mut feed).await {
                break message;
            }
        };
        assert_eq!(agent_copy.attachments.len(), 2, "agents see the files live");

        // History carries them too, and a file cannot be sent twice.
        let conversation = message.conversation_id;
        let (_, page) = app.get_json(&format!("/v1/widget/conversations/{conversation}/messages"), &session.session_token).await;
        let page: ConversationMessages = serde_json::from_value(page).unwrap();
        assert_eq!(page.messages[0].attachments.len(), 2);
        let (_, list) = app.get_json("/v1/widget/conversations", &session.session_token).await;
        let list: VisitorConversationList = serde_json::from_value(list).unwrap();
        let newest = list.results[0].last_message.as_ref().expect("the conversation's newest message");
        assert_eq!(newest.attachments.len(), 2, "the conversation list shows the newest message's files");
        assert!(newest.attachments[0].url.contains("?token="), "signed for the visitor");
        let again = app
            .http
            .post(format!("{}/v1/widget/messages", app.base))
            .bearer_auth(&session.session_token)
            .json(&serde_json::json!({"clientMessageId": "again", "body": "x", "attachmentIds": [png.id]}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused(again).await, (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));

        // The signed URL works without a header (for <img src>), inline for images only.
        let image = app.http.get(format!("{}{}", app.base, message.attachments[0].url)).send().await.unwrap();
        assert_eq!(image.status(), StatusCode::OK);
        let headers = image.headers().clone();
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["content-security-policy"], "default-src 'none'; sandbox");
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("inline"));
        assert_eq!(image.bytes().await.unwrap().as_ref(), PNG);
        let document = app.http.get(format!("{}{}", app.base, message.attachments[1].url)).send().await.unwrap();
        assert_eq!(document.headers()["content-type"], "application/pdf");
        assert!(document.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(document.headers()["x-content-type-options"], "nosniff");
    })
    .await;
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_while_streaming_and_nothing_is_kept() {
    let configure = |config: &mut parlour_server::Config| config.engine.max_upload_bytes = 64 * 1024;
    each_backend_with(configure, |app: TestApp| async move {
        let session = app.init().await;
        // The widget learns the limit at init and, after a reload, from the session status.
        assert_eq!(session.features.max_upload_bytes, 64 * 1024);
        let (code, status) = app.get_json("/v1/widget/session", &session.session_token).await;
        assert_eq!((code, status["maxUploadBytes"].as_u64()), (StatusCode::OK, Some(64 * 1024)), "{status}");
        // A chunked body (no Content-Length), four times the limit.
        let (status, body) = chunked_upload(&app, &session.session_token, 16, 16 * 1024).await;
        assert_eq!(status, 413, "{body}");
        assert_eq!(serde_json::from_str::<ErrorBody>(&body).unwrap().code, ErrorCode::PayloadTooLarge);
        assert_eq!(stored_files(&app), 0, "the partial file was deleted");
        let small = upload(&app, &session.session_token, "small.txt", b"just under the limit\n").await;
        assert_eq!(small.content_type, "text/plain; charset=utf-8");
        assert_eq!(stored_files(&app), 1);
    })
    .await;
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_not_the_claim() {
    each_backend(|app: TestApp| async move {
        let token = app.init().await.session_token;
        let html = upload_raw(&app, &token, "innocent.png", "image/png", reqwest::Body::from(HTML)).await;
        assert_eq!(refused(html).await, (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType));
        let svg = upload_raw(&app, &token, "x.png", "image/png", reqwest::Body::from(&b"<svg xmlns='http://www.w3.org/2000/svg'/>"[..])).await;
        assert_eq!(refused(svg).await.1, ErrorCode::UnsupportedMediaType);
        let exe = upload_raw(&app, &token, "setup.pdf", "application/pdf", reqwest::Body::from(&b"MZ\x90\x00\x03\x00\x00\x00"[..])).await;
        assert_eq!(refused(exe).await.1, ErrorCode::UnsupportedMediaType);
        let empty = upload_raw(&app, &token, "empty.txt", "text/plain", reqwest::Body::from(&b""[..])).await;
        assert_eq!(refused(empty).await, (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
        assert_eq!(stored_files(&app), 0);
        let png = upload_raw(&app, &token, "really.txt", "text/plain", reqwest::Body::from(PNG)).await;
        let png: UploadResponse = png.json().await.unwrap();
        assert_eq!(png.attachment.content_type, "image/png", "a PNG is a PNG whatever it claims");
        let anonymous = app.http.post(format!("{}/v1/widget/uploads", app.base)).body(PNG).send().await.unwrap();
        assert_eq!(refused(anonymous).await, (StatusCode::UNAUTHORIZED, ErrorCode::SessionInvalid));
    })
    .await;
}

#[tokio::test]
async fn files_are_served_to_their_owner_and_agents_only() {
    each_backend(|app: TestApp| async move {
        let owner = app.init().await;
        let other = app.init().await;
        let file = upload(&app, &owner.session_token, "notes.txt", b"my notes\n").await;
        let path = file.url.split('?').next().unwrap().to_owned();
        let get = |token: Option<String>, url: String| {
            let request = app.http.get(format!("{}{url}", app.base));
            async move { request.bearer_auth(token.unwrap_or_default()).send().await.unwrap() }
        };
        let mine = get(Some(owner.session_token.clone()), path.clone()).await;
        assert_eq!(mine.status(), StatusCode::OK);
        assert_eq!(mine.headers()["content-type"], "text/plain; charset=utf-8");
        assert!(mine.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(get(Some(AGENT_TOKEN.to_owned()), path.clone()).await.status(), StatusCode::OK);
        let theirs = get(Some(other.session_token.clone()), path.clone()).await;
        assert_eq!(refused(theirs).await, (StatusCode::NOT_FOUND, ErrorCode::NotFound));
        let forged = get(None, format!("{path}?token=9999999999999.AAAA")).await;
        assert_eq!(forged.status(), StatusCode::NOT_FOUND);
        let unknown = get(Some(owner.session_token.clone()), format!("/v1/files/{}/x.txt", uuid::Uuid::new_v4())).await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let junk = get(Some(owner.session_token.clone()), "/v1/files/not-an-id/x.txt".to_owned()).await;
        assert_eq!(junk.status(), StatusCode::NOT_FOUND);

        // Another visitor cannot send my file either; an agent reply carries its own upload.
        let stolen = app
            .http
            .post(format!("{}/v1/widget/messages", app.base))
            .bearer_auth(&other.session_token)
            .json(&serde_json::json!({"clientMessageId": "steal", "attachmentIds": [file.id]}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused(stolen).await.0, StatusCode::BAD_REQUEST);
        let (_, sent) = app.send_rest(&owner.session_token, "hello", "hi").await;
        let agent_file = app
            .http
            .post(format!("{}/v1/agent/uploads?name=answer.pdf", app.base))
            .bearer_auth(AGENT_TOKEN)
            .body(PDF)
            .send()
            .await
            .unwrap();
        assert_eq!(agent_file.status(), StatusCode::CREATED);
        let agent_file = agent_file.json::<UploadResponse>().await.unwrap().attachment;
        let reply = app
            .http
            .post(format!("{}/v1/agent/conversations/{}/messages", app.base, sent.message.conversation_id))
            .bearer_auth(AGENT_TOKEN)
            .json(&serde_json::json!({"clientMessageId": "r-file", "attachmentIds": [agent_file.id]}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::CREATED);
        let reply_path = format!("/v1/files/{}/answer.pdf", agent_file.id);
        assert_eq!(get(Some(owner.session_token.clone()), reply_path.clone()).await.status(), StatusCode::OK, "the visitor reads files sent to them");
        assert_eq!(get(Some(other.session_token.clone()), reply_path).await.status(), StatusCode::NOT_FOUND);
    })
    .await;
}
