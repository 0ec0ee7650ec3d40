//! Leptos' reactive primitives behind one instantiation each. Every `Effect::new` closure type
//! makes reactive_graph generate its code again (about 2 KB of wasm per effect); boxing the
//! closure first makes all of them share one copy. Behaviour is Leptos' own: the same `Effect`
//! (runs after render, re-runs when what it read changes, stops with its owner, and disposes
//! what it created before each re-run).

use std::cell::Cell;

use leptos::prelude::{untrack, Effect, Owner};
use web_sys::{Element, Node};

/// An `Effect` that runs `f` after the current render and again whenever a signal it read
/// changes, until the reactive owner it was created under is disposed.
pub fn effect(f: impl Fn() + 'static) {
    effect_boxed(Box::new(f));
}

#[inline(never)]
fn effect_boxed(f: Box<dyn Fn()>) {
    Effect::new(move |_| f());
}

/// An [`effect`] that is also handed what it returned on its previous run (`None` on the first),
/// like `Effect::new(|previous: Option<T>| …)`.
pub fn effect_with<T: 'static>(f: impl Fn(Option<T>) -> T + 'static) {
    let last = Cell::new(None);
    effect(move || {
        let previous = last.take();
        last.set(Some(f(previous)));
    });
}

/// A part of the DOM drawn wholesale, just before `mark`: `draw(state)` makes its elements, and
/// whenever `state` (tracked) gives another value the old ones are removed and `draw` runs again
/// (untracked). What `draw` creates (effects, listeners) belongs to an owner of its own, disposed
/// with what it drew. For parts that only ever change wholesale (the pre-chat form giving way to
/// the composer, the away and rating cards); the first drawing happens after the first render.
pub fn region(mark: Node, state: impl Fn() -> u8 + 'static, draw: impl Fn(u8) -> Vec<Element> + 'static) {
    region_boxed(mark, Box::new(state), Box::new(draw));
}

#[inline(never)]
fn region_boxed(mark: Node, state: Box<dyn Fn() -> u8>, draw: Box<dyn Fn(u8) -> Vec<Element>>) {
    // A child of the owner the region is drawn under, not of its effect: the effect's own owner
    // is cleaned up on every run, also when the state did not change.
    let Some(parent) = Owner::current() else { return };
    effect_with(move |old: Option<(u8, Vec<Element>, Owner)>| {
        let now = state();
        let old = match old {
            Some(old) if old.0 == now => return old,
            old => old,
        };
        // Drawn while the old part is still there, so `draw` can see what had the focus in it.
        let owner = parent.child();
        let new = owner.with(|| untrack(|| draw(now)));
        // Dropping its owner disposes what the old drawing created.
        if let Some((_, old, _)) = old {
            for el in &old {
                el.remove();
            }
        }
        if let Some(parent) = mark.parent_node() {
            for el in &new {
                let _ = parent.insert_before(el, Some(&mark));
            }
        }
        (now, new, owner)
    });
}
