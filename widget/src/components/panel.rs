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
use crate::components::react::handler;
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
            aria-label=move || title.get()
            aria-hidden=move || (!signals.open.get()).to_string()
        >
            <Header client=client title=title />
            <Tabs history=history />
            <div
                class="chat"
                id=CHAT_PANEL
                role="tabpanel"
                aria-labelledby="parlour-tab-chat"
                hidden=move || history.get()
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
