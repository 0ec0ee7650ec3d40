//! The chat panel: header (who answers, title, presence or connection state, close), the Chat / History tabs,
//! then the conversation and composer, or the history.

use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;

use super::attachments::{DropOverlay, Tray};
use super::composer::Composer;
use super::prechat::PreChatForm;
use super::swap::Swap;
use super::history::History;
use super::tabs::{Tabs, CHAT_PANEL};
use super::header::Header;
use super::message_list::MessageList;
use crate::components::dom::{self, Fill};
use crate::components::react::{effect, handler};
use web_sys::Element;
use crate::client::ClientHandle;

/// The panel. It stays mounted while closed (hidden), so a draft and the scroll position survive.
#[component]
pub fn Panel(client: ClientHandle, title: Signal<String>, composer_ref: NodeRef<html::Textarea>) -> impl IntoView {
    let signals = client.signals;
    let history = RwSignal::new(false);
    // Files waiting for the next message: picked or pasted in the composer, or dropped here.
    let tray = Tray::new();
    let on_drag = move |ev: leptos::ev::DragEvent| tray.on_drag(client, &ev);
    view! {
        <section
            class="panel"
            part="panel"
            id="parlour-panel"
            role="dialog"
            node_ref=Fill(bind_panel, (title, signals.open, history))
        >
            <Header client=client title=title />
            <Tabs history=history />
            <div
                class="chat"
                id=CHAT_PANEL
                role="tabpanel"
                aria-labelledby="parlour-tab-chat"
                on:dragenter=handler(on_drag)
                on:dragover=handler(on_drag)
                on:dragleave=handler(on_drag)
                on:drop=handler(on_drag)
            >
                <MessageList client=client />
                // An `Either`, not `into_any`: two known shapes need no type erasure (nor the
                // owned copies of every static attribute it makes); in a `Swap`, as one replaces
                // the other and neither is ever patched.
                {move || Swap(if client.signals.pre_chat.with(Option::is_some) {
                    Either::Left(view! { <PreChatForm client=client composer_ref=composer_ref /> })
                } else {
                    Either::Right(view! { <Composer client=client node_ref=composer_ref tray=tray /> })
                })}
                <DropOverlay tray=tray />
            </div>
            <History client=client history=history composer_ref=composer_ref />
        </section>
    }
}

/// The dialog's name and visibility, and which tab panel shows, kept current by one shared effect
/// (cheaper in wasm than a reactive attribute each).
fn bind_panel(panel: &Element, (title, open, history): (Signal<String>, RwSignal<bool>, RwSignal<bool>)) {
    let panel = panel.clone();
    effect(move || {
        title.with(|title| dom::attr(&panel, "aria-label", title));
        dom::attr(&panel, "aria-hidden", if open.get() { "false" } else { "true" });
        if let Some(chat) = panel.query_selector(":scope > .chat").ok().flatten() {
            let _ = chat.toggle_attribute_with_force("hidden", history.get());
        }
    });
}
