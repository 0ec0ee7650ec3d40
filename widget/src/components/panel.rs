//! The chat panel: header (avatar, title, connection state, close), conversation, composer.

use leptos::html;
use leptos::prelude::*;

use super::composer::Composer;
use super::icons;
use super::locale::tr;
use super::locale::use_locale;
use super::message_list::MessageList;
use crate::client::ClientHandle;
use crate::i18n::{t, Key};
use crate::state::Connection;

/// The panel. It stays mounted while closed (hidden), so a draft and the scroll position survive.
#[component]
pub fn Panel(client: ClientHandle, title: Signal<String>, composer_ref: NodeRef<html::Textarea>) -> impl IntoView {
    let signals = client.signals;
    let connection = signals.connection;
    let state = move || match connection.get() {
        Connection::Idle | Connection::Online => "online",
        Connection::Connecting => "connecting",
        Connection::Reconnecting => "reconnecting",
        Connection::Unavailable(_) => "unavailable",
    };
    let locale = use_locale();
    let status = move || {
        t(locale, match connection.get() {
            Connection::Idle | Connection::Online => Key::StatusOnline,
            Connection::Connecting => Key::StatusConnecting,
            Connection::Reconnecting => Key::StatusReconnecting,
            Connection::Unavailable(_) => Key::StatusUnavailable,
        })
    };
    let initial = move || title.get().chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
    view! {
        <section
            class="panel"
            part="panel"
            id="parlour-panel"
            role="dialog"
            aria-label=move || title.get()
            aria-hidden=move || (!signals.open.get()).to_string()
        >
            <header class="header" part="header">
                <div class="avatar" aria-hidden="true">{initial}</div>
                <div class="heading">
                    <h2 class="title">{move || title.get()}</h2>
                    <p class="status" data-connection=state role="status">
                        <span class="dot" aria-hidden="true"></span>
                        <span>{status}</span>
                    </p>
                </div>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=tr(Key::CloseChat)
                    on:click=move |_| client.with(|c| c.set_open(false))
                >
                    {icons::close()}
                </button>
            </header>
            <MessageList client=client />
            <Composer client=client node_ref=composer_ref />
        </section>
    }
}

