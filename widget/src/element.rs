//! The `<chat-widget>` custom element. A custom element must be an ES class, which wasm-bindgen
//! cannot declare, so a few lines of inline JS define it and forward its lifecycle into Rust:
//! `connectedCallback` mounts a [`MountedWidget`] (open shadow root, constructable stylesheet,
//! Leptos app) and keeps it on the element; `disconnectedCallback` unmounts it.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::app::App;
use crate::browser;
use crate::client::Client;
use crate::config::{Appearance, WidgetConfig, OBSERVED_ATTRIBUTES, RESTART_ATTRIBUTES};

/// The widget's stylesheet.
const CSS: &str = include_str!("widget.css");

#[wasm_bindgen(inline_js = "
export function define_element(tag, observed, mount) {
  if (customElements.get(tag)) return;
  customElements.define(tag, class extends HTMLElement {
    static get observedAttributes() { return observed; }
    connectedCallback() { if (!this._parlour) this._parlour = mount(this); }
    disconnectedCallback() { const w = this._parlour; this._parlour = undefined; if (w) w.unmount(); }
    attributeChangedCallback(name, before, after) {
      if (before === after || !this._parlour) return;
      if (this._parlour.attribute_changed(name)) { this.disconnectedCallback(); this.connectedCallback(); }
    }
  });
}")]
extern "C" {
    fn define_element(tag: &str, observed: js_sys::Array, mount: &js_sys::Function);
}

/// Defines `<chat-widget>` (once per page, even if the script is loaded twice).
pub fn define() {
    let observed: js_sys::Array = OBSERVED_ATTRIBUTES.iter().map(|a| JsValue::from_str(a)).collect();
    let mount = Closure::<dyn Fn(HtmlElement) -> JsValue>::new(|host: HtmlElement| match MountedWidget::mount(&host) {
        Ok(widget) => JsValue::from(widget),
        Err(err) => {
            browser::warn(&err);
            JsValue::UNDEFINED
        }
    });
    define_element("chat-widget", observed, mount.as_ref().unchecked_ref());
    // The element class calls it for every instance, for the page's whole life.
    mount.forget();
}

/// One mounted widget, held by its element.
#[wasm_bindgen]
pub struct MountedWidget {
    host: HtmlElement,
    client: Rc<Client>,
    appearance: RwSignal<Appearance>,
    /// Leptos' `UnmountHandle`: dropping it removes the view and disposes its reactive owner.
    _view: Box<dyn Any>,
}

#[wasm_bindgen]
impl MountedWidget {
    /// Takes an attribute change: `true` when the widget must restart (another project or
    /// server), otherwise the look follows at once.
    pub fn attribute_changed(&self, name: &str) -> bool {
        if RESTART_ATTRIBUTES.contains(&name) {
            return true;
        }
        let host = self.host.clone();
        self.appearance.set(Appearance::from_attributes(move |n| host.get_attribute(n)));
        false
    }

    /// Closes the socket, stops the timers and removes the view.
    pub fn unmount(self) {
        self.client.shutdown();
        drop(self);
    }
}

impl MountedWidget {
    fn mount(host: &HtmlElement) -> Result<Self, String> {
        let config = WidgetConfig::from_attributes(|name| host.get_attribute(name), &browser::page_origin())
            .map_err(|e| e.to_string())?;
        let shadow = prepare_shadow_root(host).map_err(|_| "cannot attach a shadow root".to_owned())?;
        let container: HtmlElement = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("div").ok())
            .and_then(|e| e.dyn_into().ok())
            .ok_or("cannot create the widget's container")?;
        shadow.append_child(&container).map_err(|_| "cannot mount the widget")?;

        let made = Rc::new(RefCell::new(None));
        let slot = made.clone();
        let view = leptos::mount::mount_to(container, move || {
            let appearance = RwSignal::new(config.appearance.clone());
            let client = Client::new(config);
            let handle = client.handle();
            client.boot();
            *slot.borrow_mut() = Some((client, appearance));
            view! { <App client=handle appearance=appearance /> }
        });
        let (client, appearance) = made.borrow_mut().take().ok_or("the widget did not start")?;
        Ok(Self { host: host.clone(), client, appearance, _view: Box::new(view) })
    }
}

/// The element's open shadow root, emptied (an element moved in the page is mounted again),
/// with the widget's stylesheet adopted.
fn prepare_shadow_root(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    let shadow = match host.shadow_root() {
        Some(shadow) => {
            while let Some(child) = shadow.first_child() {
                shadow.remove_child(&child)?;
            }
            shadow
        }
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    // A constructable stylesheet, not <style>: hosts with a strict `style-src` CSP allow it.
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(CSS)?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(shadow)
}
