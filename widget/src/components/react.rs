//! Leptos' reactive primitives behind one instantiation each. Every `Effect::new` closure type and
//! every `on:event` handler type makes tachys and reactive_graph generate their code again (about
//! 2 KB of wasm per effect, 1 KB per handler); boxing the closure first makes all of them share
//! one copy. Behaviour is Leptos' own: the same `Effect` (runs after render, re-runs when what it
//! read changes, stops with its owner) and the same listeners.

use std::cell::Cell;

use leptos::prelude::Effect;

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

/// An event handler for `on:event=handler(…)`: boxed, so each event type's listener code exists
/// once however many handlers there are.
pub fn handler<E: 'static>(f: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(f)
}
