//! JSON in and out of the widget, through serde's derives on the `parlour-shared` types and a small
//! reader ([`read`]) and writer ([`write`]) of our own. The wasm carries neither serde_json (general,
//! with float parsing and printing) nor serde-wasm-bindgen (a JS call per field, plus the error
//! formatting that links float printing): together they cost tens of KB. The same code runs on the
//! host, where the unit tests below hold it to serde_json's output for every wire type.

mod access;
mod read;
mod scan;
mod write;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses `text` as a `T`; `None` when it is not JSON or not that shape.
#[must_use]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    read::from_str(text).ok()
}

/// `value` as JSON text (`None` only if it cannot be represented, e.g. a float). Its callers are
/// the browser-only modules (storage, socket, fetch) and the host tests.
#[must_use]
#[cfg_attr(not(any(target_arch = "wasm32", test)), expect(dead_code))]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    write::to_string(value).ok()
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
