//! A message body as rich text: the [`crate::markdown`] tree drawn with plain DOM calls
//! ([`super::dom`]; never `inner_html`, so markup in a message is only ever text). Links open in
//! a new tab without giving the page a handle on the opener.

use web_sys::Element;

use super::dom::{attr, child, text};
use crate::markdown::{parse, Block, Inline};

/// Draws the body `src` into `parent` (the bubble).
pub fn draw(parent: &Element, src: String) {
    for block in parse(&src) {
        match block {
            Block::Paragraph(nodes) => inlines(&child(parent, "p", ""), nodes),
            Block::Code(code) => text(&child(&child(parent, "pre", ""), "code", ""), &code),
            Block::List { start, items } => {
                let list = child(parent, if start.is_some() { "ol" } else { "ul" }, "");
                if let Some(n) = start {
                    attr(&list, "start", &n.to_string());
                }
                for item in items {
                    inlines(&child(&list, "li", ""), item);
                }
            }
        }
    }
}

fn inlines(parent: &Element, nodes: Vec<Inline>) {
    for node in nodes {
        match node {
            Inline::Text(t) => text(parent, &t),
            Inline::Code(code) => text(&child(parent, "code", ""), &code),
            Inline::Strong(nodes) => inlines(&child(parent, "strong", ""), nodes),
            Inline::Emphasis(nodes) => inlines(&child(parent, "em", ""), nodes),
            Inline::Link { href, content } => {
                let a = child(parent, "a", "");
                attr(&a, "href", &href);
                attr(&a, "target", "_blank");
                attr(&a, "rel", "noopener noreferrer");
                inlines(&a, content);
            }
        }
    }
}
