//! The panel's header: who answers — the initials of the agents online, else of the agent who
//! last replied, else the project's — the title, and one status line: the connection state
//! while the link is not up, else whether the team is online or away.
//!
//! Drawn with plain DOM calls and kept current by two shared effects (`react::effect`), one for
//! the faces and one for the title and status.

use std::cell::RefCell;

use leptos::prelude::*;
use parlour_shared::AuthorKind;
use web_sys::Element;

use super::{dom, icons};
use crate::client::ClientHandle;
use crate::components::react::effect;
use crate::i18n::{t, Locale, Key};
use crate::state::presence::{connection_state, initials, status_key};

/// Draws the header at the end of `panel`: the faces, the heading and the close button.
pub fn draw(panel: &Element, client: ClientHandle, title: impl Fn() -> String + Copy + 'static, locale: Locale) {
    let signals = client.signals;
    let header = dom::child(panel, "header", "header");
    dom::attr(&header, "part", "header");
    let faces = dom::child(&header, "div", "");
    let heading = dom::child(&header, "div", "heading");
    let title_el = dom::child(&heading, "h2", "title");
    let status = dom::child(&heading, "p", "status");
    dom::attr(&status, "role", "status");
    let dot = dom::child(&status, "span", "dot");
    dom::attr(&dot, "aria-hidden", "true");
    let status_text = dom::child(&status, "span", "");
    let close = dom::child(&header, "button", "icon-button");
    dom::attr(&close, "type", "button");
    dom::attr(&close, "aria-label", t(locale, Key::CloseChat));
    icons::draw(&close, icons::CLOSE);
    dom::listen(&close, &["click"], move |_| client.with(|c| c.set_open(false)));

    effect(move || {
        let online = signals.presence.with(|p| p.as_ref().map(|p| p.online));
        dom::set_text(&title_el, &title());
        dom::attr(&status, "data-connection", signals.connection.with(connection_state));
        match online {
            Some(on) => dom::attr(&status, "data-presence", if on { "online" } else { "away" }),
            None => {
                let _ = status.remove_attribute("data-presence");
            }
        }
        let key = signals.connection.with(|c| status_key(c, online, signals.away_mode.get()));
        dom::set_text(&status_text, t(locale, key));
    });

    // Redrawn only when what it shows changes, not on every message.
    let drawn = RefCell::new(None::<(Vec<String>, String)>);
    effect(move || {
        let online = signals.presence.with(|p| p.as_ref().filter(|p| p.online).map(|p| p.agents.clone()));
        let names = online.filter(|agents| !agents.is_empty()).unwrap_or_else(|| {
            signals.timeline.with(|t| {
                let last = t.entries().iter().rev().find(|e| e.author.kind == AuthorKind::Agent);
                last.and_then(|e| e.author.name.clone()).into_iter().collect()
            })
        });
        // With nobody to show, the project's initials.
        let fallback = if names.is_empty() { initials(&title()) } else { String::new() };
        let shown = (names, fallback);
        if drawn.borrow().as_ref() == Some(&shown) {
            return;
        }
        faces.set_text_content(None);
        let (names, fallback) = &shown;
        if names.is_empty() {
            dom::attr(&faces, "class", "avatar");
            dom::attr(&faces, "aria-hidden", "true");
            let _ = faces.remove_attribute("role");
            let _ = faces.remove_attribute("aria-label");
            faces.set_text_content(Some(fallback));
        } else {
            dom::attr(&faces, "class", "avatars");
            dom::attr(&faces, "role", "img");
            dom::attr(&faces, "aria-label", &names.join(", "));
            let _ = faces.remove_attribute("aria-hidden");
            for name in names {
                let face = dom::child(&faces, "span", "avatar");
                dom::attr(&face, "title", name);
                dom::text(&face, &initials(name));
            }
        }
        *drawn.borrow_mut() = Some(shown);
    });
}
