//! Where the visitor writes: a growing textarea (Enter sends, Shift+Enter starts a new line), a
//! paperclip that picks files (pasting files into the textarea attaches them too), the tray of
//! attached files above it, and a send button — enabled with text or an uploaded file.
//!
//! The form's controls are drawn with DOM calls ([`draw`]) and its listeners sit on the form,
//! where the controls' events bubble to: a `view!` per control would compile to far more wasm.

use leptos::ev::{ClipboardEvent, Event, KeyboardEvent, MouseEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::tachys::html::node_ref::NodeRefContainer;
use parlour_shared::MessageBody;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use super::attachments::{Tray, TrayView};
use super::dom::{attr, child, text, Fill};
use super::icons;
use super::locale::use_locale;
use super::react::{effect, handler};
use crate::client::ClientHandle;
use crate::i18n::{t, Key, Locale};
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
        if !from_field(&ev) {
            return;
        }
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
        if !from_field(&ev) {
            return;
        }
        if let Some(files) = ev.clipboard_data().and_then(|data| data.files()).filter(|files| files.length() > 0) {
            ev.prevent_default();
            tray.add(client, &files);
        }
    };
    let on_pick = move |ev: Event| {
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).filter(|i| i.type_() == "file") {
            if let Some(files) = input.files() {
                tray.add(client, &files);
            }
            // So picking the same file again is a change too.
            input.set_value("");
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if from_field(&ev) && ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    // The paperclip opens the hidden file picker: through `showPicker`, because a synthetic
    // `click` on it would bubble back into this very listener while it runs. Browsers without
    // `showPicker` (before 2022) get the click a frame later, still within the user's gesture.
    let on_click = move |ev: MouseEvent| {
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        if target.and_then(|t| t.closest(".attach").ok().flatten()).is_some()
            && let Some(form) = ev.current_target().and_then(|t| t.dyn_into::<Element>().ok())
            && let Some(picker) = form.query_selector("input[type=file]").ok().flatten()
        {
            let picker = picker.unchecked_into::<HtmlInputElement>();
            if picker.show_picker().is_err() {
                request_animation_frame(move || picker.click());
            }
        }
    };

    view! {
        <TrayView client=client tray=tray composer=node_ref />
        <form
            class="composer"
            part="composer"
            node_ref=Fill(draw, (node_ref, use_locale(), unavailable, empty))
            on:submit=handler(move |ev: SubmitEvent| { ev.prevent_default(); submit(); })
            on:input=handler(on_input)
            on:keydown=handler(on_keydown)
            on:paste=handler(on_paste)
            on:change=handler(on_pick)
            on:click=handler(on_click)
        ></form>
    }
}

/// Whether an event bubbled up from the message field (not the file picker or a button).
fn from_field(ev: &web_sys::Event) -> bool {
    ev.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|t| t.id() == "parlour-input")
}

/// The picker, the labelled field, the paperclip and Send; then one shared effect disables the
/// field and the paperclip while chat is unavailable, and Send also while there is nothing to
/// send (cheaper in wasm than a reactive attribute each).
fn draw(
    form: &Element,
    (field_ref, locale, unavailable, empty): (NodeRef<html::Textarea>, Locale, impl Fn() -> bool + 'static, impl Fn() -> bool + 'static),
) {
    let picker = child(form, "input", "");
    attr(&picker, "type", "file");
    attr(&picker, "multiple", "");
    attr(&picker, "hidden", "");
    attr(&picker, "tabindex", "-1");
    let label = child(form, "label", "sr-only");
    attr(&label, "for", "parlour-input");
    text(&label, t(locale, Key::Message));
    let field = child(form, "textarea", "");
    attr(&field, "id", "parlour-input");
    attr(&field, "rows", "1");
    attr(&field, "placeholder", t(locale, Key::Placeholder));
    attr(&field, "maxlength", &MessageBody::MAX_CHARS.to_string());
    attr(&field, "enterkeyhint", "send");
    field_ref.load(&field);
    let attach = child(form, "button", "attach");
    attr(&attach, "type", "button");
    attr(&attach, "aria-label", t(locale, Key::AttachFiles));
    icons::draw(&attach, icons::PAPERCLIP);
    let send = child(form, "button", "send");
    attr(&send, "type", "submit");
    attr(&send, "part", "send-button");
    attr(&send, "aria-label", t(locale, Key::SendMessage));
    attr(&send, "disabled", "");
    icons::draw(&send, icons::SEND);
    effect(move || {
        let off = unavailable();
        let nothing = empty();
        let _ = field.toggle_attribute_with_force("disabled", off);
        let _ = attach.toggle_attribute_with_force("disabled", off);
        let _ = send.toggle_attribute_with_force("disabled", off || nothing);
    });
}
