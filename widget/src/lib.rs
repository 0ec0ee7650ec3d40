//! The Parlour chat widget: the Leptos (CSR) app inside a `<chat-widget>` element's open shadow
//! root. The element itself is defined by the small JavaScript loader (`widget/www/loader.js`),
//! which paints the launcher at once and fetches this module on first open or when the browser is
//! idle, then calls [`mount`]; every instance on the page is independent.
//!
//! - [`config`], [`state`], [`storage`]: plain Rust, unit-tested on the host;
//! - `element` (mount + the handle the page drives), `api` and `events` (what the loader passes in
//!   and hears back), `app` and `components` (UI), `client` (the engine),
//!   `transport` (REST + WebSocket), `browser` (clock, ids): wasm32 only.

pub mod config;
pub mod i18n;
mod json;
pub mod markdown;
pub mod state;
pub mod storage;
pub mod theme;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod element;
#[cfg(target_arch = "wasm32")]
mod events;
#[cfg(target_arch = "wasm32")]
mod transport;

#[cfg(target_arch = "wasm32")]
pub use element::{mount, MountedWidget};

/// The build script's stylesheet minifier, tested with the crate.
#[cfg(test)]
#[path = "../build/minify_css.rs"]
mod minify_css;
