//! Where the visitor writes: a growing textarea (Enter sends, Shift+Enter starts a new line), a
//! paperclip that picks files (pasting files into the textarea attaches them too), the tray of
//! attached files above it, and a send button — enabled with text or an uploaded file.
//!
//! The form's controls are drawn with DOM calls ([`draw`]) and one listener sits on the form,
//! where the controls' events bubble to.

use leptos::prelude::*;
use parlour_shared::MessageBody;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, Element, Event, HtmlElement, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};

use super::attachments::{self, Tray};
use super::dom::{attr, child, element, listen, next_frame, text};
use super::icons;
use super::react::effect;
use crate::client::ClientHandle;
use crate::i18n::{t, Key, Locale};
use crate::state::Connection;

/// The tallest the textarea grows before it scrolls, in px (matches the stylesheet).
const MAX_HEIGHT_PX: i32 = 140;

/// The composer's elements, in order: the tray's notice and list, then the form.
pub fn draw(client: ClientHandle, locale: Locale, tray: Tray) -> Vec<Element> {
    // Whether the field holds only blanks: the text itself stays in the textarea (read when
    // sending), so no string signal, and no `prop:value` effect, are compiled in.
    let blank = RwSignal::new(true);
    let unavailable = move || matches!(client.signals.connection.get(), Connection::Unavailable(_));
    // Nothing to send, or a file still on its way (sending waits for it).
    let empty = move || (blank.get() && !tray.has_ready()) || tray.busy();

    let doc = document();
    let form = element(&doc, "form", "composer");
    attr(&form, "part", "composer");
    let area = draw_controls(&form, locale, unavailable, empty).unchecked_into::<HtmlTextAreaElement>();
    let [notice, list] = attachments::draw_tray(&doc, client, tray, locale);

    // Height follows the content (set through CSSOM, which strict-CSP hosts allow).
    let autosize = {
        let area = area.clone();
        move || {
            let style = HtmlElement::style(&area);
            let _ = style.set_property("height", "auto");
            let _ = style.set_property("height", &format!("{}px", area.scroll_height().min(MAX_HEIGHT_PX) + 2));
        }
    };
    let submit = move || {
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
            let _ = HtmlElement::style(&area).remove_property("height");
        }
    };
    // One listener for the controls' events, which bubble up to the form.
    listen(&form, &["submit", "input", "keydown", "paste", "change", "click"], move |ev| match ev.type_().as_str() {
        "submit" => {
            ev.prevent_default();
            submit();
        }
        "input" if from_field(&ev) => {
            let empty = ev.target().map(|t| t.unchecked_into::<HtmlTextAreaElement>().value()).unwrap_or_default().trim().is_empty();
            if !empty {
                client.with(crate::client::Client::typing_input);
            }
            blank.set(empty);
            autosize();
        }
        "keydown" => {
            let key = ev.unchecked_ref::<KeyboardEvent>();
            if from_field(&ev) && key.key() == "Enter" && !key.shift_key() && !key.is_composing() {
                ev.prevent_default();
                submit();
            }
        }
        // Files on the clipboard (a screenshot, files copied in a file manager) are attached;
        // text pastes as usual.
        "paste" if from_field(&ev) => {
            let data = ev.unchecked_ref::<ClipboardEvent>().clipboard_data();
            if let Some(files) = data.and_then(|data| data.files()).filter(|files| files.length() > 0) {
                ev.prevent_default();
                tray.add(client, &files);
            }
        }
        "change" => on_pick(client, tray, &ev),
        "click" => on_click(&ev),
        _ => {}
    });
    vec![notice, list, form]
}

/// A pick in the file picker: its files go to the tray.
fn on_pick(client: ClientHandle, tray: Tray, ev: &Event) {
    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).filter(|i| i.type_() == "file") {
        if let Some(files) = input.files() {
            tray.add(client, &files);
        }
        // So picking the same file again is a change too.
        input.set_value("");
    }
}

/// The paperclip opens the hidden file picker: through `showPicker`, because a synthetic
/// `click` on it would bubble back into the form's listener while it runs. Browsers without
/// `showPicker` (before 2022) get the click a frame later, still within the user's gesture.
fn on_click(ev: &Event) {
    let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
    if target.and_then(|t| t.closest(".attach").ok().flatten()).is_some()
        && let Some(form) = ev.current_target().and_then(|t| t.dyn_into::<Element>().ok())
        && let Some(picker) = form.query_selector("input[type=file]").ok().flatten()
    {
        let picker = picker.unchecked_into::<HtmlInputElement>();
        if picker.show_picker().is_err() {
            next_frame(move || picker.click());
        }
    }
}

/// Whether an event bubbled up from the message field (not the file picker or a button).
fn from_field(ev: &Event) -> bool {
    ev.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|t| t.id() == "parlour-input")
}

/// The picker, the labelled field (returned), the paperclip and Send; then one shared effect
/// disables the field and the paperclip while chat is unavailable, and Send also while there is
/// nothing to send (cheaper in wasm than a reactive attribute each).
fn draw_controls(form: &Element, locale: Locale, unavailable: impl Fn() -> bool + 'static, empty: impl Fn() -> bool + 'static) -> Element {
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
    let area = field.clone();
    effect(move || {
        let off = unavailable();
        let nothing = empty();
        let _ = area.toggle_attribute_with_force("disabled", off);
        let _ = attach.toggle_attribute_with_force("disabled", off);
        let _ = send.toggle_attribute_with_force("disabled", off || nothing);
    });
    field
}
