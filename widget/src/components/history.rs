//! The History tab: the visitor's conversations, newest first (status, date, the last message as
//! plain text, the rating they gave), a page at a time with "Load more". The current conversation
//! opens the Chat tab; any other opens read-only, with a Back control. "Start a new conversation"
//! leaves a closed conversation behind (the next message starts a new one); while the current
//! one is open the same button reads "Continue the conversation" and only returns to the chat.

use leptos::ev::MouseEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::VisitorConversation;
use parlour_shared::ConversationId;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::history_rows::{badge, draw};
use super::locale::use_locale;
use super::message::MessageRow;
use super::message_list::{day_separator, day_starts, local_day};
use super::tabs::HISTORY_PANEL;
use crate::client::ClientHandle;
use crate::i18n::{Key, t};
use crate::state::{Entry, Timeline};
use crate::transport::http;

/// Conversations per page.
const PAGE: u32 = 10;

/// Where the list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Done,
    Failed,
}

/// Focuses the first element of the history panel matching `selector`, after the next paint.
fn focus_later(panel: NodeRef<html::Div>, selector: String) {
    request_animation_frame(move || {
        if let Some(panel) = panel.get_untracked()
            && let Ok(Some(el)) = panel.query_selector(&selector)
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
}

/// Shows or hides the first element in `panel` matching `selector`, and returns it.
fn show(panel: &Element, selector: &str, shown: bool) -> Option<Element> {
    let found = panel.query_selector(selector).ok().flatten()?;
    let _ = found.toggle_attribute_with_force("hidden", !shown);
    Some(found)
}

/// The History tab panel. The list is drawn with DOM calls and stays in place (hidden while a
/// conversation is open); the transcript is a view, there while one is open.
#[component]
pub fn History(client: ClientHandle, history: RwSignal<bool>, composer_ref: NodeRef<html::Textarea>) -> impl IntoView {
    let signals = client.signals;
    let locale = use_locale();
    let tr = move |key| t(locale, key);
    let rows = RwSignal::new(Vec::<VisitorConversation>::new());
    let total = RwSignal::new(0_i64);
    let load_state = RwSignal::new(Load::Done);
    let viewing = RwSignal::new(None::<(VisitorConversation, Vec<Entry>)>);
    let panel_ref = NodeRef::<html::Div>::new();

    let auth = move || {
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        auth
    };
    let load = move |offset: usize| {
        let Some((base, token)) = auth() else {
            rows.set(Vec::new());
            load_state.set(Load::Done);
            return;
        };
        load_state.set(Load::Loading);
        spawn_local(async move {
            match http::list_conversations(&base, &token, PAGE, offset).await {
                Ok(list) => {
                    let _ = rows.try_update(|r| {
                        r.truncate(offset);
                        r.extend(list.results);
                    });
                    let _ = total.try_set(list.count);
                    let _ = load_state.try_set(Load::Done);
                }
                Err(_) => {
                    let _ = load_state.try_set(Load::Failed);
                }
            }
        });
    };
    // Fresh on every visit; again when the connection (and so the session) comes back after a
    // failed or empty load.
    Effect::new(move |shown: Option<bool>| {
        signals.connection.track();
        let now = history.get();
        if now && shown != Some(true) {
            viewing.set(None);
            load(0);
        } else if now && (load_state.get_untracked() == Load::Failed || rows.with_untracked(Vec::is_empty)) {
            load(0);
        }
        now
    });

    let current = move || (!signals.closed.get()).then(|| signals.timeline.with(|t| t.conversation_id())).flatten();
    let to_chat = move || {
        history.set(false);
        request_animation_frame(move || {
            if let Some(area) = composer_ref.get_untracked() {
                let _ = area.focus();
            }
        });
    };
    let open = move |conversation: VisitorConversation| {
        if current() == Some(conversation.id) {
            return to_chat();
        }
        let Some((base, token)) = auth() else { return };
        spawn_local(async move {
            let mut timeline = Timeline::default();
            let mut after = 0;
            loop {
                let Ok(page) = http::conversation_messages(&base, &token, conversation.id, after).await else {
                    let _ = load_state.try_set(Load::Failed);
                    return;
                };
                after = page.messages.iter().map(|m| m.seq).max().unwrap_or(after);
                let more = page.has_more && !page.messages.is_empty();
                for message in page.messages {
                    timeline.merge(message);
                }
                if !more {
                    break;
                }
            }
            let _ = viewing.try_set(Some((conversation, timeline.entries().to_vec())));
            focus_later(panel_ref, ".back".to_owned());
        });
    };
    let back = move |_| {
        let id: Option<ConversationId> = viewing.with_untracked(|v| v.as_ref().map(|(c, _)| c.id));
        viewing.set(None);
        if let Some(id) = id {
            focus_later(panel_ref, format!("[data-id=\"{id}\"]"));
        }
    };
    let start = move |_| {
        client.with(|c| c.start_new());
        to_chat();
    };

    // One click handler for every row (they are drawn with DOM calls).
    let pick = move |ev: MouseEvent| {
        let id = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest(".history-row").ok().flatten())
            .and_then(|row| row.get_attribute("data-id"));
        let Some(id) = id else { return };
        if let Some(conversation) = rows.with_untracked(|r| r.iter().find(|c| c.id.to_string() == id).cloned()) {
            open(conversation);
        }
    };
    let list_ref = NodeRef::<html::Ul>::new();
    // One effect sets the whole list part with DOM calls (not a reactive attribute each).
    Effect::new(move |_| {
        let (Some(panel), Some(list)) = (panel_ref.get(), list_ref.get()) else { return };
        let reading = viewing.with(Option::is_some);
        let state = load_state.get();
        let (empty, more) = rows.with(|r| (r.is_empty(), r.len() < usize::try_from(total.get()).unwrap_or(0)));
        let failed = !reading && state == Load::Failed;
        let listed = !reading && state == Load::Done;
        show(&panel, ".start-new", !reading);
        show(&panel, ".notice", failed);
        show(&panel, ".history-empty", listed && empty);
        if let Some(button) = show(&panel, ".load-more", failed || (listed && more)) {
            button.set_text_content(Some(tr(if failed { Key::Retry } else { Key::LoadMore })));
        }
        // `.history-list` sets `display`, so the `hidden` attribute would not hide it.
        let _ = web_sys::HtmlElement::style(&list).set_property("display", if reading { "none" } else { "" });
        rows.with(|rows| draw(&list, rows, locale));
    });
    // After a failure the same button retries from the start.
    let next = move |_| load(if load_state.get_untracked() == Load::Failed { 0 } else { rows.with_untracked(Vec::len) });

    let transcript = move |(conversation, entries): (VisitorConversation, Vec<Entry>)| {
        let starts = day_starts(entries.iter().map(|e| (e.key.as_str(), local_day(e.created_at))));
        let status = conversation.status;
        let none = Signal::derive(|| None::<String>);
        let rows = entries
            .into_iter()
            .map(|entry| {
                let separator = starts.contains(&entry.key).then(|| day_separator(entry.created_at, locale));
                view! { {separator} <MessageRow client=client entry=entry seen=none /> }.into_any()
            })
            .collect::<Vec<_>>();
        view! {
            <div class="history-bar">
                <button type="button" class="back" on:click=back>
                    <span class="back-arrow" aria-hidden="true">"←"</span>
                    {tr(Key::BackToHistory)}
                </button>
                <span class="pill" data-status=status.as_str()>{tr(badge(status))}</span>
            </div>
            <div class="messages readonly" role="log" aria-label=tr(Key::Conversation) tabindex="0">{rows}</div>
        }
    };

    view! {
        <div
            class="history"
            id=HISTORY_PANEL
            role="tabpanel"
            aria-labelledby="parlour-tab-history"
            node_ref=panel_ref
            hidden=move || !history.get()
        >
            // The list stays in place (hidden while a conversation is open); the transcript comes
            // and goes.
            <button type="button" class="start-new" on:click=start>
                {move || tr(if current().is_some() { Key::ContinueChat } else { Key::StartNew })}
            </button>
            <ul class="history-list" node_ref=list_ref on:click=pick></ul>
            <p class="notice error" role="alert" hidden>{tr(Key::LoadFailed)}</p>
            <p class="history-empty" hidden>{tr(Key::NoConversations)}</p>
            <button type="button" class="load-more" hidden on:click=next></button>
            {move || viewing.get().map(transcript)}
        </div>
    }
}
