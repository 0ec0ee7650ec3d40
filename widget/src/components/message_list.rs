//! The conversation: the project's greeting, connection notices and the messages, keyed so a
//! row is redrawn only when it changes; it keeps the newest message in view.

use leptos::html;
use leptos::prelude::*;

use super::message::MessageRow;
use crate::client::ClientHandle;
use crate::state::{Connection, Entry};

/// Shown when the project has no greeting of its own.
const DEFAULT_WELCOME: &str = "Hi! How can we help?";

/// The scrolling message list (`role="log"`, announced politely).
#[component]
pub fn MessageList(client: ClientHandle) -> impl IntoView {
    let signals = client.signals;
    let list_ref = NodeRef::<html::Div>::new();
    let welcome = move || {
        signals.look.with(|l| if l.welcome.trim().is_empty() { DEFAULT_WELCOME.to_owned() } else { l.welcome.clone() })
    };
    let notice = move || match signals.connection.get() {
        Connection::Reconnecting => Some(view! { <p class="notice">"Connection lost. We will send your messages when it is back."</p> }.into_any()),
        Connection::Unavailable(reason) => Some(view! { <p class="notice error">"Chat is unavailable: " {reason}</p> }.into_any()),
        Connection::Idle | Connection::Connecting | Connection::Online => None,
    };

    // Keep the newest message in view when messages arrive or the panel opens.
    Effect::new(move |_| {
        signals.timeline.with(|t| t.entries().len());
        signals.timeline.with(|t| t.entries().last().map(Entry::render_key));
        signals.open.get();
        request_animation_frame(move || {
            if let Some(list) = list_ref.get_untracked() {
                list.set_scroll_top(list.scroll_height());
            }
        });
    });

    view! {
        <div class="messages" node_ref=list_ref role="log" aria-live="polite" aria-label="Conversation" tabindex="0">
            <div class="message welcome" data-author="welcome">
                <div class="bubble">{welcome}</div>
            </div>
            <For
                each=move || signals.timeline.with(|t| t.entries().to_vec())
                key=Entry::render_key
                children=move |entry| view! { <MessageRow client=client entry=entry /> }
            />
            {notice}
        </div>
    }
}
