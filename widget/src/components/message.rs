//! One message: the text (always as a text node, never HTML), its files (thumbnails or download
//! chips), who wrote it, when, and for the visitor's own messages whether it was delivered (and
//! "Seen" once an agent read it), with a retry button when it was not.
//!
//! The whole row is drawn with plain DOM calls ([`super::dom`]): a row never changes once drawn
//! (a new delivery state is a new row), and a `view!` per delivery state would cost far more wasm
//! than the same markup made by hand. The conversation ([`super::message_list`]) keeps its rows
//! and marks "Sent"/"Seen" through [`mark_seen`]; a History transcript draws its rows once.

use parlour_shared::AuthorKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

use super::attachments::draw_files;
use super::dom::{attr, child, dot, text};
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

/// A drawn row's live parts: the "Sent"/"Seen" label of a delivered own message, and the retry
/// button's listener of a failed one (it must live as long as the row).
pub struct Drawn {
    pub state: Option<Element>,
    pub click: Option<Closure<dyn FnMut(Event)>>,
}

/// Draws `entry` into the row element `el`: its attributes, text bubble, files and meta line.
pub fn draw_row(el: &Element, client: ClientHandle, entry: &Entry, locale: Locale) -> Drawn {
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
        client.with(|c| draw_files(el, c.api_base(), locale, &entry.attachments));
    }
    let mut drawn = Drawn { state: None, click: None };
    if kind != AuthorKind::System {
        draw_meta(&child(el, "div", "meta"), client, entry, locale, &mut drawn);
    }
    drawn
}

/// The meta line: author, time and, for the visitor's own messages, the delivery state.
fn draw_meta(meta: &Element, client: ClientHandle, entry: &Entry, locale: Locale, drawn: &mut Drawn) {
    let tr = move |key| t(locale, key);
    text(&child(meta, "span", "author"), &author_label(entry, locale));
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
            mark_seen(&state, false, locale);
            drawn.state = Some(state);
        }
        Delivery::Failed => {
            attr(&state, "role", "alert");
            // The server's reason is English: other languages show their own "Not sent".
            let reason = entry.error.as_deref().filter(|_| locale == Locale::En);
            text(&state, reason.unwrap_or_else(|| tr(Key::NotSent)));
            let retry = child(meta, "button", "retry");
            attr(&retry, "type", "button");
            attr(&retry, "aria-label", tr(Key::RetryLabel));
            text(&retry, tr(Key::Retry));
            let id = entry.client_message_id.clone();
            let click = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                if let Some(id) = id.as_ref() {
                    client.with(|c| c.retry(id));
                }
            });
            let _ = retry.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
            drawn.click = Some(click);
        }
    }
}

/// Shows a delivered message as "Sent", or "Seen" once an agent read it.
pub fn mark_seen(state: &Element, seen: bool, locale: Locale) {
    attr(state, "data-seen", if seen { "true" } else { "false" });
    state.set_text_content(Some(t(locale, if seen { Key::Seen } else { Key::Sent })));
}
