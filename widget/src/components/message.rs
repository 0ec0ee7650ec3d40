//! One message: the text (always as a text node, never HTML), its files (thumbnails or download
//! chips), who wrote it, when, and for the visitor's own messages whether it was delivered (and
//! "Seen" once an agent read it), with a retry button when it was not.
//!
//! Everything but the files is drawn with plain DOM calls ([`super::dom`]): a row never changes
//! once drawn (a new delivery state is a new row), and a `view!` per delivery state would cost
//! far more wasm than the same markup made by hand. Only "Sent"/"Seen" follows a signal.

use leptos::prelude::*;
use parlour_shared::AuthorKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

use super::attachments::attachments;
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

/// What the DOM-drawn parts of a row need (one type for both, so one [`Fill`] instance).
#[derive(Clone)]
struct Row {
    client: ClientHandle,
    entry: Entry,
    seen: Signal<Option<String>>,
    locale: Locale,
}

/// A message row. Its DOM-drawn parts are drawn once: rows are keyed by
/// [`Entry::render_key`], so a changed message is a new row, never a rebuilt one.
#[component]
pub fn MessageRow(client: ClientHandle, mut entry: Entry, #[prop(into)] seen: Signal<Option<String>>) -> impl IntoView {
    let files = (!entry.attachments.is_empty()).then(|| attachments(client, std::mem::take(&mut entry.attachments)));
    let row = Row { client, entry, seen, locale: use_locale() };
    // After the files, so drawn on its own element rather than with the row's own content.
    let meta = (row.entry.author.kind != AuthorKind::System).then(|| view! { <div node_ref=Fill(draw_meta, row.clone())></div> });
    view! { <div node_ref=Fill(draw_row, row)>{files}{meta}</div> }
}

/// The row element's attributes and its text bubble.
fn draw_row(el: &Element, Row { entry, .. }: Row) {
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
        rich_text::draw(&child(el, "div", "bubble"), entry.body);
    }
}

/// The meta line: author, time and, for the visitor's own messages, the delivery state.
fn draw_meta(meta: &Element, Row { client, entry, seen, locale }: Row) {
    meta.set_class_name("meta");
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
