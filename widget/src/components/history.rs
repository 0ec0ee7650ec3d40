//! The History tab: the visitor's conversations, newest first (status, date, the last message as
//! plain text, the rating they gave), a page at a time with "Load more". The current conversation
//! opens the Chat tab; any other opens read-only, with a Back control. "Start a new conversation"
//! leaves a closed conversation behind (the next message starts a new one); while the current
//! one is open the same button reads "Continue the conversation" and only returns to the chat.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlour_shared::rest::VisitorConversation;
use parlour_shared::{ConversationId, ConversationStatus};
use wasm_bindgen::JsValue;

use super::locale::use_locale;
use super::message::MessageRow;
use super::message_list::{day_separator, day_starts, local_day};
use super::tabs::HISTORY_PANEL;
use crate::browser;
use crate::client::ClientHandle;
use crate::i18n::{Key, Locale, t};
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

/// "14:05" today, "12 Mar" before (in the widget's language).
fn short_date(ms: i64, locale: Locale) -> (String, String) {
    let (time, iso) = browser::format_time(ms, locale.tag());
    if local_day(ms) == local_day(browser::now_ms()) {
        return (time, iso);
    }
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"day".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"month".into(), &"short".into());
    (date.to_locale_date_string(locale.tag(), &options).into(), iso)
}

fn badge(status: ConversationStatus) -> Key {
    match status {
        ConversationStatus::Open => Key::BadgeOpen,
        ConversationStatus::Pending => Key::BadgePending,
        ConversationStatus::Closed => Key::BadgeClosed,
    }
}

/// Focuses the first element of the history panel matching `selector`, after the next paint.
fn focus_later(panel: NodeRef<html::Div>, selector: String) {
    request_animation_frame(move || {
        if let Some(panel) = panel.get_untracked()
            && let Ok(Some(el)) = panel.query_selector(&selector)
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
}

/// The History tab panel (its content is drawn while the tab is selected).
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

    let row = move |conversation: VisitorConversation| {
        let (when, iso) = short_date(conversation.updated_at, locale);
        let preview = conversation
            .last_message
            .as_ref()
            .map(|m| if m.body.trim().is_empty() { tr(Key::AttachmentOnly).to_owned() } else { m.body.clone() })
            .unwrap_or_default();
        let status = conversation.status;
        let score = conversation.rating.map(|n| view! { <span class="score"><span aria-hidden="true">"★ "</span>{n}"/5"</span> });
        let id = conversation.id.to_string();
        view! {
            <li>
                <button type="button" class="history-row" data-id=id on:click=move |_| open(conversation.clone())>
                    <span class="history-top">
                        <span class="pill" data-status=status.as_str()>{tr(badge(status))}</span>
                        {score}
                        <time datetime=iso>{when}</time>
                    </span>
                    <span class="preview">{preview}</span>
                </button>
            </li>
        }
    };

    let list = move || {
        let more = rows.with(Vec::len) < usize::try_from(total.get()).unwrap_or(0);
        view! {
            <button type="button" class="start-new" on:click=start>
                {move || tr(if current().is_some() { Key::ContinueChat } else { Key::StartNew })}
            </button>
            <ul class="history-list">
                // `Vec<AnyView>` reuses the renderer the rich text already links (less wasm).
                {move || rows.get().into_iter().map(|c| row(c).into_any()).collect::<Vec<_>>()}
            </ul>
            {move || match load_state.get() {
                Load::Failed => Some(view! {
                    <p class="notice error" role="alert">{tr(Key::LoadFailed)}</p>
                    <button type="button" class="load-more" on:click=move |_| load(0)>{tr(Key::Retry)}</button>
                }.into_any()),
                Load::Done if rows.with(Vec::is_empty) => Some(view! { <p class="history-empty">{tr(Key::NoConversations)}</p> }.into_any()),
                Load::Done if more => Some(view! {
                    <button type="button" class="load-more" on:click=move |_| load(rows.with_untracked(Vec::len))>{tr(Key::LoadMore)}</button>
                }.into_any()),
                Load::Loading | Load::Done => None,
            }}
        }
    };

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
            {move || history.get().then(|| match viewing.get() {
                Some(open) => transcript(open).into_any(),
                None => list().into_any(),
            })}
        </div>
    }
}
