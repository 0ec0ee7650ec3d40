//! The conversation: the project's greeting, connection notices and the messages, keyed so a
//! row is redrawn only when it changes; "Seen" under the visitor's last message an agent has
//! read, "<agent> is typing…", and a notice when the conversation was closed (with the rating
//! card). A separator ("Today", "Yesterday", a date) starts each local day. It keeps the newest
//! message in view.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::away::AwayCard;
use super::draft::Drafts;
use super::locale::use_locale;
use super::message::MessageRow;
use super::rating::RatingCard;
use crate::client::ClientHandle;
use crate::i18n::{fill, t, Key, Locale};
use crate::state::{Connection, Entry};

/// The local calendar day of a Unix-ms time as `yyyymmdd` (compares and orders like the days).
#[must_use]
pub fn local_day(ms: i64) -> u32 {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    date.get_full_year() * 10_000 + (date.get_month() + 1) * 100 + date.get_date()
}

/// The keys of the entries that start a new local day (the first one always does).
#[must_use]
pub fn day_starts<'a>(entries: impl IntoIterator<Item = (&'a str, u32)>) -> Vec<String> {
    let mut last = None;
    let mut starts = Vec::new();
    for (key, day) in entries {
        if last != Some(day) {
            starts.push(key.to_owned());
            last = Some(day);
        }
    }
    starts
}

/// A day separator: "Today", "Yesterday", or the date in the widget's language (through
/// `Intl`, with the year only when it is not this one).
pub fn day_separator(ms: i64, locale: Locale) -> impl IntoView {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let now = js_sys::Date::new_0();
    #[allow(clippy::cast_possible_wrap)]
    let yesterday = js_sys::Date::new_with_year_month_day(now.get_full_year(), now.get_month() as i32, now.get_date() as i32 - 1);
    let day = |d: &js_sys::Date| d.get_full_year() * 10_000 + (d.get_month() + 1) * 100 + d.get_date();
    let label: String = if day(&date) == day(&now) {
        t(locale, Key::Today).to_owned()
    } else if day(&date) == day(&yesterday) {
        t(locale, Key::Yesterday).to_owned()
    } else {
        let options = js_sys::Object::new();
        let set = |k: &str, v: &str| js_sys::Reflect::set(&options, &k.into(), &v.into());
        let _ = set("weekday", "long");
        let _ = set("day", "numeric");
        let _ = set("month", "long");
        if date.get_full_year() != now.get_full_year() {
            let _ = set("year", "numeric");
        }
        date.to_locale_date_string(locale.tag(), &options).into()
    };
    let iso: String = date.to_iso_string().into();
    view! { <p class="day-separator"><time datetime=iso>{label}</time></p> }
}

/// The scrolling message list (`role="log"`; new messages are announced by the app's
/// `Announcer`, so the log itself is not live).
#[component]
pub fn MessageList(client: ClientHandle) -> impl IntoView {
    let signals = client.signals;
    let list_ref = NodeRef::<html::Div>::new();
    let locale = use_locale();
    let tr = move |key| t(locale, key);
    let welcome = move || {
        signals.look.with(|l| if l.welcome.trim().is_empty() { tr(Key::Welcome).to_owned() } else { l.welcome.clone() })
    };
    // One shape for both notices (class and text vary): no type-erased views in the wasm.
    let notice = move || {
        let (class, text) = match signals.connection.get() {
            Connection::Reconnecting => ("notice", tr(Key::ConnectionLost).to_owned()),
            Connection::Unavailable(reason) => ("notice error", format!("{}{reason}", tr(Key::UnavailablePrefix))),
            Connection::Idle | Connection::Connecting | Connection::Online => return None,
        };
        Some(view! { <p class=class>{text}</p> })
    };

    // The visitor's last message an agent has read.
    let seen = Memo::new(move |_| {
        let read = signals.agent_read_seq.get();
        signals.timeline.with(|t| {
            t.entries().iter().rev().find(|e| e.is_own() && e.seq.is_some_and(|s| s <= read)).map(|e| e.key.clone())
        })
    });
    let closed = move || {
        signals.closed.get().then(|| {
            view! { <p class="notice closed" role="status">{tr(Key::Closed)}</p> }
        })
    };
    let starts = Memo::new(move |_| {
        signals.timeline.with(|t| day_starts(t.entries().iter().map(|e| (e.key.as_str(), local_day(e.created_at)))))
    });

    // Keep the newest message in view when messages arrive or the panel opens.
    Effect::new(move |_| {
        signals.agent_typing.track();
        signals.closed.track();
        signals.drafts.track();
        signals.timeline.with(|t| t.entries().len());
        signals.timeline.with(|t| t.entries().last().map(Entry::render_key));
        signals.open.get();
        request_animation_frame(move || {
            if let Some(list) = list_ref.get_untracked() {
                list.set_scroll_top(list.scroll_height());
            }
        });
    });

    view! {
        <div class="messages" part="messages" node_ref=list_ref role="log" aria-live="off" aria-label=tr(Key::Conversation) tabindex="0">
            <div class="message welcome" data-author="welcome">
                <div class="bubble">{welcome}</div>
            </div>
            <For
                each=move || signals.timeline.with(|t| t.entries().to_vec())
                key=Entry::render_key
                children=move |entry| {
                    let (key, at) = (entry.key.clone(), entry.created_at);
                    let separator = move || starts.with(|s| s.contains(&key)).then(|| day_separator(at, locale));
                    // Type-erased rows: a smaller keyed list in the wasm.
                    view! { {separator} <MessageRow client=client entry=entry seen=seen /> }.into_any()
                }
            />
            <Drafts client=client />
            <AwayCard client=client />
            {closed}
            <RatingCard client=client />
            {notice}
        </div>
        // Outside the log: announced on its own, politely, and not kept in the transcript.
        <p class="typing" aria-live="polite">
            {move || signals.agent_typing.get().map(|name| fill(tr(Key::IsTyping), &name))}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::day_starts;

    #[test]
    fn a_separator_starts_each_new_day() {
        let rows = [("a", 20_260_101), ("b", 20_260_101), ("c", 20_260_102), ("d", 20_260_103), ("e", 20_260_103)];
        assert_eq!(day_starts(rows), vec!["a", "c", "d"]);
        assert!(day_starts([]).is_empty());
    }
}
