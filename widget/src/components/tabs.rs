//! The panel's navigation: "Chat" and "History" as an ARIA tab list. Arrow keys (either way, the
//! list wraps, so it reads the same right to left), Home and End move between the tabs and select
//! them; only the selected tab is in the Tab order.

use leptos::ev::MouseEvent;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

use super::locale::tr;
use crate::components::react::handler;
use crate::i18n::Key;

/// The id of the chat tab panel.
pub const CHAT_PANEL: &str = "parlour-chat";
/// The id of the history tab panel.
pub const HISTORY_PANEL: &str = "parlour-history";

/// The tab list; `history` is whether the History tab is selected.
#[component]
pub fn Tabs(history: RwSignal<bool>) -> impl IntoView {
    let chat_ref = NodeRef::<html::Button>::new();
    let history_ref = NodeRef::<html::Button>::new();
    let on_key = move |ev: KeyboardEvent| {
        let show_history = match ev.key().as_str() {
            "ArrowLeft" | "ArrowRight" => !history.get_untracked(),
            "Home" => false,
            "End" => true,
            _ => return,
        };
        ev.prevent_default();
        history.set(show_history);
        let target = if show_history { history_ref } else { chat_ref };
        if let Some(button) = target.get_untracked() {
            let _ = button.focus();
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label=tr(Key::Sections) on:keydown=handler(on_key)>
            <button
                type="button"
                role="tab"
                id="parlour-tab-chat"
                class="tab"
                node_ref=chat_ref
                aria-controls=CHAT_PANEL
                aria-selected=move || (!history.get()).to_string()
                tabindex=move || if history.get() { "-1" } else { "0" }
                on:click=handler(move |_: MouseEvent| history.set(false))
            >
                {tr(Key::Chat)}
            </button>
            <button
                type="button"
                role="tab"
                id="parlour-tab-history"
                class="tab"
                node_ref=history_ref
                aria-controls=HISTORY_PANEL
                aria-selected=move || history.get().to_string()
                tabindex=move || if history.get() { "0" } else { "-1" }
                on:click=handler(move |_: MouseEvent| history.set(true))
            >
                {tr(Key::History)}
            </button>
        </div>
    }
}
