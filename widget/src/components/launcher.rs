//! The round button in the corner that opens and minimises the panel, with an unread badge.

use leptos::html;
use leptos::prelude::*;

use super::icons;
use super::locale::use_locale;
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
            on:click=move |_| client.with(|c| c.set_open(!open.get_untracked()))
        >
            {move || if open.get() { icons::chevron_down().into_any() } else { icons::chat().into_any() }}
            <Show when=move || { unread.get() > 0 && !open.get() }>
                <span class="badge" aria-hidden="true">{move || unread.get().min(99).to_string()}</span>
            </Show>
        </button>
    }
}
