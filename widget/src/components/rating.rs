//! The satisfaction rating card, shown under a closed conversation: five stars as native radio
//! buttons in a fieldset (so the browser provides the radio group's keyboard behaviour, right to
//! left included, and refuses a submit without a score), an optional comment and Submit; then
//! "Thanks for your feedback". The server keeps the rating, so a reload does not ask
//! again. On load, when the visitor has no current conversation and their newest one was closed
//! without a rating, the card asks about that one.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::{MAX_RATING_COMMENT, RatingRequest};
use parlour_shared::{ConversationId, ConversationStatus};

use super::locale::use_locale;
use crate::client::ClientHandle;
use crate::i18n::{Key, fill, t};
use crate::state::Connection;
use crate::transport::http;

/// The highest score.
const STARS: u8 = 5;

/// The card (nothing while there is nothing to rate).
#[component]
pub fn RatingCard(client: ClientHandle) -> impl IntoView {
    let signals = client.signals;
    let locale = use_locale();
    let tr = move |key| t(locale, key);
    // The newest conversation, when the page loaded without a current one and it awaits a rating.
    let earlier = RwSignal::new(None::<ConversationId>);
    let rated = RwSignal::new(None::<ConversationId>);
    let failed = RwSignal::new(false);
    let form_ref = NodeRef::<html::Form>::new();
    let comment_ref = NodeRef::<html::Textarea>::new();

    // Once, when the first link comes up: is there an unrated closed conversation to ask about?
    let checked = StoredValue::new(false);
    Effect::new(move |_| {
        if signals.connection.get() != Connection::Online || checked.get_value() {
            return;
        }
        checked.set_value(true);
        if signals.timeline.with_untracked(|t| t.conversation_id().is_some() || !t.entries().is_empty()) {
            return;
        }
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else { return };
        spawn_local(async move {
            if let Ok(list) = http::list_conversations(&base, &token, 1, 0).await
                && let Some(newest) = list.results.first()
                && newest.status == ConversationStatus::Closed
                && newest.rating.is_none()
            {
                let _ = earlier.try_set(Some(newest.id));
            }
        });
    });

    let target = Memo::new(move |_| {
        let (current, empty) = signals.timeline.with(|t| (t.conversation_id(), t.entries().is_empty()));
        if signals.closed.get() {
            current
        } else if empty && current.is_none() {
            earlier.get()
        } else {
            None
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The browser only submits with a score chosen (the radios are `required`).
        let chosen = form_ref
            .get_untracked()
            .and_then(|f| f.query_selector("input:checked").ok().flatten())
            .and_then(|input| input.get_attribute("value"))
            .and_then(|v| v.parse::<u8>().ok());
        let (Some(id), Some(score)) = (target.get_untracked(), chosen) else { return };
        let comment = comment_ref.get_untracked().map(|c| c.value()).filter(|c| !c.trim().is_empty());
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else { return };
        spawn_local(async move {
            let sent = http::rate(&base, &token, id, &RatingRequest { score, comment }).await;
            let _ = failed.try_set(sent.is_err());
            if sent.is_ok() {
                let _ = rated.try_set(Some(id));
            }
        });
    };

    move || {
        let id = target.get()?;
        if rated.get() == Some(id) {
            return Some(view! { <p class="rating thanks" role="status">{tr(Key::RateThanks)}</p> }.into_any());
        }
        let stars = (1..=STARS)
            .map(|n| {
                view! {
                    <label class="star">
                        <input type="radio" class="sr-only" name="score" value=n required />
                        <span aria-hidden="true">"★"</span>
                        <span class="sr-only">{fill(tr(Key::RateScore), &n.to_string())}</span>
                    </label>
                }
                .into_any()
            })
            .collect::<Vec<_>>();
        Some(
            view! {
                <form class="rating" node_ref=form_ref on:submit=submit>
                    <fieldset class="stars">
                        <legend class="rating-title">{tr(Key::RateTitle)}</legend>
                        {stars}
                    </fieldset>
                    <textarea
                        class="rating-comment"
                        node_ref=comment_ref
                        rows="2"
                        maxlength=MAX_RATING_COMMENT
                        aria-label=tr(Key::RateComment)
                        placeholder=tr(Key::RateComment)
                    ></textarea>
                    <p class="failed" role="alert" hidden=move || !failed.get()>{tr(Key::NotSent)}</p>
                    <button type="submit" class="rating-submit">{tr(Key::RateSubmit)}</button>
                </form>
            }
            .into_any(),
        )
    }
}
