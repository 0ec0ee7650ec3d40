//! Reports what the page may want to know, through the loader's emitter: `open`/`close` when the
//! panel changes, `unread` (`{count}`) when the unread count changes, and `message` for each
//! message that is new to this browser (history replayed on reload is not news). The loader
//! dispatches them as `chat-widget:<name>` DOM events (`bubbles`, `composed`).

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::api::{object, Emitter};
use crate::client::Signals;
use crate::components::react::effect_with;
use crate::state::Entry;

/// Messages from others the visitor has not seen with the panel open.
#[must_use]
pub fn unread(signals: Signals) -> usize {
    let read = signals.read_seq.get_untracked();
    signals.timeline.with_untracked(|t| t.unread_after(read))
}

/// Starts the reports; runs inside the widget's reactive owner, so they stop when it unmounts.
pub fn watch(signals: Signals, emitter: Emitter, seen_seq: i64) {
    let open_emitter = emitter.clone();
    effect_with(move |previous: Option<bool>| {
        let now = signals.open.get();
        if previous.is_some_and(|p| p != now) || (previous.is_none() && now) {
            open_emitter.emit(if now { "open" } else { "close" }, &JsValue::UNDEFINED);
        }
        now
    });

    let unread_emitter = emitter.clone();
    // On the first run and whenever the count changes (the widget compiles in no memo).
    effect_with(move |previous: Option<usize>| {
        let read = signals.read_seq.get();
        let count = signals.timeline.with(|t| t.unread_after(read));
        if previous != Some(count) {
            #[allow(clippy::cast_precision_loss)]
            let n = count as f64;
            unread_emitter.emit("unread", &object(&[("count", n.into())]));
        }
        count
    });

    effect_with(move |last: Option<i64>| {
        let mut last = last.unwrap_or(seen_seq);
        signals.timeline.with(|t| {
            for entry in t.entries() {
                if let Some(seq) = entry.seq.filter(|s| *s > last) {
                    emitter.emit("message", &to_js(entry));
                    last = seq;
                }
            }
        });
        last
    });
}

/// The message as the page sees it: `{id, seq, clientMessageId?, author: {kind, name?}, body,
/// createdAt}`.
fn to_js(entry: &Entry) -> JsValue {
    #[allow(clippy::cast_precision_loss)]
    let number = |n: i64| JsValue::from_f64(n as f64);
    let author = object(&[
        ("kind", entry.author.kind.as_str().into()),
        ("name", entry.author.name.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str)),
    ]);
    object(&[
        ("id", entry.id.map_or(JsValue::UNDEFINED, |id| id.to_string().into())),
        ("seq", entry.seq.map_or(JsValue::UNDEFINED, number)),
        ("clientMessageId", entry.client_message_id.as_ref().map_or(JsValue::UNDEFINED, |c| c.as_str().into())),
        ("author", author),
        ("body", entry.body.as_str().into()),
        ("createdAt", number(entry.created_at)),
    ])
}
