//! Away mode's card in the conversation: when no agent is online, the project has away mode on
//! and the visitor has written, it asks for an email (`POST /v1/widget/contact`) so the reply can
//! go there. A bad address gets an inline error; once saved it says where the reply will go,
//! and the visitor is not asked again in this session (kept in the widget's storage).

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::{is_email, ContactRequest};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, Node};

use super::dom::{attr, child, element, listen, text};
use super::react::region;
use crate::client::ClientHandle;
use crate::i18n::{t, Key, Locale};
use crate::state::Entry;
use crate::transport::http::{self, HttpError};

/// Draws the card before `mark` (nothing while an agent is online, before the first message, or
/// with away mode off): the form, or once saved where the reply will go.
pub fn draw(mark: Node, client: ClientHandle, locale: Locale) {
    let signals = client.signals;
    let saved = RwSignal::new(None::<String>);
    client.with(|c| saved.set(c.saved_email()));
    // 0: no card, 1: the form, 2: the address saved.
    let card = move || {
        let away = signals.away_mode.get()
            && signals.presence.with(|p| p.as_ref().is_some_and(|p| !p.online))
            && signals.timeline.with(|t| t.entries().iter().any(Entry::is_own));
        if away { 1 + u8::from(saved.with(Option::is_some)) } else { 0 }
    };
    region(mark, card, move |card| match card {
        1 => vec![draw_form(client, locale, saved)],
        2 => vec![draw_saved(locale, &saved.get_untracked().unwrap_or_default())],
        _ => Vec::new(),
    });
}

/// The address saved: "Thanks, we'll reply to <bdi>address</bdi>".
fn draw_saved(locale: Locale, email: &str) -> Element {
    let p = element(&document(), "p", "away saved");
    attr(&p, "role", "status");
    // The address stays left to right inside an Arabic sentence.
    let (before, after) = t(locale, Key::AwaySaved).split_once("{}").unwrap_or_default();
    text(&p, before);
    text(&child(&p, "bdi", ""), email);
    text(&p, after);
    p
}

/// The form asking for an address; the error, the busy button and the invalid field are set on
/// it directly.
fn draw_form(client: ClientHandle, locale: Locale, saved: RwSignal<Option<String>>) -> Element {
    let form = element(&document(), "form", "away");
    attr(&form, "aria-labelledby", "parlour-away-ask");
    attr(&form, "novalidate", "");
    draw_fields(&form, locale);
    let el = form.clone();
    listen(&form, &["submit", "input"], move |ev| {
        if ev.type_() == "input" {
            show_error(&el, None);
            return;
        }
        ev.prevent_default();
        let form = el.clone();
        let Some(field) = form.query_selector("input").ok().flatten().map(JsCast::unchecked_into::<HtmlInputElement>) else { return };
        let email = field.value().trim().to_owned();
        if !is_email(&email) {
            show_error(&form, Some(t(locale, Key::FieldBadEmail)));
            let _ = field.focus();
            return;
        }
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else {
            show_error(&form, Some(t(locale, Key::PreChatFailed)));
            return;
        };
        let button = form.query_selector("button").ok().flatten();
        let busy = move |on| button.as_ref().map(|b| b.toggle_attribute_with_force("disabled", on));
        busy(true);
        show_error(&form, None);
        spawn_local(async move {
            let request = ContactRequest { email: Some(email.clone()), ..ContactRequest::default() };
            let sent = http::save_contact(&base, &token, &request).await;
            busy(false);
            match sent {
                Ok(()) => {
                    client.with(|c| c.remember_email(email.clone()));
                    let _ = saved.try_set(Some(email));
                }
                Err(HttpError::Status { status: 400, .. }) => show_error(&form, Some(t(locale, Key::FieldBadEmail))),
                Err(_) => show_error(&form, Some(t(locale, Key::PreChatFailed))),
            }
        });
    });
    form
}

/// Shows `message` under the field (none clears it) and marks the field invalid while there is one.
fn show_error(form: &Element, message: Option<&str>) {
    if let Ok(Some(field)) = form.query_selector("input") {
        attr(&field, "aria-invalid", if message.is_some() { "true" } else { "false" });
    }
    if let Ok(Some(error)) = form.query_selector(".failed") {
        error.set_text_content(message);
    }
}

/// The question, the email field with Save, and the (empty) error line.
fn draw_fields(form: &Element, locale: Locale) {
    let tr = |key| t(locale, key);
    let ask = child(form, "p", "away-ask");
    attr(&ask, "id", "parlour-away-ask");
    text(&ask, tr(Key::AwayAsk));
    let row = child(form, "div", "away-row");
    let field = child(&row, "input", "");
    for (name, value) in [
        ("type", "email"),
        ("name", "email"),
        ("autocomplete", "email"),
        ("inputmode", "email"),
        ("required", ""),
        ("aria-label", tr(Key::EmailLabel)),
        ("placeholder", tr(Key::EmailLabel)),
        ("aria-invalid", "false"),
        ("aria-describedby", "parlour-away-error"),
    ] {
        attr(&field, name, value);
    }
    let save = child(&row, "button", "away-save");
    attr(&save, "type", "submit");
    text(&save, tr(Key::Save));
    let error = child(form, "p", "failed");
    attr(&error, "id", "parlour-away-error");
    attr(&error, "role", "alert");
}
