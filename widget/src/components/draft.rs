//! Replies being streamed in: one bubble per draft at the end of the conversation, its text
//! growing as plain text (markdown only once the stored reply replaces it) with a blinking caret,
//! marked `aria-busy` and never announced piece by piece (the announcer reads the stored reply).
//! The rows are redrawn on each piece: there are at most a few, and a keyed list would cost more
//! code than it saves. Each row is drawn with DOM calls ([`super::dom`]) and updated in place,
//! so the caret keeps blinking while the text grows.

use leptos::prelude::*;
use parlour_shared::AuthorKind;
use web_sys::Element;

use super::dom::{attr, child, dot, text, Fill};
use super::locale::use_locale;
use crate::client::ClientHandle;
use crate::i18n::{t, Key};

/// The draft bubbles, in the order their streams started.
#[component]
pub fn Drafts(client: ClientHandle) -> impl IntoView {
    let drafts = client.signals.drafts;
    let locale = use_locale();
    move || {
        drafts.with(|d| {
            d.drafts()
                .iter()
                .map(|draft| {
                    let agent = draft.author.kind == AuthorKind::Agent;
                    let kind = if agent { AuthorKind::Agent } else { AuthorKind::Assistant };
                    let name = draft
                        .author
                        .name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| t(locale, if agent { Key::Agent } else { Key::Assistant }).to_owned());
                    let row = Draft { kind, name, text: draft.text.clone(), writing: t(locale, Key::Writing) };
                    view! { <div node_ref=Fill(draw, row)></div> }
                })
                .collect_view()
        })
    }
}

/// One draft as drawn.
#[derive(Clone)]
struct Draft {
    kind: AuthorKind,
    name: String,
    text: String,
    writing: &'static str,
}

/// Draws a draft row, or updates the one drawn before (the list is redrawn by position, so a
/// row may now show another draft).
fn draw(el: &Element, draft: Draft) {
    if el.first_child().is_none() {
        el.set_class_name("message draft");
        attr(el, "part", "message");
        attr(el, "data-author", draft.kind.as_str());
        attr(el, "data-state", "streaming");
        attr(el, "aria-busy", "true");
        let bubble = child(el, "div", "bubble");
        text(&bubble, "");
        attr(&child(&bubble, "span", "caret"), "aria-hidden", "true");
        let meta = child(el, "div", "meta");
        child(&meta, "span", "author");
        dot(&meta);
        text(&child(&meta, "span", "delivery"), draft.writing);
    }
    // Updated in place, so it keeps its place among the attributes set above.
    attr(el, "data-author", draft.kind.as_str());
    let part = |parent: Option<Element>| parent.and_then(|p| p.first_child());
    // The bubble's text node, and the meta line's author.
    if let Some(node) = part(el.first_element_child()) {
        node.set_text_content(Some(&draft.text));
    }
    if let Some(node) = part(el.last_element_child()) {
        node.set_text_content(Some(&draft.name));
    }
}
