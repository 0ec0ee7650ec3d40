//! Keeps the full-screen (phone) panel inside the visual viewport: when the on-screen keyboard
//! opens, `visualViewport` shrinks while `100dvh` does not, so the widget sets `--pw-vvh` and
//! `--pw-vvt` on its root from `visualViewport.height` / `offsetTop` and the stylesheet sizes the
//! panel with them. The listener goes away with the widget.

use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{EventTarget, HtmlElement};

/// The listener; removed when dropped (keep it in the widget's reactive owner).
pub struct ViewportFollower {
    target: EventTarget,
    closure: Closure<dyn Fn()>,
}

impl Drop for ViewportFollower {
    fn drop(&mut self) {
        for name in ["resize", "scroll"] {
            let _ = self.target.remove_event_listener_with_callback(name, self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Follows the visual viewport for `root` (`None` in browsers without `visualViewport`).
#[must_use]
pub fn follow_visual_viewport(root: HtmlElement) -> Option<ViewportFollower> {
    let viewport = web_sys::window()
        .and_then(|w| Reflect::get(&w, &JsValue::from_str("visualViewport")).ok())
        .and_then(|v| v.dyn_into::<EventTarget>().ok())?;
    let source = viewport.clone();
    let update = move || {
        // Whole pixels: formatting an f64 would link Rust's float printer (~20 KB of wasm).
        let px = |name: &str| Reflect::get(&source, &JsValue::from_str(name)).ok().and_then(|v| v.as_f64()).map(|v| v.round() as i64);
        let style = root.style();
        if let Some(height) = px("height") {
            let _ = style.set_property("--pw-vvh", &format!("{height}px"));
        }
        if let Some(top) = px("offsetTop") {
            let _ = style.set_property("--pw-vvt", &format!("{top}px"));
        }
    };
    update();
    let closure = Closure::<dyn Fn()>::new(update);
    for name in ["resize", "scroll"] {
        let _ = viewport.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    }
    Some(ViewportFollower { target: viewport, closure })
}
