//! Where the visitor writes: a growing textarea (Enter sends, Shift+Enter starts a new line) and
//! a send button.

use leptos::ev::{Event, KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use parlour_shared::MessageBody;

use super::icons;
use super::locale::tr;
use crate::client::ClientHandle;
use crate::i18n::Key;
use crate::state::Connection;

/// The tallest the textarea grows before it scrolls, in px (matches the stylesheet).
const MAX_HEIGHT_PX: i32 = 140;

/// The composer form.
#[component]
pub fn Composer(client: ClientHandle, node_ref: NodeRef<html::Textarea>) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
    let unavailable = move || matches!(client.signals.connection.get(), Connection::Unavailable(_));
    let empty = move || draft.with(|d| d.trim().is_empty());

    // Height follows the content (set through CSSOM, which strict-CSP hosts allow).
    let autosize = move || {
        if let Some(area) = node_ref.get_untracked() {
            let style = web_sys::HtmlElement::style(&area);
            let _ = style.set_property("height", "auto");
            let _ = style.set_property("height", &format!("{}px", area.scroll_height().min(MAX_HEIGHT_PX) + 2));
        }
    };
    let submit = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let mut sent = false;
        client.with(|c| sent = c.send(&text).is_ok());
        if sent {
            set_draft.set(String::new());
            if let Some(area) = node_ref.get_untracked() {
                area.set_value("");
                let _ = web_sys::HtmlElement::style(&area).remove_property("height");
            }
        }
    };
    let on_input = move |ev: Event| {
        let text = event_target_value(&ev);
        if !text.trim().is_empty() {
            client.with(crate::client::Client::typing_input);
        }
        set_draft.set(text);
        autosize();
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <form class="composer" part="composer" on:submit=move |ev: SubmitEvent| { ev.prevent_default(); submit(); }>
            <label class="sr-only" for="parlour-input">{tr(Key::Message)}</label>
            <textarea
                id="parlour-input"
                node_ref=node_ref
                rows="1"
                placeholder=tr(Key::Placeholder)
                maxlength=MessageBody::MAX_CHARS.to_string()
                enterkeyhint="send"
                disabled=unavailable
                prop:value=draft
                on:input=on_input
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="send" part="send-button" aria-label=tr(Key::SendMessage) disabled=move || empty() || unavailable()>
                {icons::send()}
            </button>
        </form>
    }
}
