//! Away mode's card in the conversation: when no agent is online, the project has away mode on
//! and the visitor has written, it asks for an email (`POST /v1/widget/contact`) so the reply can
//! go there. A bad address gets an inline error; once saved it says where the reply will go,
//! and the visitor is not asked again in this session (kept in the widget's storage).

use leptos::ev::{Event, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::{is_email, ContactRequest};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use super::dom::{attr, child, text, Fill};
use super::locale::use_locale;
use crate::components::react::handler;
use crate::client::ClientHandle;
use crate::i18n::{t, Key, Locale};
use crate::state::Entry;
use crate::transport::http::{self, HttpError};

/// The card (nothing while an agent is online, before the first message, or with away mode off).
#[component]
pub fn AwayCard(client: ClientHandle) -> impl IntoView {
    let signals = client.signals;
    let locale = use_locale();
    let tr = move |key| t(locale, key);
    let saved = RwSignal::new(None::<String>);
    client.with(|c| saved.set(c.saved_email()));
    let away = Memo::new(move |_| {
        signals.away_mode.get()
            && signals.presence.with(|p| p.as_ref().is_some_and(|p| !p.online))
            && signals.timeline.with(|t| t.entries().iter().any(Entry::is_own))
    });

    // The error, the busy button and the invalid field are set on the drawn form directly.
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().map(JsCast::unchecked_into::<Element>) else { return };
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
    };
    let clear = move |ev: Event| {
        if let Some(form) = ev.target().and_then(|field| field.unchecked_into::<Element>().closest("form").ok().flatten()) {
            show_error(&form, None);
        }
    };

    // The form's content is drawn with DOM calls (see `draw`): one element for tachys to build
    // instead of a view type per part.
    view! {
        {move || (away.get() && saved.with(Option::is_none)).then(|| view! {
            <form class="away" aria-labelledby="parlour-away-ask" novalidate node_ref=Fill(draw, locale) on:submit=handler(submit) on:input=handler(clear)></form>
        })}
        {move || away.get().then(|| saved.get()).flatten().map(|email| {
            // The address stays left to right inside an Arabic sentence.
            let (before, after) = tr(Key::AwaySaved).split_once("{}").unwrap_or_default();
            view! { <p class="away saved" role="status">{before}<bdi>{email}</bdi>{after}</p> }
        })}
    }
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
fn draw(form: &Element, locale: Locale) {
    let tr = |key| t(locale, key);
    form.set_text_content(None);
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
