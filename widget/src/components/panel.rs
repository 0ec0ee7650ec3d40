//! The chat panel: header (who answers, title, presence or connection state, close), the Chat / History tabs,
//! then the conversation and composer, or the history.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Element};

use super::attachments::{self, Tray};
use super::dom::{attr, child};
use super::react::{effect, region};
use super::tabs::CHAT_PANEL;
use super::{composer, dom, header, history, message_list, prechat, tabs};
use crate::client::ClientHandle;
use crate::i18n::Locale;

/// Draws the panel at the end of `root`. It stays drawn while closed (hidden), so a draft and
/// the scroll position survive.
pub fn draw(root: &Element, client: ClientHandle, title: impl Fn() -> String + Copy + 'static, locale: Locale) {
    let signals = client.signals;
    let history = RwSignal::new(false);
    // Files waiting for the next message: picked or pasted in the composer, or dropped here.
    let tray = Tray::new();

    let panel = child(root, "section", "panel");
    attr(&panel, "part", "panel");
    attr(&panel, "id", "parlour-panel");
    attr(&panel, "role", "dialog");
    header::draw(&panel, client, title, locale);
    tabs::draw(&panel, history, locale);
    let chat = child(&panel, "div", "chat");
    attr(&chat, "id", CHAT_PANEL);
    attr(&chat, "role", "tabpanel");
    attr(&chat, "aria-labelledby", "parlour-tab-chat");
    dom::listen(&chat, &["dragenter", "dragover", "dragleave", "drop"], move |ev| {
        tray.on_drag(client, ev.unchecked_ref::<DragEvent>());
    });
    message_list::draw(&chat, client, locale);
    // The pre-chat form until it is sent, then the composer: each drawn wholesale, never
    // patched; the form anew whenever it changes (another number each time).
    let mark = dom::mark(&chat);
    let area = chat.clone();
    let forms = Cell::new(0);
    region(
        mark,
        move || {
            if signals.pre_chat.with(Option::is_none) {
                return 0;
            }
            forms.set(forms.get() % 254 + 1);
            forms.get()
        },
        move |form| {
            if form > 0 {
                // The focus follows into the form from the composer it replaces.
                let field = area.query_selector("#parlour-input").ok().flatten();
                let had_focus = field.is_some_and(|field| field.matches(":focus").unwrap_or(false));
                vec![prechat::draw_form(client, locale, had_focus)]
            } else {
                composer::draw(client, locale, tray)
            }
        },
    );
    attachments::draw_overlay(&chat, tray, locale);
    history::draw(&panel, client, history, locale);

    // The dialog's name and visibility, and which tab panel shows, kept current by one shared
    // effect (cheaper in wasm than a reactive attribute each).
    effect(move || {
        attr(&panel, "aria-label", &title());
        attr(&panel, "aria-hidden", if signals.open.get() { "false" } else { "true" });
        let _ = chat.toggle_attribute_with_force("hidden", history.get());
    });
}
