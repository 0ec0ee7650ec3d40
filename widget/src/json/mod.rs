//! JSON in and out of the widget. In: `parlour-shared`'s decoder ([`FromJson`]: one parser
//! into a tree, each type reading its fields by name), much smaller in the wasm than serde's
//! per-type visitors. Out: serde's derives driven by a small writer of our own ([`write`]). The
//! wasm carries neither serde_json (general, with float parsing and printing) nor
//! serde-wasm-bindgen (a JS call per field, plus the error formatting that links float
//! printing): together they cost tens of KB. The same code runs on the host, where the unit
//! tests below hold it to serde_json for every wire type.

mod write;

pub use parlour_shared::decode::{Fields, FromJson, Json};
use serde::Serialize;

/// Parses `text` as a `T`; `None` when it is not JSON or not that shape.
#[must_use]
pub fn from_str<T: FromJson>(text: &str) -> Option<T> {
    parlour_shared::decode::from_str(text)
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
