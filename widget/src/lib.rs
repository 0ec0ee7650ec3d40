//! The Parlour chat widget: a `<chat-widget>` custom element whose open shadow root holds a
//! Leptos (CSR) app. Loading the module defines the element; every instance on the page is
//! independent.
//!
//! - [`config`], [`state`], [`storage`]: plain Rust, unit-tested on the host;
//! - `element` (custom element + mount), `app` and `components` (UI), `client` (the engine),
//!   `transport` (REST + WebSocket), `browser` (clock, ids): wasm32 only.

pub mod config;
pub mod state;
pub mod storage;

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
mod transport;

/// Runs when the module is instantiated: defines `<chat-widget>`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    element::define();
}
