//! One message: the text (always as a text node, never HTML), its files (thumbnails or download
//! chips), who wrote it, when, and for the visitor's own messages whether it was delivered (and
//! "Seen" once an agent read it), with a retry button when it was not.
//!
//! The whole row is drawn with plain DOM calls ([`super::dom`]) into one `<div>` that Leptos
//! creates: a row never changes once drawn (a new delivery state is a new row), and a `view!` per
//! delivery state would cost far more wasm than the same markup made by hand. Only
//! "Sent"/"Seen" follows a signal.

use leptos::prelude::*;
use parlour_shared::AuthorKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

use super::attachments::draw_files;
use super::dom::{attr, child, dot, text, Fill};
use super::locale::use_locale;
use super::rich_text;
use crate::browser;
use crate::client::ClientHandle;
use crate::i18n::{t, Key, Locale};
use crate::state::{Delivery, Entry};

/// The name shown for an author.
fn author_label(entry: &Entry, locale: Locale) -> String {
    let named = |fallback: Key| entry.author.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| t(locale, fallback).to_owned());
    match entry.author.kind {
        AuthorKind::Visitor => t(locale, Key::You).to_owned(),
        AuthorKind::Agent => named(Key::Agent),
        AuthorKind::Assistant => named(Key::Assistant),
        AuthorKind::System => String::new(),
    }
}

/// What drawing a row needs.
#[derive(Clone)]
struct Row {
    client: ClientHandle,
    entry: Entry,
    seen: Signal<Option<String>>,
    locale: Locale,
}

/// A message row, drawn once: rows are keyed by [`Entry::render_key`], so a changed message is a
/// new row, never a rebuilt one.
#[component]
pub fn MessageRow(client: ClientHandle, entry: Entry, #[prop(into)] seen: Signal<Option<String>>) -> impl IntoView {
    let row = Row { client, entry, seen, locale: use_locale() };
    view! { <div node_ref=Fill(draw_row, row)></div> }
}

/// The row element's attributes, its text bubble, its files and its meta line.
fn draw_row(el: &Element, row: Row) {
    let Row { client, entry, locale, .. } = &row;
    let kind = entry.author.kind;
    el.set_class_name(match kind {
        AuthorKind::Visitor => "message own",
        AuthorKind::System => "message system",
        AuthorKind::Agent | AuthorKind::Assistant => "message",
    });
    attr(el, "part", "message");
    attr(el, "data-state", entry.delivery.as_str());
    attr(el, "data-author", kind.as_str());
    if let Some(seq) = entry.seq {
        attr(el, "data-seq", &seq.to_string());
    }
    // A message of files only has no text bubble.
    if !entry.body.is_empty() {
        rich_text::draw(&child(el, "div", "bubble"), entry.body.clone());
    }
    if !entry.attachments.is_empty() {
        client.with(|c| draw_files(el, c.api_base(), *locale, &entry.attachments));
    }
    if kind != AuthorKind::System {
        draw_meta(&child(el, "div", "meta"), row);
    }
}

/// The meta line: author, time and, for the visitor's own messages, the delivery state.
fn draw_meta(meta: &Element, Row { client, entry, seen, locale }: Row) {
    let tr = move |key| t(locale, key);
    text(&child(meta, "span", "author"), &author_label(&entry, locale));
    dot(meta);
    let (time, iso) = browser::format_time(entry.created_at, locale.tag());
    let at = child(meta, "time", "");
    attr(&at, "datetime", &iso);
    text(&at, &time);
    if !entry.is_own() {
        return;
    }
    dot(meta);
    let failed = entry.delivery == Delivery::Failed;
    let state = child(meta, "span", if failed { "failed" } else { "delivery" });
    match entry.delivery {
        Delivery::Sending => text(&state, tr(Key::Sending)),
        Delivery::Sent => {
            let key = entry.key;
            let effect = RenderEffect::new(move |_| {
                let seen = seen.with(|s| s.as_deref() == Some(key.as_str()));
                attr(&state, "data-seen", if seen { "true" } else { "false" });
                state.set_text_content(Some(tr(if seen { Key::Seen } else { Key::Sent })));
            });
            // The effect stops when dropped: keep it as long as the row.
            keep(Box::new(effect));
        }
        Delivery::Failed => {
            attr(&state, "role", "alert");
            // The server's reason is English: other languages show their own "Not sent".
            let reason = entry.error.filter(|_| locale == Locale::En);
            text(&state, reason.as_deref().unwrap_or_else(|| tr(Key::NotSent)));
            let retry = child(meta, "button", "retry");
            attr(&retry, "type", "button");
            attr(&retry, "aria-label", tr(Key::RetryLabel));
            text(&retry, tr(Key::Retry));
            let id = entry.client_message_id;
            let click = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                if let Some(id) = id.as_ref() {
                    client.with(|c| c.retry(id));
                }
            });
            let _ = retry.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
            // Freed with the row (the button goes with it).
            keep(Box::new(click));
        }
    }
}

/// Keeps `value` alive as long as the current reactive owner (the row): one erased type for the
/// render effect and the click handler, so one copy of the storage code.
fn keep(value: Box<dyn std::any::Any>) {
    StoredValue::new_local(value);
}
