//! Where the visitor writes: a growing textarea (Enter sends, Shift+Enter starts a new line), a
//! paperclip that picks files (pasting files into the textarea attaches them too), the tray of
//! attached files above it, and a send button — enabled with text or an uploaded file.

use leptos::ev::MouseEvent;
use leptos::ev::{ClipboardEvent, Event, KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use parlour_shared::MessageBody;

use super::attachments::{Tray, TrayView};
use super::icons;
use super::locale::tr;
use crate::components::dom::Fill;
use crate::components::react::{effect, handler};
use web_sys::Element;
use crate::client::ClientHandle;
use crate::i18n::Key;
use crate::state::Connection;

/// The tallest the textarea grows before it scrolls, in px (matches the stylesheet).
const MAX_HEIGHT_PX: i32 = 140;

/// The composer form.
#[component]
pub fn Composer(client: ClientHandle, node_ref: NodeRef<html::Textarea>, tray: Tray) -> impl IntoView {
    // Whether the field holds only blanks: the text itself stays in the textarea (read when
    // sending), so no string signal, and no `prop:value` effect, are compiled in.
    let blank = RwSignal::new(true);
    let unavailable = move || matches!(client.signals.connection.get(), Connection::Unavailable(_));
    // Nothing to send, or a file still on its way (sending waits for it).
    let empty = move || (blank.get() && !tray.has_ready()) || tray.busy();
    let picker = NodeRef::<html::Input>::new();

    // Height follows the content (set through CSSOM, which strict-CSP hosts allow).
    let autosize = move || {
        if let Some(area) = node_ref.get_untracked() {
            let style = web_sys::HtmlElement::style(&area);
            let _ = style.set_property("height", "auto");
            let _ = style.set_property("height", &format!("{}px", area.scroll_height().min(MAX_HEIGHT_PX) + 2));
        }
    };
    let submit = move || {
        let Some(area) = node_ref.get_untracked() else { return };
        let text = area.value();
        let files = tray.ready();
        if (text.trim().is_empty() && files.is_empty()) || tray.busy() {
            return;
        }
        let mut sent = false;
        client.with(|c| sent = c.send_with(&text, files).is_ok());
        if sent {
            tray.sent();
            blank.set(true);
            area.set_value("");
            let _ = web_sys::HtmlElement::style(&area).remove_property("height");
        }
    };
    let on_input = move |ev: Event| {
        let empty = event_target_value(&ev).trim().is_empty();
        if !empty {
            client.with(crate::client::Client::typing_input);
        }
        blank.set(empty);
        autosize();
    };
    // Files on the clipboard (a screenshot, files copied in a file manager) are attached; text
    // pastes as usual.
    let on_paste = move |ev: ClipboardEvent| {
        if let Some(files) = ev.clipboard_data().and_then(|data| data.files()).filter(|files| files.length() > 0) {
            ev.prevent_default();
            tray.add(client, &files);
        }
    };
    let on_pick = move |_: Event| {
        if let Some(input) = picker.get_untracked() {
            if let Some(files) = input.files() {
                tray.add(client, &files);
            }
            // So picking the same file again is a change too.
            input.set_value("");
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <TrayView client=client tray=tray composer=node_ref />
        <form class="composer" part="composer" node_ref=Fill(bind_disabled, (unavailable, empty)) on:submit=handler(move |ev: SubmitEvent| { ev.prevent_default(); submit(); })>
            <input type="file" multiple hidden tabindex="-1" node_ref=picker on:change=handler(on_pick) />
            <label class="sr-only" for="parlour-input">{tr(Key::Message)}</label>
            <textarea
                id="parlour-input"
                node_ref=node_ref
                rows="1"
                placeholder=tr(Key::Placeholder)
                maxlength=MessageBody::MAX_CHARS.to_string()
                enterkeyhint="send"
                on:input=handler(on_input)
                on:keydown=handler(on_keydown)
                on:paste=handler(on_paste)
            ></textarea>
            <button
                type="button"
                class="attach"
                aria-label=tr(Key::AttachFiles)
                node_ref=Fill(icons::fill, icons::PAPERCLIP)
                on:click=handler(move |_: MouseEvent| {
                    if let Some(input) = picker.get_untracked() {
                        input.click();
                    }
                })
            ></button>
            <button type="submit" class="send" part="send-button" aria-label=tr(Key::SendMessage) disabled node_ref=Fill(icons::fill, icons::SEND)></button>
        </form>
    }
}

/// Disables the field and the paperclip while chat is unavailable, and the send button also while
/// there is nothing to send: one shared effect, cheaper in wasm than a reactive attribute each.
/// The controls are looked up when it runs (after the form's children are in place).
fn bind_disabled(form: &Element, (unavailable, empty): (impl Fn() -> bool + 'static, impl Fn() -> bool + 'static)) {
    let form = form.clone();
    effect(move || {
        let off = unavailable();
        let nothing = empty();
        for (selector, disabled) in [("textarea", off), (".attach", off), (".send", off || nothing)] {
            if let Some(control) = form.query_selector(selector).ok().flatten() {
                let _ = control.toggle_attribute_with_force("disabled", disabled);
            }
        }
    });
}
