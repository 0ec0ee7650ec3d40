//! The widget's files as a host page fetches them: the loader at a stable URL with a short cache
//! and an ETag, the content-hashed files immutable, precompressed siblings by `Accept-Encoding`,
//! and `Access-Control-Allow-Origin: *` on all of them (any site may embed the widget).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{spawn_app_with, Backend, TestApp};
use parlour_server::config::Config;
use reqwest::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use reqwest::StatusCode;

const LOADER: &str = "import('./parlour-widget-0123456789abcdef.js');\n";
const WASM: &[u8] = b"\0asm\x01\0\0\0";

/// A server whose assets dir holds a built widget's files (fake content).
async fn app_with_widget() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |name: &str, bytes: &[u8]| {
        let file = root.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    };
    write("index.html", b"<chat-widget project-id=\"demo\"></chat-widget>");
    write("widget/loader.js", LOADER.as_bytes());
    write("widget/loader.js.br", b"BROTLI-LOADER");
    write("widget/loader.js.gz", b"GZIP-LOADER");
    write("chat-widget.js", b"import \"./widget/loader.js\";\n");
    write("widget/parlour-widget-0123456789abcdef.js", b"export default function init() {}\n");
    write("widget/parlour-widget-0123456789abcdef_bg.wasm", WASM);
    write("widget/parlour-widget-0123456789abcdef_bg.wasm.br", b"BROTLI-WASM");
    let assets = root.to_path_buf();
    let configure = move |config: &mut Config| config.assets_dir = assets.clone();
    (spawn_app_with(Backend::Sqlite, Arc::new(configure)).await, dir)
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    response.headers().get(&name).map_or("", |v| v.to_str().unwrap())
}

async fn get(app: &TestApp, path: &str, extra: &[(reqwest::header::HeaderName, &str)]) -> reqwest::Response {
    let mut request = app.http.get(format!("{}{path}", app.base)).header("Origin", "https://shop.example.com");
    for (name, value) in extra {
        request = request.header(name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_loader_is_short_lived_with_an_etag_and_any_origin_may_load_it() {
    let (app, _dir) = app_with_widget().await;
    let response = get(&app, "/widget/loader.js", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CACHE_CONTROL), "public, max-age=300");
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert!(header(&response, CONTENT_TYPE).starts_with("text/javascript"));
    assert!(header(&response, VARY).to_ascii_lowercase().contains("accept-encoding"));
    let etag = header(&response, ETAG).to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(response.text().await.unwrap(), LOADER);

    let again = get(&app, "/widget/loader.js", &[(IF_NONE_MATCH, &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, ETAG), etag);
    assert_eq!(header(&again, CACHE_CONTROL), "public, max-age=300");
    assert!(again.bytes().await.unwrap().is_empty());

    let changed = get(&app, "/widget/loader.js", &[(IF_NONE_MATCH, "W/\"something-else\"")]).await;
    assert_eq!(changed.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_loader_comes_precompressed_when_accepted() {
    let (app, _dir) = app_with_widget().await;
    let br = get(&app, "/widget/loader.js", &[(ACCEPT_ENCODING, "gzip, deflate, br")]).await;
    assert_eq!(header(&br, CONTENT_ENCODING), "br");
    let etag = header(&br, ETAG).to_owned();
    assert_eq!(br.text().await.unwrap(), "BROTLI-LOADER");
    let gz = get(&app, "/widget/loader.js", &[(ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(header(&gz, CONTENT_ENCODING), "gzip");
    assert_eq!(header(&gz, ETAG), etag, "one (weak) ETag for every encoding");
    assert_eq!(gz.text().await.unwrap(), "GZIP-LOADER");
    let refused = get(&app, "/widget/loader.js", &[(ACCEPT_ENCODING, "br;q=0")]).await;
    assert_eq!(header(&refused, CONTENT_ENCODING), "");
}

#[tokio::test]
async fn the_old_loader_name_still_works() {
    let (app, _dir) = app_with_widget().await;
    let response = get(&app, "/chat-widget.js", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CACHE_CONTROL), "public, max-age=300");
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert!(!header(&response, ETAG).is_empty());
}

#[tokio::test]
async fn hashed_widget_files_are_immutable_and_cross_origin() {
    let (app, _dir) = app_with_widget().await;
    let wasm = get(&app, "/widget/parlour-widget-0123456789abcdef_bg.wasm", &[]).await;
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(header(&wasm, CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(header(&wasm, ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert_eq!(header(&wasm, CONTENT_TYPE), "application/wasm");
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), WASM);

    let br = get(&app, "/widget/parlour-widget-0123456789abcdef_bg.wasm", &[(ACCEPT_ENCODING, "br")]).await;
    assert_eq!(header(&br, CONTENT_ENCODING), "br");
    assert_eq!(header(&br, CONTENT_TYPE), "application/wasm");
    assert!(header(&br, VARY).to_ascii_lowercase().contains("accept-encoding"));
    assert_eq!(header(&br, CACHE_CONTROL), "public, max-age=31536000, immutable");

    let glue = get(&app, "/widget/parlour-widget-0123456789abcdef.js", &[]).await;
    assert_eq!(header(&glue, CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(header(&glue, ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert!(header(&glue, CONTENT_TYPE).starts_with("text/javascript"));
}

#[tokio::test]
async fn a_missing_widget_file_is_a_404_that_is_not_cached_for_a_year() {
    let (app, _dir) = app_with_widget().await;
    let response = get(&app, "/widget/parlour-widget-ffffffffffffffff_bg.wasm", &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_ne!(header(&response, CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), "*");
}

#[tokio::test]
async fn pages_outside_the_widget_keep_their_plain_headers() {
    let (app, dir) = app_with_widget().await;
    assert!(Path::new(&dir.path().join("index.html")).exists());
    let response = get(&app, "/", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, ACCESS_CONTROL_ALLOW_ORIGIN), "");
    assert_ne!(header(&response, CACHE_CONTROL), "public, max-age=31536000, immutable");
}
