//! The History panel's markup, drawn with plain DOM calls ([`super::dom`]): its fixed parts, the
//! rows of the list (a button per conversation with its status, the score the visitor gave, the
//! date and the last message as plain text) and the bar above a conversation read from it. A view
//! for the same markup would cost several KB of wasm.

use parlour_shared::ConversationStatus;
use parlour_shared::rest::VisitorConversation;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use super::dom::{attr, child, element, text};
use super::message_list::local_day;
use super::tabs::{HISTORY_PANEL, HISTORY_TAB};
use crate::browser;
use crate::i18n::{Key, Locale, t};

/// "14:05" today, "12 Mar" before (in the widget's language).
pub fn short_date(ms: i64, locale: Locale) -> (String, String) {
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

/// The status pill's label.
fn badge(status: ConversationStatus) -> Key {
    match status {
        ConversationStatus::Open => Key::BadgeOpen,
        ConversationStatus::Pending => Key::BadgePending,
        ConversationStatus::Closed => Key::BadgeClosed,
    }
}

/// The panel's fixed elements.
pub struct Parts {
    /// "Start a new conversation" or "Continue the conversation".
    pub start: Element,
    /// The list of conversations.
    pub list: Element,
    /// The error shown when loading failed.
    pub failed: Element,
    /// The note shown when there is no conversation.
    pub empty: Element,
    /// "Load more", or "Retry" after a failure.
    pub more: Element,
}

/// The panel element's attributes and its fixed parts: the start button (its label comes later),
/// the list, then the error, the empty list's note and "Load more", all three hidden.
pub fn draw_panel(panel: &Element, locale: Locale, hidden: bool) -> Parts {
    let tr = |key| t(locale, key);
    attr(panel, "class", "history");
    attr(panel, "id", HISTORY_PANEL);
    attr(panel, "role", "tabpanel");
    attr(panel, "aria-labelledby", HISTORY_TAB);
    show(panel, !hidden);
    let start = child(panel, "button", "start-new");
    attr(&start, "type", "button");
    let list = child(panel, "ul", "history-list");
    let failed = child(panel, "p", "notice error");
    attr(&failed, "role", "alert");
    show(&failed, false);
    text(&failed, tr(Key::LoadFailed));
    let empty = child(panel, "p", "history-empty");
    show(&empty, false);
    text(&empty, tr(Key::NoConversations));
    let more = child(panel, "button", "load-more");
    attr(&more, "type", "button");
    show(&more, false);
    Parts { start, list, failed, empty, more }
}

/// Shows `el` or hides it (the `hidden` attribute).
pub fn show(el: &Element, shown: bool) {
    let _ = el.toggle_attribute_with_force("hidden", !shown);
}

/// Appends what a conversation read from the history shows, and returns both parts: the bar
/// (Back, the status) and the read-only log for its messages.
pub fn draw_reading(panel: &Element, status: ConversationStatus, locale: Locale) -> [Element; 2] {
    let bar = child(panel, "div", "history-bar");
    let back = child(&bar, "button", "back");
    attr(&back, "type", "button");
    let arrow = child(&back, "span", "back-arrow");
    attr(&arrow, "aria-hidden", "true");
    text(&arrow, "←");
    text(&back, t(locale, Key::BackToHistory));
    let pill = child(&bar, "span", "pill");
    attr(&pill, "data-status", status.as_str());
    text(&pill, t(locale, badge(status)));
    let log = child(panel, "div", "messages readonly");
    attr(&log, "role", "log");
    attr(&log, "aria-label", t(locale, Key::Conversation));
    attr(&log, "tabindex", "0");
    [bar, log]
}

/// A row of the list: a button with the status, the score, the date and the last message.
fn row(doc: &Document, conversation: &VisitorConversation, locale: Locale) -> Element {
    let (when, iso) = short_date(conversation.updated_at, locale);
    let preview = conversation.last_message.as_ref().map_or("", |m| {
        if m.body.trim().is_empty() { t(locale, Key::AttachmentOnly) } else { &m.body }
    });
    let li = element(doc, "li", "");
    let button = child(&li, "button", "history-row");
    attr(&button, "type", "button");
    attr(&button, "data-id", &conversation.id.to_string());
    let top = child(&button, "span", "history-top");
    let pill = child(&top, "span", "pill");
    attr(&pill, "data-status", conversation.status.as_str());
    text(&pill, t(locale, badge(conversation.status)));
    if let Some(n) = conversation.rating {
        let score = child(&top, "span", "score");
        let star = child(&score, "span", "");
        attr(&star, "aria-hidden", "true");
        text(&star, "★ ");
        text(&score, &format!("{n}/5"));
    }
    let time = child(&top, "time", "");
    attr(&time, "datetime", &iso);
    text(&time, &when);
    let shown = child(&button, "span", "preview");
    if !preview.is_empty() {
        text(&shown, preview);
    }
    li
}

/// Draws `rows` into `list`. A row that has not changed keeps its node, and with it the focus.
pub fn draw(list: &Element, rows: &[VisitorConversation], locale: Locale) {
    let Some(doc) = list.owner_document() else { return };
    let mut old = list.first_element_child();
    for conversation in rows {
        let new = row(&doc, conversation, locale);
        match old {
            Some(node) if node.is_equal_node(Some(&new)) => old = node.next_element_sibling(),
            Some(node) => {
                old = node.next_element_sibling();
                let _ = list.replace_child(&new, &node);
            }
            None => drop(list.append_child(&new)),
        }
    }
    while let Some(node) = old {
        old = node.next_element_sibling();
        node.remove();
    }
}
