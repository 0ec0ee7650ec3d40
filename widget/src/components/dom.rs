//! Plain DOM building for markup without reactive bindings of its own (a message body, the parts
//! of a row, a streamed draft, the rating and away cards' forms). Every `view!` shape is its own
//! generic type whose build, mount and unmount code is generated again; these few non-generic
//! web-sys calls make the same markup for a fraction of the wasm. Text only ever becomes text
//! nodes, never HTML.

use leptos::html::ElementType;
use leptos::tachys::html::node_ref::NodeRefContainer;
use web_sys::{Document, Element};

/// Creates a detached `<tag>` (with `class` unless it is empty), in the SVG namespace for `svg`
/// and `path`. The class goes in as an attribute: an SVG element's `className` is read-only.
pub fn element(doc: &Document, tag: &str, class: &str) -> Element {
    let el = if matches!(tag, "svg" | "path") {
        doc.create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
    } else {
        doc.create_element(tag)
    };
    let el = el.expect("a known tag");
    if !class.is_empty() {
        attr(&el, "class", class);
    }
    el
}

/// Creates `<tag>` (with `class` unless it is empty) as the last child of `parent`.
pub fn child(parent: &Element, tag: &str, class: &str) -> Element {
    let el = element(&parent.owner_document().expect("an element has a document"), tag, class);
    let _ = parent.append_child(&el);
    el
}

/// Appends `text` to `parent` as a text node.
pub fn text(parent: &Element, text: &str) {
    let _ = parent.append_with_str_1(text);
}

/// Makes `text` the whole content of `el`, leaving it alone when it already is: an unchanged live
/// region must not be announced again.
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Sets an attribute (which cannot fail for the fixed, valid names used here).
pub fn attr(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// Appends the `·` separator between parts of a meta line (hidden from screen readers).
pub fn dot(parent: &Element) {
    let dot = child(parent, "span", "");
    attr(&dot, "aria-hidden", "true");
    text(&dot, "·");
}

/// Draws into an element (a `<div>`, a `<form>`…) as soon as tachys creates it, before the
/// element's own view children are appended after what it drew: `<div node_ref=Fill(draw, data)>`.
/// tachys calls it again with the same element whenever the view is rebuilt, so `draw` must then update in place (or be used
/// only where the view is never rebuilt, like a keyed row).
#[derive(Clone)]
pub struct Fill<T>(pub fn(&Element, T), pub T);

impl<E: ElementType, T: Clone + Send + 'static> NodeRefContainer<E> for Fill<T> {
    fn load(self, el: &Element) {
        (self.0)(el, self.1);
    }
}
