//! The round launcher button: opens and closes the panel, shows the unread count in a badge. Its
//! label says what it does: "Open chat (2 unread messages)" / "Minimise chat".
//!
//! Drawn with plain DOM calls and kept current by one shared effect (`react::effect`): the view
//! macro's reactive attributes would each compile to their own generic code.

use leptos::ev::MouseEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::tachys::html::node_ref::NodeRefContainer;
use web_sys::Element;

use super::locale::use_locale;
use super::{dom, icons};
use crate::client::ClientHandle;
use crate::components::dom::Fill;
use crate::components::react::{effect, handler};
use crate::i18n::{t, unread_label, Key, Locale};

/// The launcher; `node_ref` lets the app move focus back to it when the panel closes.
#[component]
pub fn Launcher(client: ClientHandle, open: RwSignal<bool>, unread: Signal<usize>, node_ref: NodeRef<html::Button>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <button
            type="button"
            class="launcher"
            part="launcher"
            aria-controls="parlour-panel"
            node_ref=Fill(draw, (open, unread, locale, node_ref))
            on:click=handler(move |_: MouseEvent| client.with(|c| c.set_open(!open.get_untracked())))
        ></button>
    }
}

/// One icon whose drawing changes (a speech bubble, or a chevron while open), and a badge hidden
/// rather than removed.
fn draw(button: &Element, (open, unread, locale, node_ref): (RwSignal<bool>, Signal<usize>, Locale, NodeRef<html::Button>)) {
    node_ref.load(button);
    let svg = dom::child(button, "svg", "");
    dom::attr(&svg, "viewBox", "0 0 24 24");
    dom::attr(&svg, "aria-hidden", "true");
    dom::attr(&svg, "focusable", "false");
    let shape = dom::child(&svg, "path", "");
    let dots = dom::child(&svg, "path", "");
    dom::attr(&dots, "stroke-width", "2.6");
    let badge = dom::child(button, "span", "badge");
    dom::attr(&badge, "aria-hidden", "true");
    let button = button.clone();
    effect(move || {
        let is_open = open.get();
        let count = unread.get();
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
