//! The round button in the corner that opens and minimises the panel, with an unread badge.

use leptos::ev::MouseEvent;
use leptos::html;
use leptos::prelude::*;

use super::icons;
use super::locale::use_locale;
use crate::components::react::handler;
use crate::client::ClientHandle;
use crate::i18n::{t, unread_label, Key};

/// The launcher. `node_ref` lets the app move focus back here when the panel closes.
#[component]
pub fn Launcher(client: ClientHandle, open: RwSignal<bool>, unread: Signal<usize>, node_ref: NodeRef<html::Button>) -> impl IntoView {
    let locale = use_locale();
    let label = move || {
        if open.get() { t(locale, Key::MinimiseChat).to_owned() } else { unread_label(locale, unread.get()) }
    };
    view! {
        <button
            type="button"
            class="launcher"
            part="launcher"
            node_ref=node_ref
            aria-label=label
            aria-expanded=move || open.get().to_string()
            aria-controls="parlour-panel"
            on:click=handler(move |_: MouseEvent| client.with(|c| c.set_open(!open.get_untracked())))
        >
            // One icon whose drawing changes (a speech bubble, or a chevron while open), and a
            // badge hidden rather than removed: less view code than swapping elements.
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d=move || if open.get() { icons::CHEVRON_DOWN } else { icons::CHAT }></path>
                <path d=move || (!open.get()).then_some(icons::CHAT_DOTS) stroke-width="2.6"></path>
            </svg>
            <span class="badge" aria-hidden="true" hidden=move || open.get() || unread.get() == 0>
                {move || unread.get().min(99).to_string()}
            </span>
        </button>
    }
}
