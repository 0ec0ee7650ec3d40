//! A polite live region that announces each new message from the team ("New message from Ada:
//! …"), as plain text. The conversation log itself is not live: re-drawn rows (sending → sent)
//! and the history loaded on a reload would otherwise be read out again.

use leptos::prelude::*;
use parlour_shared::AuthorKind;
use web_sys::Element;

use super::dom;
use super::react::effect;
use crate::client::ClientHandle;
use crate::i18n::{fill, t, Key, Locale};
use crate::markdown;

/// Draws the visually hidden live region at the end of `root`, and keeps its text on the newest
/// message from the team this page had not seen, by one shared effect. The text node is only
/// rewritten (and so announced) when the text changes.
pub fn draw(root: &Element, client: ClientHandle, locale: Locale) {
    let signals = client.signals;
    // What the visitor had already seen before this page: history, not news.
    let seen = signals.read_seq.get_untracked();
    let region = dom::child(root, "div", "sr-only");
    dom::attr(&region, "role", "status");
    dom::attr(&region, "aria-live", "polite");
    dom::attr(&region, "aria-atomic", "true");
    effect(move || {
        let text = signals.timeline.with(|timeline| {
            let e = timeline
                .entries()
                .iter()
                .rev()
                .find(|e| matches!(e.author.kind, AuthorKind::Agent | AuthorKind::Assistant) && e.seq.is_some_and(|s| s > seen))?;
            // A message of files only is announced by their names.
            let said = if e.body.trim().is_empty() {
                e.attachments.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            } else {
                markdown::plain_text(&markdown::parse(&e.body))
            };
            let fallback = t(locale, if e.author.kind == AuthorKind::Agent { Key::Agent } else { Key::Assistant });
            let name = e.author.name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(fallback);
            let who = fill(t(locale, Key::NewMessageFrom), name);
            Some(format!("{who}: {said}"))
        });
        dom::set_text(&region, text.as_deref().unwrap_or_default());
    });
}
