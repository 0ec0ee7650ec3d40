//! Plain DOM building: the whole widget is drawn with these few non-generic web-sys calls, kept
//! current by [`super::react`]'s effects. Every `view!` shape would be its own generic type whose
//! build, mount and unmount code tachys generates again; these make the same markup for a
//! fraction of the wasm. Text only ever becomes text nodes, never HTML.

use std::any::Any;

use leptos::prelude::StoredValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlElement, Node};

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

/// Appends an empty text node to `parent` (no box, nothing to read) to mark where a region drawn
/// later goes (see [`super::react::region`]).
pub fn mark(parent: &Element) -> Node {
    let mark: Node = parent.owner_document().expect("an element has a document").create_text_node("").into();
    let _ = parent.append_child(&mark);
    mark
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

/// Focuses the first element under `scope` matching `selector`, if there is one.
pub fn focus(scope: &Element, selector: &str) {
    if let Some(el) = scope.query_selector(selector).ok().flatten() {
        let _ = el.unchecked_into::<HtmlElement>().focus();
    }
}

/// Runs `f` before the next paint: Leptos' `request_animation_frame`, behind one instantiation
/// (each closure type would otherwise bring its own copy of the JS closure glue).
pub fn next_frame(f: impl FnOnce() + 'static) {
    next_frame_boxed(Box::new(f));
}

#[inline(never)]
fn next_frame_boxed(f: Box<dyn FnOnce()>) {
    leptos::prelude::request_animation_frame(f);
}

/// Calls `f` with every `events` event on `el` for as long as the current reactive owner lives:
/// the listener is removed when the owner is disposed (the widget unmounted, or the region that
/// drew `el` redrawn), so a released closure is never called. One closure type for every listener
/// in the widget, so its glue exists once; `f` casts the event to what it expects. `f` must not
/// dispatch an event it listens to itself (a `request_submit` from a `keydown`, say): a closure
/// cannot be called again while it runs, so that takes a listener of its own.
pub fn listen(el: &Element, events: &'static [&'static str], f: impl FnMut(Event) + 'static) {
    listen_boxed(el, events, Box::new(f));
}

#[inline(never)]
fn listen_boxed(el: &Element, events: &'static [&'static str], f: Box<dyn FnMut(Event)>) {
    let closure = Closure::wrap(f);
    for event in events {
        let _ = el.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    }
    keep(Listener { el: el.clone(), events, closure });
}

/// Keeps `value` until the current reactive owner is disposed, then drops it (a listener, which
/// its `Drop` removes). Boxed, so one stored type serves every kind of value.
pub fn keep(value: impl Any) {
    StoredValue::new_local(Box::new(value) as Box<dyn Any>);
}

/// A listener added by [`listen`]; dropped with its reactive owner, which removes it.
struct Listener {
    el: Element,
    events: &'static [&'static str],
    closure: Closure<dyn FnMut(Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        for event in self.events {
            let _ = self.el.remove_event_listener_with_callback(event, self.closure.as_ref().unchecked_ref());
        }
    }
}
