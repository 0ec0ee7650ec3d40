//! Replies being streamed in: one bubble per draft at the end of the conversation, its text
//! growing as plain text (markdown only once the stored reply replaces it) with a blinking caret,
//! marked `aria-busy` and never announced piece by piece (the announcer reads the stored reply).
//! The rows are redrawn on each piece: there are at most a few, and a keyed list would cost more
//! code than it saves.

use leptos::prelude::*;
use parlour_shared::AuthorKind;

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
                    view! {
                        <div class="message draft" part="message" data-author=kind.as_str() data-state="streaming" aria-busy="true">
                            <div class="bubble">{draft.text.clone()}<span class="caret" aria-hidden="true"></span></div>
                            <div class="meta">
                                <span class="author">{name}</span>
                                <span aria-hidden="true">"·"</span>
                                <span class="delivery">{t(locale, Key::Writing)}</span>
                            </div>
                        </div>
                    }
                })
                .collect_view()
        })
    }
}
