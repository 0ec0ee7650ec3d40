//! The round launcher button: opens and closes the panel, shows the unread count in a badge. Its
//! label says what it does: "Open chat (2 unread messages)" / "Minimise chat".
//!
//! Drawn with plain DOM calls and kept current by one shared effect (`react::effect`).

use leptos::prelude::*;
use web_sys::Element;

use super::{dom, icons};
use crate::client::ClientHandle;
use crate::components::react::effect;
use crate::i18n::{t, unread_label, Key, Locale};

/// Draws the launcher at the end of `root`: one icon whose drawing changes (a speech bubble, or a
/// chevron while open), and a badge hidden rather than removed.
pub fn draw(root: &Element, client: ClientHandle, locale: Locale) {
    let signals = client.signals;
    let open = signals.open;
    let button = dom::child(root, "button", "launcher");
    dom::attr(&button, "type", "button");
    dom::attr(&button, "part", "launcher");
    dom::attr(&button, "aria-controls", "parlour-panel");
    dom::listen(&button, &["click"], move |_| client.with(|c| c.set_open(!open.get_untracked())));
    let svg = dom::child(&button, "svg", "");
    dom::attr(&svg, "viewBox", "0 0 24 24");
    dom::attr(&svg, "aria-hidden", "true");
    dom::attr(&svg, "focusable", "false");
    let shape = dom::child(&svg, "path", "");
    let dots = dom::child(&svg, "path", "");
    dom::attr(&dots, "stroke-width", "2.6");
    let badge = dom::child(&button, "span", "badge");
    dom::attr(&badge, "aria-hidden", "true");
    effect(move || {
        let is_open = open.get();
        // Messages from others after the last one the visitor saw.
        let read = signals.read_seq.get();
        let count = signals.timeline.with(|t| t.unread_after(read));
        let label = if is_open { t(locale, Key::MinimiseChat).to_owned() } else { unread_label(locale, count) };
        dom::attr(&button, "aria-label", &label);
        dom::attr(&button, "aria-expanded", if is_open { "true" } else { "false" });
        dom::attr(&shape, "d", if is_open { icons::CHEVRON_DOWN } else { icons::CHAT });
        if is_open {
            let _ = dots.remove_attribute("d");
        } else {
            dom::attr(&dots, "d", icons::CHAT_DOTS);
        }
        let _ = badge.toggle_attribute_with_force("hidden", is_open || count == 0);
        dom::set_text(&badge, &count.min(99).to_string());
    });
}
