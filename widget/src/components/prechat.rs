//! The pre-chat form, shown instead of the composer until the visitor has sent it: one labelled
//! input per field of the project's form (minus what `boot({name, email})` already gave),
//! required marks, inline errors in the widget's language, Enter to send, focus on the first
//! field in error. Sent with `POST /v1/widget/contact`; then the composer comes back.

use leptos::ev::{Event, KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use parlour_shared::rest::{
    ContactProblem, ContactRequest, MAX_CONTACT_EMAIL, MAX_CONTACT_FIELD, MAX_CONTACT_NAME,
    check_contact_value,
};
use parlour_shared::session::{FieldKind, PreChatField};
use wasm_bindgen::JsCast;

use super::locale::{tr, use_locale};
use crate::client::ClientHandle;
use crate::i18n::Locale;
use crate::i18n::{Key, t};
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
fn refused_field(err: &HttpError, fields: &[PreChatField]) -> Option<(usize, Key)> {
    let HttpError::Status {
        status: 400,
        body: Some(body),
    } = err
    else {
        return None;
    };
    let (key, why) = body.message.split_once(": ")?;
    let index = fields.iter().position(|f| f.key == key)?;
    let message = match why {
        "not an email address" => Key::FieldBadEmail,
        "too long" => Key::FieldTooLong,
        _ => Key::FieldRequired,
    };
    Some((index, message))
}

/// The request the answers make: `name` and `email` are the built-in keys.
fn request(fields: &[PreChatField], values: &[String]) -> ContactRequest {
    let mut request = ContactRequest::default();
    for (field, value) in fields.iter().zip(values) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match field.key.as_str() {
            "name" => request.name = Some(value.to_owned()),
            "email" => request.email = Some(value.to_owned()),
            key => {
                request.fields.insert(key.to_owned(), value.to_owned());
            }
        }
    }
    request
}

/// The form's element `#parlour-pc-<suffix>`.
fn part(form: &web_sys::HtmlFormElement, suffix: &str) -> Option<web_sys::Element> {
    form.query_selector(&format!("#parlour-pc-{suffix}"))
        .ok()
        .flatten()
}

/// What the visitor typed in field `index`.
fn value_of(form: &web_sys::HtmlFormElement, index: usize) -> String {
    part(form, &index.to_string())
        .and_then(|input| js_sys::Reflect::get(&input, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

/// Shows (or clears) field `index`'s error: `aria-invalid` and the text under it, which the
/// field names with `aria-describedby`.
fn show_error(form: &web_sys::HtmlFormElement, index: usize, error: Option<Key>, locale: Locale) {
    if let Some(input) = part(form, &index.to_string()) {
        let _ = input.set_attribute(
            "aria-invalid",
            if error.is_some() { "true" } else { "false" },
        );
    }
    if let Some(text) = part(form, &format!("{index}-error")) {
        text.set_text_content(error.map(|key| t(locale, key)));
    }
}

/// Moves the focus to field `index`.
fn focus_field(form: &web_sys::HtmlFormElement, index: usize) {
    if let Some(input) = part(form, &index.to_string()) {
        let _ = input.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

/// Adds one labelled input per field to `rows` (built with the DOM API rather than a view per
/// field kind: the same markup for a fraction of the wasm): `<div class="pc-field"><label>…</label>
/// <input|textarea id="parlour-pc-<i>" …><p class="pc-error" id="parlour-pc-<i>-error"></p></div>`.
fn add_fields(rows: &web_sys::HtmlDivElement, fields: &[PreChatField]) {
    let Some(doc) = rows.owner_document() else {
        return;
    };
    let make = |tag: &str, class: &str| {
        let el = doc.create_element(tag).ok()?;
        if !class.is_empty() {
            el.set_class_name(class);
        }
        Some(el)
    };
    for (i, field) in fields.iter().enumerate() {
        let (Some(row), Some(label), Some(error)) = (
            make("div", "pc-field"),
            make("label", ""),
            make("p", "pc-error"),
        ) else {
            return;
        };
        let textarea = field.kind == FieldKind::Textarea;
        let Some(input) = make(if textarea { "textarea" } else { "input" }, "") else {
            return;
        };
        let id = format!("parlour-pc-{i}");
        let error_id = format!("{id}-error");
        let (kind, autocomplete, max) = match (field.key.as_str(), field.kind) {
            ("name", _) => ("text", "name", MAX_CONTACT_NAME),
            (_, FieldKind::Email) => ("email", "email", MAX_CONTACT_EMAIL),
            (_, FieldKind::Tel) => ("tel", "tel", MAX_CONTACT_FIELD),
            _ => ("text", "off", MAX_CONTACT_FIELD),
        };
        let max = max.to_string();
        let required = if field.required { "true" } else { "false" };
        let mut attributes = vec![
            ("id", id.as_str()),
            ("name", field.key.as_str()),
            ("maxlength", max.as_str()),
        ];
        attributes.extend([
            ("aria-required", required),
            ("aria-invalid", "false"),
            ("aria-describedby", error_id.as_str()),
        ]);
        attributes.extend(if textarea {
            [("rows", "3"), ("autocomplete", "off")]
        } else {
            [("type", kind), ("autocomplete", autocomplete)]
        });
        for (name, value) in attributes {
            let _ = input.set_attribute(name, value);
        }
        let _ = label.set_attribute("for", &id);
        label.set_text_content(Some(&field.label));
        if field.required
            && let Some(mark) = make("span", "pc-required")
        {
            let _ = mark.set_attribute("aria-hidden", "true");
            mark.set_text_content(Some(" *"));
            let _ = label.append_child(&mark);
        }
        let _ = error.set_attribute("id", &error_id);
        for child in [&label, &input, &error] {
            let _ = row.append_child(child);
        }
        let _ = rows.append_child(&row);
    }
}

/// Reads the fields of the form the client wants shown (`client.signals.pre_chat`), if any.
fn with_fields<R>(client: ClientHandle, f: impl FnOnce(&[PreChatField]) -> R) -> Option<R> {
    client.signals.pre_chat.with_untracked(|form| form.as_ref().map(|form| f(&form.fields)))
}

/// The form the client wants shown (`client.signals.pre_chat`; the panel shows this form only
/// while there is one, and builds it anew when it changes). `composer_ref` gets the focus back
/// once the form is sent. Errors, the busy state and the failure notice are set on the DOM
/// directly (no signal per field: the wasm stays small).
#[component]
pub fn PreChatForm(client: ClientHandle, composer_ref: NodeRef<html::Textarea>) -> impl IntoView {
    let locale = use_locale();
    let busy = StoredValue::new(false);
    let form_ref = NodeRef::<html::Form>::new();

    // Focus follows the visitor into the form: when the panel opens, or when the form appears
    // while the focus is in the widget (the composer it replaces, the launcher just pressed);
    // never away from the host page (a default-open panel does not steal the page's focus).
    let had_focus = composer_ref
        .get_untracked()
        .is_some_and(|area| area.matches(":focus").unwrap_or(false));
    let open = client.signals.open;
    let rows_ref = NodeRef::<html::Div>::new();
    Effect::new(move |before: Option<bool>| {
        let now = open.get();
        if before.is_none()
            && let Some(rows) = rows_ref.get_untracked()
        {
            with_fields(client, |fields| add_fields(&rows, fields));
        }
        if let Some(form) = form_ref.get_untracked() {
            let in_widget = || {
                form.get_root_node()
                    .dyn_into::<web_sys::ShadowRoot>()
                    .is_ok_and(|root| root.active_element().is_some())
            };
            if now && (before == Some(false) || (before.is_none() && (had_focus || in_widget()))) {
                focus_field(&form, 0);
            }
        }
        now
    });

    let submit = move || {
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        if busy.get_value() {
            return;
        }
        // Every field checked (each error shown), then the request, or the first field in error.
        let checked = with_fields(client, |fields| {
            let values: Vec<String> = (0..fields.len()).map(|i| value_of(&form, i)).collect();
            let mut first = None;
            for (i, (field, value)) in fields.iter().zip(&values).enumerate() {
                let error = problem(field, value);
                show_error(&form, i, error, locale);
                first = first.or(error.map(|_| i));
            }
            first.map_or_else(|| Ok(request(fields, &values)), Err)
        });
        let notice = part(&form, "failed");
        if let Some(notice) = &notice {
            let _ = notice.set_attribute("hidden", "");
        }
        let request = match checked {
            Some(Ok(request)) => request,
            Some(Err(index)) => return focus_field(&form, index),
            None => return,
        };
        let button = form.query_selector(".pc-submit").ok().flatten();
        let set_busy = move |on: bool| {
            busy.set_value(on);
            if let Some(button) = &button {
                let _ = if on {
                    button.set_attribute("disabled", "")
                } else {
                    button.remove_attribute("disabled")
                };
            }
        };
        set_busy(true);
        client.with(|c| {
            c.submit_contact(request, move |outcome| {
                set_busy(false);
                match outcome {
                    Ok(()) => request_animation_frame(move || {
                        if let Some(area) = composer_ref.get_untracked() {
                            let _ = area.focus();
                        }
                    }),
                    Err(err) => match with_fields(client, |fields| refused_field(&err, fields)).flatten() {
                        Some((index, message)) => {
                            show_error(&form, index, Some(message), locale);
                            focus_field(&form, index);
                        }
                        None => {
                            if let Some(notice) = &notice {
                                let _ = notice.remove_attribute("hidden");
                            }
                        }
                    },
                }
            });
        });
    };
    // Delegated: typing clears that field's error; Enter in a textarea sends (Shift+Enter: a line).
    let on_input = move |ev: Event| {
        let (Some(form), Some(target)) = (form_ref.get_untracked(), ev.target()) else {
            return;
        };
        let input: web_sys::Element = target.unchecked_into();
        if input.get_attribute("aria-invalid").as_deref() == Some("true") {
            let _ = input.set_attribute("aria-invalid", "false");
            if let Some(text) = part(
                &form,
                &format!("{}-error", input.id().trim_start_matches("parlour-pc-")),
            ) {
                text.set_text_content(None);
            }
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let in_textarea = ev
            .target()
            .is_some_and(|t| t.unchecked_into::<web_sys::Element>().tag_name() == "TEXTAREA");
        if in_textarea && ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <form
            class="prechat"
            part="prechat"
            novalidate=true
            aria-labelledby="parlour-pc-intro"
            node_ref=form_ref
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit();
            }
            on:input=on_input
            on:keydown=on_keydown
        >
            <p class="pc-intro" id="parlour-pc-intro">{tr(Key::PreChatIntro)}</p>
            <div class="pc-fields" node_ref=rows_ref></div>
            <p class="notice error" id="parlour-pc-failed" role="alert" hidden=true>{tr(Key::PreChatFailed)}</p>
            <button type="submit" class="pc-submit">{tr(Key::PreChatSubmit)}</button>
        </form>
    }
}
