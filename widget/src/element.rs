//! Mounting the widget into a `<chat-widget>` element's shadow root. The element class itself is
//! plain JavaScript in the loader (`widget/www/loader.js`): it paints the launcher before this
//! module is even downloaded, then calls the exported [`mount`] and keeps the returned
//! [`MountedWidget`], which the page's `ChatWidget` API drives (open, close, identify…).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRoot};

use crate::api::{Emitter, Identity};
use crate::app;
use crate::browser;
use crate::client::{Client, Signals};
use crate::components::dom;
use crate::config::{Appearance, WidgetConfig, RESTART_ATTRIBUTES};
use crate::{events, storage};

/// The widget's stylesheet after the launcher's rules, minified by the build script
/// (`widget/build.rs`). The launcher's rules come from the loader's sheet (`launcherSheet` in the
/// mount options), so they are downloaded once.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

/// Mounts the widget for `host` into `shadow` (its open shadow root; whatever the loader painted
/// there is replaced). `options`: `{ emit(name, detail), userId, userJwt, userHash, locale, launcherSheet }`.
///
/// # Errors
/// A message when the element's attributes are unusable (no `project-id`…) or the DOM refuses.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, shadow: ShadowRoot, options: JsValue) -> Result<MountedWidget, JsValue> {
    MountedWidget::mount(&host, &shadow, &options).map_err(|e| JsValue::from_str(&e))
}

/// One mounted widget, held by its element.
#[wasm_bindgen]
pub struct MountedWidget {
    host: HtmlElement,
    container: HtmlElement,
    client: Rc<Client>,
    signals: Signals,
    appearance: RwSignal<Appearance>,
    /// Leptos' `UnmountHandle`: dropping it disposes the widget's reactive owner (its effects,
    /// and its listeners, which that removes).
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

    /// Opens the panel (and connects).
    pub fn open(&self) {
        self.client.set_open(true);
    }

    /// Closes the panel.
    pub fn close(&self) {
        self.client.set_open(false);
    }

    /// Opens a closed panel, closes an open one.
    pub fn toggle(&self) {
        self.client.set_open(!self.is_open());
    }

    /// Whether the panel is open.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.signals.open.get_untracked()
    }

    /// Messages from others not seen yet.
    #[must_use]
    pub fn unread_count(&self) -> usize {
        events::unread(self.signals)
    }

    /// Takes a new identity (`{userId, userJwt, userHash}`) for the next session start; the
    /// loader remounts with cleared storage when the user id changes.
    pub fn identify(&self, options: &JsValue) {
        let next = Identity::from_js(options);
        let mut identity = self.client.hooks.identity.borrow_mut();
        identity.user_id = next.user_id;
        identity.user_jwt = next.user_jwt;
        identity.user_hash = next.user_hash;
        identity.name = next.name;
        identity.email = next.email;
    }

    /// Sets the locale sent with the next session start and the panel's `lang`.
    pub fn set_locale(&self, locale: &str) {
        let _ = self.container.set_attribute("lang", locale);
        self.client.hooks.identity.borrow_mut().locale = Some(locale.to_owned()).filter(|l| !l.is_empty());
    }

    /// Closes the socket, stops the timers and removes the widget.
    pub fn unmount(self) {
        self.client.shutdown();
        // The root is drawn with DOM calls, not a Leptos view: it goes with its container.
        self.container.remove();
        drop(self);
    }
}

impl MountedWidget {
    fn mount(host: &HtmlElement, shadow: &ShadowRoot, options: &JsValue) -> Result<Self, String> {
        let config = WidgetConfig::from_attributes(|name| host.get_attribute(name), &browser::page_origin())
            .map_err(|e| e.to_string())?;
        prepare_shadow_root(shadow, options).map_err(|_| "cannot style the shadow root".to_owned())?;
        let container: HtmlElement = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("div").ok())
            .and_then(|e| e.dyn_into().ok())
            .ok_or("cannot create the widget's container")?;
        shadow.append_child(&container).map_err(|_| "cannot mount the widget")?;

        let identity = Identity::from_js(options);
        if let Some(locale) = &identity.locale {
            let _ = container.set_attribute("lang", locale);
        }
        let emitter = Emitter::from_js(options);
        // Messages up to this seq were seen before this page: replaying them is not news.
        let seen_seq = storage::browser::load(&storage::key(&config.project_id)).last_seq;

        let made = Rc::new(RefCell::new(None));
        let slot = made.clone();
        let parent: Element = container.clone().into();
        let view = leptos::mount::mount_to(container.clone(), move || {
            let appearance = RwSignal::new(config.appearance.clone());
            let client = Client::new(config);
            *client.hooks.identity.borrow_mut() = identity;
            let handle = client.handle();
            if let Some(emitter) = emitter {
                events::watch(handle.signals, emitter.clone(), seen_seq);
                client.hooks.set_emitter(emitter);
            }
            client.boot();
            *slot.borrow_mut() = Some((client, appearance, handle.signals));
            // No view: the root is drawn with DOM calls, inside the reactive owner Leptos made.
            app::draw(&dom::child(&parent, "div", "root"), handle, appearance);
        });
        let (client, appearance, signals) = made.borrow_mut().take().ok_or("the widget did not start")?;
        Ok(Self { host: host.clone(), container, client, signals, appearance, _view: Box::new(view) })
    }
}

/// Empties the shadow root (the loader's launcher, or an earlier mount) and adopts the loader's
/// launcher sheet (`options.launcherSheet`) followed by the widget's stylesheet.
fn prepare_shadow_root(shadow: &ShadowRoot, options: &JsValue) -> Result<(), JsValue> {
    while let Some(child) = shadow.first_child() {
        shadow.remove_child(&child)?;
    }
    // A constructable stylesheet, not <style>: hosts with a strict `style-src` CSP allow it.
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(CSS)?;
    let launcher = js_sys::Reflect::get(options, &"launcherSheet".into()).unwrap_or_default();
    let sheets = if launcher.is_instance_of::<CssStyleSheet>() { js_sys::Array::of2(&launcher, &sheet) } else { js_sys::Array::of1(&sheet) };
    shadow.set_adopted_style_sheets(&sheets);
    Ok(())
}
