//! The panel's navigation: "Chat" and "History" as an ARIA tab list. Arrow keys (either way, the
//! list wraps, so it reads the same right to left), Home and End move between the tabs and select
//! them; only the selected tab is in the Tab order.
//!
//! The tabs are drawn with DOM calls into the list element ([`super::dom`]) and one effect keeps
//! `aria-selected` and `tabindex` in step; one listener on the list takes clicks and keys.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::dom::{attr, child, listen, text};
use crate::components::react::effect;
use crate::i18n::{t, Key, Locale};

/// The id of the chat tab panel.
pub const CHAT_PANEL: &str = "parlour-chat";
/// The id of the history tab panel.
pub const HISTORY_PANEL: &str = "parlour-history";
/// The id of the History tab (which labels the history panel).
pub const HISTORY_TAB: &str = "parlour-tab-history";

/// Draws the tab list at the end of `panel` (`history`: whether the History tab is selected):
/// its two tabs, the effect that marks the selected one and the one listener for clicks and keys.
pub fn draw(panel: &Element, history: RwSignal<bool>, locale: Locale) {
    let list = &child(panel, "div", "tabs");
    attr(list, "role", "tablist");
    attr(list, "aria-label", t(locale, Key::Sections));
    for (id, panel, key) in [("parlour-tab-chat", CHAT_PANEL, Key::Chat), (HISTORY_TAB, HISTORY_PANEL, Key::History)] {
        let tab = child(list, "button", "tab");
        attr(&tab, "type", "button");
        attr(&tab, "role", "tab");
        attr(&tab, "id", id);
        attr(&tab, "aria-controls", panel);
        text(&tab, t(locale, key));
    }
    let tabs = list.clone();
    effect(move || {
        let mut selected = !history.get();
        let mut tab = tabs.first_element_child();
        while let Some(el) = tab {
            attr(&el, "aria-selected", if selected { "true" } else { "false" });
            attr(&el, "tabindex", if selected { "0" } else { "-1" });
            selected = !selected;
            tab = el.next_element_sibling();
        }
    });
    let tabs = list.clone();
    listen(list, &["click", "keydown"], move |ev| {
        let show_history = if let Some(key) = ev.dyn_ref::<KeyboardEvent>() {
            match key.key().as_str() {
                "ArrowLeft" | "ArrowRight" => !history.get_untracked(),
                "Home" => false,
                "End" => true,
                _ => return,
            }
        } else {
            let tab = ev.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|t| t.closest("[role=\"tab\"]").ok().flatten());
            let Some(tab) = tab else { return };
            history.set(tab.id() == HISTORY_TAB);
            return;
        };
        ev.prevent_default();
        history.set(show_history);
        // The list's first tab is Chat, its last History.
        let tab = if show_history { tabs.last_element_child() } else { tabs.first_element_child() };
        if let Some(tab) = tab.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            let _ = tab.focus();
        }
    });
}
