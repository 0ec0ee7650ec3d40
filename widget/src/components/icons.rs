//! Inline SVG icons (stroke style, `currentColor`), hidden from assistive technology: every
//! button that shows one has its own accessible name. Each icon is one `<path>` (a path of
//! several parts draws the same as several paths), drawn with DOM calls by [`draw`]: one small
//! function serves every icon.

use web_sys::Element;

use super::dom::{attr, child};

/// A speech bubble's outline (the launcher adds its dots, drawn thicker: [`CHAT_DOTS`]).
pub const CHAT: &str = "M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z";
/// The speech bubble's three dots.
pub const CHAT_DOTS: &str = "M8.5 12h.01M12 12h.01M15.5 12h.01";
/// A downward chevron (minimise).
pub const CHEVRON_DOWN: &str = "M6 9l6 6 6-6";
/// A cross (close, remove).
pub const CLOSE: &str = "M18 6L6 18M6 6l12 12";
/// A paper plane (send).
pub const SEND: &str = "M22 2L11 13M22 2l-7 20-4-9-9-4 20-7z";
/// A paperclip (attach files).
pub const PAPERCLIP: &str = "M21 11.5l-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3";
/// A document with a folded corner (a file that is not an image).
pub const FILE: &str = "M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8zM14 3v5h5";

/// Appends the icon drawn by the path `d` to `parent`; returns its `<svg>`.
pub fn draw(parent: &Element, d: &'static str) -> Element {
    let svg = child(parent, "svg", "");
    attr(&svg, "viewBox", "0 0 24 24");
    attr(&svg, "aria-hidden", "true");
    attr(&svg, "focusable", "false");
    attr(&child(&svg, "path", ""), "d", d);
    svg
}
