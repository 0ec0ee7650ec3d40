//! The conversation: the project's greeting, connection notices and the messages, keyed so a
//! row is redrawn only when it changes; "Seen" under the visitor's last message an agent has
//! read, "<agent> is typing…", and a notice when the conversation was closed. It keeps the newest
//! message in view.

use leptos::html;
use leptos::prelude::*;

use super::locale::use_locale;
use super::message::MessageRow;
use crate::client::ClientHandle;
use crate::i18n::{fill, t, Key};
use crate::state::{Connection, Entry};

/// The scrolling message list (`role="log"`; new messages are announced by the app's
/// `Announcer`, so the log itself is not live).
#[component]
pub fn MessageList(client: ClientHandle) -> impl IntoView {
    let signals = client.signals;
    let list_ref = NodeRef::<html::Div>::new();
    let locale = use_locale();
    let tr = move |key| t(locale, key);
    let welcome = move || {
        signals.look.with(|l| if l.welcome.trim().is_empty() { tr(Key::Welcome).to_owned() } else { l.welcome.clone() })
    };
    let notice = move || match signals.connection.get() {
        Connection::Reconnecting => Some(view! { <p class="notice">{tr(Key::ConnectionLost)}</p> }.into_any()),
        Connection::Unavailable(reason) => Some(view! { <p class="notice error">{tr(Key::UnavailablePrefix)} {reason}</p> }.into_any()),
        Connection::Idle | Connection::Connecting | Connection::Online => None,
    };

    // The visitor's last message an agent has read.
    let seen = Memo::new(move |_| {
        let read = signals.agent_read_seq.get();
        signals.timeline.with(|t| {
            t.entries().iter().rev().find(|e| e.is_own() && e.seq.is_some_and(|s| s <= read)).map(|e| e.key.clone())
        })
    });
    let closed = move || {
        signals.closed.get().then(|| {
            view! { <p class="notice closed" role="status">{tr(Key::Closed)}</p> }
        })
    };

    // Keep the newest message in view when messages arrive or the panel opens.
    Effect::new(move |_| {
        signals.agent_typing.track();
        signals.closed.track();
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
        <div class="messages" part="messages" node_ref=list_ref role="log" aria-live="off" aria-label=tr(Key::Conversation) tabindex="0">
            <div class="message welcome" data-author="welcome">
                <div class="bubble">{welcome}</div>
            </div>
            <For
                each=move || signals.timeline.with(|t| t.entries().to_vec())
                key=Entry::render_key
                children=move |entry| view! { <MessageRow client=client entry=entry seen=seen /> }
            />
            {closed}
            {notice}
        </div>
        // Outside the log: announced on its own, politely, and not kept in the transcript.
        <p class="typing" aria-live="polite">
            {move || signals.agent_typing.get().map(|name| fill(tr(Key::IsTyping), &name))}
        </p>
    }
}
