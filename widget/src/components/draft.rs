//! Replies being streamed in: one bubble per draft at the end of the conversation, its text
//! growing as plain text (markdown only once the stored reply replaces it) with a blinking caret,
//! marked `aria-busy` and never announced piece by piece (the announcer reads the stored reply).
//! The rows are drawn with DOM calls ([`super::dom`]) by position: there are at most a few, and
//! each is updated in place, so the caret keeps blinking while the text grows.

use parlour_shared::AuthorKind;
use web_sys::{Element, Node};

use super::dom::{attr, child, dot, element, text};
use crate::i18n::{t, Key, Locale};
use crate::state::Drafts;

/// Shows `drafts`, in the order their streams started, right after `after`: the rows drawn
/// before (`rows`, updated to the rows now shown) are reused by position, extra ones removed.
pub fn sync(after: &Node, drafts: &Drafts, locale: Locale, rows: &mut Vec<Element>) {
    let (Some(doc), Some(parent)) = (after.owner_document(), after.parent_node()) else { return };
    let drafts = drafts.drafts();
    for gone in rows.drain(drafts.len().min(rows.len())..) {
        gone.remove();
    }
    let mut cursor = after.clone();
    for (i, draft) in drafts.iter().enumerate() {
        if rows.len() == i {
            let row = element(&doc, "div", "message draft");
            attr(&row, "part", "message");
            attr(&row, "data-author", "");
            attr(&row, "data-state", "streaming");
            attr(&row, "aria-busy", "true");
            let bubble = child(&row, "div", "bubble");
            text(&bubble, "");
            attr(&child(&bubble, "span", "caret"), "aria-hidden", "true");
            let meta = child(&row, "div", "meta");
            child(&meta, "span", "author");
            dot(&meta);
            text(&child(&meta, "span", "delivery"), t(locale, Key::Writing));
            let _ = parent.insert_before(&row, cursor.next_sibling().as_ref());
            rows.push(row);
        }
        let row = &rows[i];
        let agent = draft.author.kind == AuthorKind::Agent;
        attr(row, "data-author", if agent { "agent" } else { "assistant" });
        let name = draft.author.name.as_deref().filter(|n| !n.trim().is_empty());
        let name = name.unwrap_or_else(|| t(locale, if agent { Key::Agent } else { Key::Assistant }));
        // The bubble's text node, and the meta line's author.
        let part = |parent: Option<Element>| parent.and_then(|p| p.first_child());
        if let Some(node) = part(row.first_element_child()) {
            node.set_text_content(Some(&draft.text));
        }
        if let Some(node) = part(row.last_element_child()) {
            node.set_text_content(Some(name));
        }
        cursor = row.clone().into();
    }
}
