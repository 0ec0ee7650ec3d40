//! The pre-chat form, shown instead of the composer until the visitor has sent it: one labelled
//! input per field of the project's form (minus what `boot({name, email})` already gave),
//! required marks, inline errors in the widget's language, Enter to send, focus on the first
//! field in error. Sent with `POST /v1/widget/contact`; then the composer comes back.

use leptos::prelude::*;
use parlour_shared::rest::{
    ContactProblem, ContactRequest, MAX_CONTACT_EMAIL, MAX_CONTACT_FIELD, MAX_CONTACT_NAME,
    check_contact_value,
};
use parlour_shared::session::{FieldKind, PreChatField};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlFormElement, KeyboardEvent};

use super::dom::{self, attr, child, element, listen, text};
use super::react::effect_with;
use crate::client::ClientHandle;
use crate::i18n::{Key, Locale, t};
use crate::transport::http::HttpError;

/// What is wrong with `value` for `field`, if anything.
fn problem(field: &PreChatField, value: &str) -> Option<Key> {
    if field.required && value.trim().is_empty() {
        return Some(Key::FieldRequired);
    }
    check_contact_value(&field.key, value, field.kind == FieldKind::Email)
        .err()
        .map(|err| key_of(err.problem))
}

const fn key_of(problem: ContactProblem) -> Key {
    match problem {
        ContactProblem::Missing | ContactProblem::Unknown => Key::FieldRequired,
        ContactProblem::TooLong => Key::FieldTooLong,
        ContactProblem::BadEmail => Key::FieldBadEmail,
    }
}

/// The field a server refusal names (`<key>: <reason>`), and the message for it.
fn refused_field(form: &Element, err: &HttpError) -> Option<(Element, Key)> {
    let HttpError::Status {
        status: 400,
        body: Some(body),
    } = err
    else {
        return None;
    };
    let (key, why) = body.message.split_once(": ")?;
    // Keys are `[a-z0-9_-]`; each field's input is named after its key.
    let input = form.query_selector(&format!("[name=\"{key}\"]")).ok().flatten()?;
    let message = match why {
        "not an email address" => Key::FieldBadEmail,
        "too long" => Key::FieldTooLong,
        _ => Key::FieldRequired,
    };
    Some((input, message))
}

/// Adds the answer `value` to `request`: `name` and `email` are the built-in keys.
fn add(request: &mut ContactRequest, field: &PreChatField, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    match field.key.as_str() {
        "name" => request.name = Some(value.to_owned()),
        "email" => request.email = Some(value.to_owned()),
        key => {
            request.fields.insert(key.to_owned(), value.to_owned());
        }
    }
}

/// The form's field `index` (`#parlour-pc-<index>`).
fn field(form: &Element, index: usize) -> Option<Element> {
    form.query_selector(&format!("#parlour-pc-{index}")).ok().flatten()
}

/// What the visitor typed in `input` (an `<input>` or a `<textarea>`).
fn value_of(input: &Element) -> String {
    js_sys::Reflect::get(input, &"value".into())
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

/// Shows (or clears) the error of `input` (one of the form's fields): `aria-invalid` and the text
/// under it (its next sibling), which the field names with `aria-describedby`.
fn show_error(input: &Element, error: Option<&str>) {
    attr(input, "aria-invalid", if error.is_some() { "true" } else { "false" });
    if let Some(text) = input.next_element_sibling() {
        text.set_text_content(error);
    }
}

/// Moves the focus to `input`.
fn focus(input: Element) {
    let _ = input.unchecked_into::<web_sys::HtmlElement>().focus();
}

/// Draws the form's content with DOM calls: the intro, one labelled input per field —
/// `<div class="pc-field"><label>…</label><input|textarea id="parlour-pc-<i>" …>
/// <p class="pc-error" id="parlour-pc-<i>-error"></p></div>` —, the failure notice and Submit.
fn draw(form: &Element, locale: Locale, fields: &[PreChatField]) {
    let tr = |key| t(locale, key);
    attr(form, "class", "prechat");
    attr(form, "part", "prechat");
    attr(form, "novalidate", "");
    attr(form, "aria-labelledby", "parlour-pc-intro");
    let intro = child(form, "p", "pc-intro");
    attr(&intro, "id", "parlour-pc-intro");
    text(&intro, tr(Key::PreChatIntro));
    let rows = child(form, "div", "pc-fields");
    for (i, field) in fields.iter().enumerate() {
        let row = child(&rows, "div", "pc-field");
        let label = child(&row, "label", "");
        let textarea = field.kind == FieldKind::Textarea;
        let input = child(&row, if textarea { "textarea" } else { "input" }, "");
        let error = child(&row, "p", "pc-error");
        let id = format!("parlour-pc-{i}");
        let error_id = format!("{id}-error");
        let (kind, autocomplete, max) = match (field.key.as_str(), field.kind) {
            ("name", _) => ("text", "name", MAX_CONTACT_NAME),
            (_, FieldKind::Email) => ("email", "email", MAX_CONTACT_EMAIL),
            (_, FieldKind::Tel) => ("tel", "tel", MAX_CONTACT_FIELD),
            _ => ("text", "off", MAX_CONTACT_FIELD),
        };
        attr(&input, "id", &id);
        attr(&input, "name", &field.key);
        attr(&input, "maxlength", &max.to_string());
        attr(&input, "aria-required", if field.required { "true" } else { "false" });
        attr(&input, "aria-invalid", "false");
        attr(&input, "aria-describedby", &error_id);
        if textarea {
            attr(&input, "rows", "3");
            attr(&input, "autocomplete", "off");
        } else {
            attr(&input, "type", kind);
            attr(&input, "autocomplete", autocomplete);
        }
        attr(&label, "for", &id);
        text(&label, &field.label);
        if field.required {
            let mark = child(&label, "span", "pc-required");
            attr(&mark, "aria-hidden", "true");
            text(&mark, " *");
        }
        attr(&error, "id", &error_id);
    }
    let failed = child(form, "p", "notice error");
    attr(&failed, "id", "parlour-pc-failed");
    attr(&failed, "role", "alert");
    attr(&failed, "hidden", "");
    text(&failed, tr(Key::PreChatFailed));
    let submit = child(form, "button", "pc-submit");
    attr(&submit, "type", "submit");
    text(&submit, tr(Key::PreChatSubmit));
}

/// Draws the form, then starts the effect that moves the focus into it. `had_focus`: whether the
/// composer this form replaces had the focus.
fn setup(form: &Element, client: ClientHandle, locale: Locale, had_focus: bool) {
    with_fields(client, |fields| draw(form, locale, fields));
    // Focus follows the visitor into the form: when the panel opens, or when the form appears
    // while the focus is in the widget (the composer it replaces, the launcher just pressed);
    // never away from the host page (a default-open panel does not steal the page's focus).
    let form = form.clone();
    let open = client.signals.open;
    effect_with(move |before: Option<bool>| {
        let now = open.get();
        let in_widget = || {
            form.get_root_node()
                .dyn_into::<web_sys::ShadowRoot>()
                .is_ok_and(|root| root.active_element().is_some())
        };
        if now
            && (before == Some(false) || (before.is_none() && (had_focus || in_widget())))
            && let Some(input) = field(&form, 0)
        {
            focus(input);
        }
        now
    });
}

/// Reads the fields of the form the client wants shown (`client.signals.pre_chat`), if any.
fn with_fields<R>(client: ClientHandle, f: impl FnOnce(&[PreChatField]) -> R) -> Option<R> {
    client.signals.pre_chat.with_untracked(|form| form.as_ref().map(|form| f(&form.fields)))
}

/// Checks every field (each error shown): the request, or the first field in error.
fn check(form: &Element, fields: &[PreChatField], locale: Locale) -> Result<ContactRequest, Option<Element>> {
    let mut request = ContactRequest::default();
    let mut first = None;
    for (i, field) in fields.iter().enumerate() {
        let input = self::field(form, i);
        let value = input.as_ref().map(value_of).unwrap_or_default();
        let error = problem(field, &value);
        if let Some(input) = &input {
            show_error(input, error.map(|key| t(locale, key)));
        }
        if error.is_some() && first.is_none() {
            first = Some(input);
        }
        add(&mut request, field, &value);
    }
    first.map_or(Ok(request), Err)
}

/// The form the client wants shown (`client.signals.pre_chat`; the panel shows this form only
/// while there is one, and draws it anew when it changes), to put where the composer was; the
/// composer gets the focus back once the form is sent. Errors, the busy state (the disabled
/// Submit) and the failure notice are set on the DOM directly (no signal per field: the wasm
/// stays small).
pub fn draw_form(client: ClientHandle, locale: Locale, had_focus: bool) -> Element {
    let form = element(&document(), "form", "");
    setup(&form, client, locale, had_focus);
    listen(&form, &["submit", "input"], move |ev| {
        if ev.type_() == "submit" {
            submit(client, locale, &ev);
        } else {
            clear(&ev);
        }
    });
    // A listener of its own: the submit it requests is dispatched while it runs, and a closure
    // cannot be called again from within itself.
    listen(&form, &["keydown"], |ev| keydown(ev.unchecked_ref()));
    form
}

/// Checks and sends the form.
fn submit(client: ClientHandle, locale: Locale, ev: &Event) {
    ev.prevent_default();
    let Some(form) = ev.target().map(JsCast::unchecked_into::<Element>) else {
        return;
    };
    let find = |selector| form.query_selector(selector).ok().flatten();
    let (Some(button), Some(notice)) = (find(".pc-submit"), find("#parlour-pc-failed")) else {
        return;
    };
    if button.has_attribute("disabled") {
        return;
    }
    let checked = with_fields(client, |fields| check(&form, fields, locale));
    attr(&notice, "hidden", "");
    let request = match checked {
        Some(Ok(request)) => request,
        Some(Err(first)) => return first.map_or((), focus),
        None => return,
    };
    attr(&button, "disabled", "");
    // Where the composer comes back once the form is sent.
    let chat = form.parent_element();
    client.with(|c| {
        c.submit_contact(request, move |outcome| {
            let _ = button.remove_attribute("disabled");
            match outcome {
                Ok(()) => dom::next_frame(move || {
                    if let Some(chat) = chat {
                        dom::focus(&chat, "#parlour-input");
                    }
                }),
                Err(err) => match refused_field(&form, &err) {
                    Some((input, message)) => {
                        show_error(&input, Some(t(locale, message)));
                        focus(input);
                    }
                    None => {
                        let _ = notice.remove_attribute("hidden");
                    }
                },
            }
        });
    });
}

/// Typing clears that field's error.
fn clear(ev: &Event) {
    if let Some(input) = ev.target().map(JsCast::unchecked_into::<Element>)
        && input.get_attribute("aria-invalid").as_deref() == Some("true")
    {
        show_error(&input, None);
    }
}

/// Enter in a textarea sends (Shift+Enter: a line), like Enter in an input.
fn keydown(ev: &KeyboardEvent) {
    let Some(target) = ev.target().map(JsCast::unchecked_into::<Element>) else {
        return;
    };
    if target.tag_name() == "TEXTAREA" && ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
        ev.prevent_default();
        if let Ok(Some(form)) = target.closest("form") {
            let _ = form.unchecked_into::<HtmlFormElement>().request_submit();
        }
    }
}
