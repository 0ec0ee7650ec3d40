//! The round button in the corner that opens and minimises the panel, with an unread badge.

use leptos::html;
use leptos::prelude::*;

use super::icons;
use crate::client::ClientHandle;

/// The launcher. `node_ref` lets the app move focus back here when the panel closes.
#[component]
pub fn Launcher(client: ClientHandle, open: RwSignal<bool>, unread: Signal<usize>, node_ref: NodeRef<html::Button>) -> impl IntoView {
    let label = move || {
        let n = unread.get();
        match (open.get(), n) {
            (true, _) => "Minimise chat".to_owned(),
            (false, 0) => "Open chat".to_owned(),
            (false, 1) => "Open chat, 1 unread message".to_owned(),
            (false, n) => format!("Open chat, {n} unread messages"),
        }
    };
    view! {
        <button
            type="button"
            class="launcher"
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
