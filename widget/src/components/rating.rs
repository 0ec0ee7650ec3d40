//! The satisfaction rating card, shown under a closed conversation: five stars as native radio
//! buttons in a fieldset (so the browser provides the radio group's keyboard behaviour, right to
//! left included, and refuses a submit without a score), an optional comment and Submit; then
//! "Thanks for your feedback". The server keeps the rating, so a reload does not ask
//! again. On load, when the visitor has no current conversation and their newest one was closed
//! without a rating, the card asks about that one.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::{MAX_RATING_COMMENT, RatingRequest};
use parlour_shared::{ConversationId, ConversationStatus};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement, Node};

use super::dom::{attr, child, element, listen, text};
use crate::components::react::{effect, region};
use crate::client::ClientHandle;
use crate::i18n::{Key, Locale, fill, t};
use crate::state::Connection;
use crate::transport::http;

/// The highest score.
const STARS: u8 = 5;

/// What the card knows beyond the client's signals: plain cells, and one trigger that tells the
/// card they changed (lighter in wasm than a signal of its own type each).
struct Asked {
    client: ClientHandle,
    /// The newest conversation, when the page loaded without a current one and it awaits a rating.
    earlier: Cell<Option<ConversationId>>,
    /// The conversation rated here.
    rated: Cell<Option<ConversationId>>,
    changed: Trigger,
}

impl Asked {
    /// The conversation to rate (tracked).
    fn target(&self) -> Option<ConversationId> {
        let signals = self.client.signals;
        self.changed.track();
        let (current, empty) = signals.timeline.with(|t| (t.conversation_id(), t.entries().is_empty()));
        if signals.closed.get() {
            current
        } else if empty && current.is_none() {
            self.earlier.get()
        } else {
            None
        }
    }

    /// 0: nothing to rate, 1: the form, 2: rated (tracked).
    fn card(&self) -> u8 {
        self.target().map_or(0, |id| 1 + u8::from(self.rated.get() == Some(id)))
    }
}

/// Draws the card before `mark` (nothing while there is nothing to rate).
pub fn draw(mark: Node, client: ClientHandle, locale: Locale) {
    let signals = client.signals;
    let asked = Rc::new(Asked { client, earlier: Cell::new(None), rated: Cell::new(None), changed: Trigger::new() });

    // Once, when the first link comes up: is there an unrated closed conversation to ask about?
    let checked = Cell::new(false);
    let found = Rc::clone(&asked);
    effect(move || {
        if signals.connection.get() != Connection::Online || checked.get() {
            return;
        }
        checked.set(true);
        if signals.timeline.with_untracked(|t| t.conversation_id().is_some() || !t.entries().is_empty()) {
            return;
        }
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else { return };
        let found = Rc::clone(&found);
        spawn_local(async move {
            if let Ok(list) = http::list_conversations(&base, &token, 1, 0).await
                && let Some(newest) = list.results.first()
                && newest.status == ConversationStatus::Closed
                && newest.rating.is_none()
            {
                found.earlier.set(Some(newest.id));
                found.changed.notify();
            }
        });
    });

    // The form's content is drawn with DOM calls (see `draw_form`); only the switch to "Thanks"
    // is reactive.
    let card = Rc::clone(&asked);
    region(mark, move || card.card(), move |card| match card {
        1 => vec![draw_form(Rc::clone(&asked), locale)],
        2 => {
            let thanks = element(&document(), "p", "rating thanks");
            attr(&thanks, "role", "status");
            text(&thanks, t(locale, Key::RateThanks));
            vec![thanks]
        }
        _ => Vec::new(),
    });
}

/// The form for the conversation to rate, which `asked` remembers as rated once saved.
fn draw_form(asked: Rc<Asked>, locale: Locale) -> Element {
    let form = element(&document(), "form", "rating");
    draw_fields(&form, locale);
    let el = form.clone();
    listen(&form, &["submit"], move |ev| {
        ev.prevent_default();
        let find = |selector| el.query_selector(selector).ok().flatten();
        // The browser only submits with a score chosen (the radios are `required`).
        let chosen = find("input:checked").and_then(|input| input.get_attribute("value")).and_then(|v| v.parse::<u8>().ok());
        let (Some(id), Some(score)) = (untrack(|| asked.target()), chosen) else { return };
        let comment = find("textarea").map(|c| c.unchecked_into::<HtmlTextAreaElement>().value()).filter(|c| !c.trim().is_empty());
        let failed = find(".failed");
        let mut auth = None;
        asked.client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else { return };
        let asked = Rc::clone(&asked);
        spawn_local(async move {
            let sent = http::rate(&base, &token, id, &RatingRequest { score, comment }).await;
            if let Some(failed) = failed {
                let _ = failed.toggle_attribute_with_force("hidden", sent.is_ok());
            }
            if sent.is_ok() {
                asked.rated.set(Some(id));
                asked.changed.notify();
            }
        });
    });
    form
}

/// The form's stars, comment, error and Submit.
fn draw_fields(form: &Element, locale: Locale) {
    let tr = |key| t(locale, key);
    let stars = child(form, "fieldset", "stars");
    text(&child(&stars, "legend", "rating-title"), tr(Key::RateTitle));
    for n in 1..=STARS {
        let n = n.to_string();
        let label = child(&stars, "label", "star");
        let input = child(&label, "input", "sr-only");
        attr(&input, "type", "radio");
        attr(&input, "name", "score");
        attr(&input, "value", &n);
        attr(&input, "required", "");
        let star = child(&label, "span", "");
        attr(&star, "aria-hidden", "true");
        text(&star, "★");
        text(&child(&label, "span", "sr-only"), &fill(tr(Key::RateScore), &n));
    }
    let comment = child(form, "textarea", "rating-comment");
    attr(&comment, "rows", "2");
    attr(&comment, "maxlength", &MAX_RATING_COMMENT.to_string());
    attr(&comment, "aria-label", tr(Key::RateComment));
    attr(&comment, "placeholder", tr(Key::RateComment));
    let failed = child(form, "p", "failed");
    attr(&failed, "role", "alert");
    attr(&failed, "hidden", "");
    text(&failed, tr(Key::NotSent));
    let submit = child(form, "button", "rating-submit");
    attr(&submit, "type", "submit");
    text(&submit, tr(Key::RateSubmit));
}
