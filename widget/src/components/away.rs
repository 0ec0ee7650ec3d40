//! Away mode's card in the conversation: when no agent is online, the project has away mode on
//! and the visitor has written, it asks for an email (`POST /v1/widget/contact`) so the reply can
//! go there. A bad address gets an inline error; once saved it says where the reply will go,
//! and the visitor is not asked again in this session (kept in the widget's storage).

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::{is_email, ContactRequest};

use super::locale::use_locale;
use crate::client::ClientHandle;
use crate::i18n::{t, Key};
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
    let error = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let away = Memo::new(move |_| {
        signals.away_mode.get()
            && signals.presence.with(|p| p.as_ref().is_some_and(|p| !p.online))
            && signals.timeline.with(|t| t.entries().iter().any(Entry::is_own))
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(field) = input.get_untracked() else { return };
        let email = field.value().trim().to_owned();
        if !is_email(&email) {
            error.set(Some(Key::FieldBadEmail));
            let _ = field.focus();
            return;
        }
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else {
            error.set(Some(Key::PreChatFailed));
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let request = ContactRequest { email: Some(email.clone()), ..ContactRequest::default() };
            let sent = http::save_contact(&base, &token, &request).await;
            let _ = busy.try_set(false);
            match sent {
                Ok(()) => {
                    client.with(|c| c.remember_email(email.clone()));
                    let _ = saved.try_set(Some(email));
                }
                Err(HttpError::Status { status: 400, .. }) => drop(error.try_set(Some(Key::FieldBadEmail))),
                Err(_) => drop(error.try_set(Some(Key::PreChatFailed))),
            }
        });
    };

    move || {
        if !away.get() {
            return None;
        }
        if let Some(email) = saved.get() {
            // The address stays left to right inside an Arabic sentence.
            let (before, after) = tr(Key::AwaySaved).split_once("{}").unwrap_or_default();
            return Some(view! { <p class="away saved" role="status">{before}<bdi>{email}</bdi>{after}</p> }.into_any());
        }
        Some(
            view! {
                <form class="away" on:submit=submit aria-labelledby="parlour-away-ask" novalidate>
                    <p class="away-ask" id="parlour-away-ask">{tr(Key::AwayAsk)}</p>
                    <div class="away-row">
                        <input
                            type="email"
                            name="email"
                            autocomplete="email"
                            inputmode="email"
                            required
                            node_ref=input
                            aria-label=tr(Key::EmailLabel)
                            placeholder=tr(Key::EmailLabel)
                            aria-invalid=move || error.with(Option::is_some).to_string()
                            aria-describedby="parlour-away-error"
                            on:input=move |_| error.set(None)
                        />
                        <button type="submit" class="away-save" disabled=move || busy.get()>{tr(Key::Save)}</button>
                    </div>
                    <p class="failed" id="parlour-away-error" role="alert">{move || error.get().map(tr)}</p>
                </form>
            }
            .into_any(),
        )
    }
}
