//! The conversation: the project's greeting, connection notices and the messages, keyed so a
//! row is redrawn only when it changes; "Seen" under the visitor's last message an agent has
//! read, "<agent> is typing…", and a notice when the conversation was closed (with the rating
//! card). A separator ("Today", "Yesterday", a date) starts each local day. It keeps the newest
//! message in view.

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::{Element, Node};

use super::dom::{attr, child, element, mark, next_frame, text};
use super::message::{draw_row, mark_seen, Drawn};
use super::react::{effect, effect_with, region};
use super::{away, draft, rating};
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

/// Writes (or rewrites) the label of the day separator `p`: "Today", "Yesterday", or the date in
/// the widget's language (through `Intl`, with the year only when it is not this one), as
/// `<time datetime=…>label</time>`.
fn label_separator(p: &Element, (ms, locale): (i64, Locale)) {
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
    let time = p.first_element_child().unwrap_or_else(|| child(p, "time", ""));
    attr(&time, "datetime", &iso);
    time.set_text_content(Some(&label));
}

/// A row of the conversation as drawn: keyed by [`Entry::render_key`], so a changed message is a
/// new row, never a rebuilt one.
struct Row {
    key: String,
    /// Its local day, and the separator before it when it starts one.
    day: u32,
    separator: Option<Element>,
    el: Element,
    drawn: Drawn,
    /// Whether it shows "Seen" (a delivered own message).
    seen: bool,
}

/// What the conversation shows: its rows, and the keys of those that start a day.
#[derive(Default)]
struct Rows {
    rows: Vec<Row>,
    starts: Vec<String>,
}

/// The welcome bubble, after which the rows go, with `mark` (an empty text node: no box, nothing
/// to read) right after the rows and before the drafts.
fn welcome(list: &Element, mark: &Node) -> Option<Element> {
    let welcome = list.first_element_child()?;
    if mark.parent_node().is_none() {
        let _ = list.insert_before(mark, welcome.next_sibling().as_ref());
    }
    Some(welcome)
}

/// Puts `node` right after `cursor` (unless it is there already: a row that stays is never
/// moved, so it keeps the focus), and moves the cursor onto it.
fn place(list: &Element, cursor: &mut Node, node: &Node) {
    let next = cursor.next_sibling();
    if next.as_ref() != Some(node) {
        let _ = list.insert_before(node, next.as_ref());
    }
    *cursor = node.clone();
}

/// Brings the drawn rows in line with the timeline: rows kept by key, new ones drawn, gone ones
/// removed; separators where a day starts (all relabelled when that set changes); "Seen" on the
/// visitor's last message an agent has read.
fn sync(list: &Element, after: Node, old: Rows, entries: &[Entry], read: i64, client: ClientHandle, locale: Locale) -> Rows {
    let doc = document();
    let seen = entries.iter().rev().find(|e| e.is_own() && e.seq.is_some_and(|s| s <= read)).map(Entry::render_key);
    // Reversed, so rows still in order are found at the end.
    let mut old_rows = old.rows;
    old_rows.reverse();
    let mut rows = Vec::with_capacity(entries.len());
    let mut starts = Vec::new();
    for entry in entries {
        let key = entry.render_key();
        let row = match old_rows.iter().rposition(|r| r.key == key) {
            Some(at) => old_rows.swap_remove(at),
            None => {
                let el = element(&doc, "div", "");
                let drawn = draw_row(&el, client, entry, locale);
                Row { key, day: local_day(entry.created_at), separator: None, el, drawn, seen: false }
            }
        };
        if rows.last().is_none_or(|last: &Row| last.day != row.day) {
            starts.push(entry.key.clone());
        }
        rows.push(row);
    }
    // Gone rows go first, so those that stay need not move.
    for gone in old_rows {
        if let Some(separator) = gone.separator {
            separator.remove();
        }
        gone.el.remove();
    }
    let relabel = starts != old.starts;
    let mut cursor = after;
    let mut day = None;
    for (entry, row) in entries.iter().zip(&mut rows) {
        if day.replace(row.day) != Some(row.day) {
            let separator = row.separator.get_or_insert_with(|| element(&doc, "p", "day-separator"));
            if relabel || separator.first_child().is_none() {
                label_separator(separator, (entry.created_at, locale));
            }
            place(list, &mut cursor, separator);
        } else if let Some(separator) = row.separator.take() {
            separator.remove();
        }
        place(list, &mut cursor, &row.el);
        if let Some(state) = &row.drawn.state {
            let now = seen.as_ref() == Some(&row.key);
            if row.seen != now {
                mark_seen(state, now, locale);
                row.seen = now;
            }
        }
    }
    Rows { rows, starts }
}

/// Draws, at the end of `chat`, the scrolling message list (`role="log"`; new messages are
/// announced by the app's announcer, so the log itself is not live) and the typing line. The
/// rows and drafts are drawn by two effects with DOM calls ([`super::dom`]), not by a keyed
/// `<For>`: far less wasm for the same list.
pub fn draw(chat: &Element, client: ClientHandle, locale: Locale) {
    let signals = client.signals;
    let tr = move |key| t(locale, key);
    let list = child(chat, "div", "messages");
    attr(&list, "part", "messages");
    attr(&list, "role", "log");
    attr(&list, "aria-live", "off");
    attr(&list, "aria-label", tr(Key::Conversation));
    attr(&list, "tabindex", "0");
    let welcome_row = child(&list, "div", "message welcome");
    attr(&welcome_row, "data-author", "welcome");
    let bubble = child(&welcome_row, "div", "bubble");
    away::draw(mark(&list), client, locale);
    region(mark(&list), move || u8::from(signals.closed.get()), move |closed| {
        if closed == 0 {
            return Vec::new();
        }
        let notice = element(&document(), "p", "notice closed");
        attr(&notice, "role", "status");
        text(&notice, tr(Key::Closed));
        vec![notice]
    });
    rating::draw(mark(&list), client, locale);
    // Outside the log: announced on its own, politely, and not kept in the transcript.
    let typing = child(chat, "p", "typing");
    attr(&typing, "aria-live", "polite");
    effect(move || {
        let text = signals.agent_typing.with(|name| name.as_ref().map(|name| fill(tr(Key::IsTyping), name)));
        typing.set_text_content(text.as_deref());
    });

    // Between the rows and the drafts.
    let end: Node = document().create_text_node("").into();
    let at = end.clone();
    let el = list.clone();
    effect_with(move |old: Option<Rows>| {
        let old = old.unwrap_or_default();
        let Some(after) = welcome(&el, &at) else { return old };
        let read = signals.agent_read_seq.get();
        signals.timeline.with(|t| sync(&el, after.into(), old, t.entries(), read, client, locale))
    });
    let el = list.clone();
    effect_with(move |rows: Option<Vec<Element>>| {
        let mut rows = rows.unwrap_or_default();
        if welcome(&el, &end).is_some() {
            signals.drafts.with(|d| draft::sync(&end, d, locale, &mut rows));
        }
        rows
    });

    // The project's greeting, and the last line of the log while the link is down or refused:
    // set by DOM calls, cheaper in wasm than two reactive views.
    effect(move || {
        let text = signals.look.with(|l| if l.welcome.trim().is_empty() { tr(Key::Welcome).to_owned() } else { l.welcome.clone() });
        bubble.set_text_content(Some(&text));
    });
    let el = list.clone();
    effect_with(move |shown: Option<Option<Element>>| {
        let shown = shown.flatten();
        let (class, text) = match signals.connection.get() {
            Connection::Reconnecting => ("notice", tr(Key::ConnectionLost).to_owned()),
            Connection::Unavailable(reason) => ("notice error", format!("{}{reason}", tr(Key::UnavailablePrefix))),
            Connection::Idle | Connection::Connecting | Connection::Online => {
                if let Some(notice) = shown {
                    notice.remove();
                }
                return None;
            }
        };
        let notice = shown.unwrap_or_else(|| child(&el, "p", ""));
        notice.set_class_name(class);
        notice.set_text_content(Some(&text));
        Some(notice)
    });

    // Keep the newest message in view when messages arrive or the panel opens.
    effect(move || {
        signals.agent_typing.track();
        signals.closed.track();
        signals.drafts.track();
        signals.timeline.with(|t| t.entries().len());
        signals.timeline.with(|t| t.entries().last().map(Entry::render_key));
        signals.open.get();
        let list = list.clone();
        next_frame(move || list.set_scroll_top(list.scroll_height()));
    });
}

/// A past conversation (the History tab's transcript), drawn once into the log `el`: its rows
/// with a separator where a local day starts. Its messages are all stored ones, never marked seen.
pub fn draw_transcript(el: &Element, client: ClientHandle, entries: &[Entry], locale: Locale) {
    let doc = document();
    let mut day = None;
    for entry in entries {
        let d = local_day(entry.created_at);
        if day.replace(d) != Some(d) {
            let separator = element(&doc, "p", "day-separator");
            label_separator(&separator, (entry.created_at, locale));
            let _ = el.append_child(&separator);
        }
        let row = element(&doc, "div", "");
        if let Some(click) = draw_row(&row, client, entry, locale).click {
            // Only a message not sent has one, which a stored conversation never holds.
            click.forget();
        }
        let _ = el.append_child(&row);
    }
}
