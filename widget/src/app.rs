//! The widget's root: applies the look (title, accent colour, theme, corner, z-index) and the
//! language (strings, `lang`, `dir`), draws the panel, the launcher and the announcer, and
//! handles what spans them: Escape to close, focus moving between them.
//!
//! Leptos mounts the widget and owns the reactive graph; everything in the root is drawn with
//! DOM calls ([`crate::components::dom`]) and kept current by shared effects
//! ([`crate::components::react`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use crate::browser;
use crate::client::ClientHandle;
use crate::components::dom::{self, attr};
use crate::components::react::{effect, effect_with};
use crate::components::viewport::follow_visual_viewport;
use crate::components::{announcer, launcher, panel};
use crate::config::{contrast_text, sanitize_color, Appearance};
use crate::i18n::{t, Key, Locale};
use crate::theme::Side;

/// The accent when neither the element nor the project sets one.
const DEFAULT_ACCENT: &str = "#4f46e5";

/// Draws the widget into `root` (its `<div class="root">`), under the reactive owner Leptos
/// mounted it with.
pub fn draw(root: &Element, client: ClientHandle, appearance: RwSignal<Appearance>) {
    let signals = client.signals;
    let open = signals.open;

    // `locale` attribute → `ChatWidget.boot({ locale })` → the browser's language → English.
    let mut boot_locale = None;
    client.with(|c| boot_locale.clone_from(&c.hooks.identity.borrow().locale));
    let browser_locale = browser::user_agent_and_locale().1;
    let locale = appearance
        .with_untracked(|a| Locale::resolve(&[a.locale.as_deref(), boot_locale.as_deref(), browser_locale.as_deref()]));
    attr(root, "title", "");
    attr(root, "lang", locale.tag());
    attr(root, "dir", locale.dir());

    // Plain functions rather than memos: each is read by an effect or two, and a memo of its
    // own type would cost more wasm than reading the look again.
    let title = move || {
        appearance.with(|a| a.title.clone()).unwrap_or_else(|| {
            signals.look.with(|l| if l.title.trim().is_empty() { t(locale, Key::Chat).to_owned() } else { l.title.clone() })
        })
    };
    let accent = move || {
        appearance
            .with(|a| a.primary_color.clone())
            .or_else(|| signals.look.with(|l| sanitize_color(&l.primary_color)))
            .unwrap_or_else(|| DEFAULT_ACCENT.to_owned())
    };

    // The look, kept current by one effect rather than a reactive attribute each. Custom
    // properties go through CSSOM: allowed under a strict `style-src`, unlike style="".
    let el = root.clone();
    effect(move || {
        let color = accent();
        appearance.with(|a| {
            attr(&el, "data-theme", a.theme.as_str());
            attr(&el, "data-position", Side::resolve(a.position, locale.is_rtl()).as_str());
            let style = el.unchecked_ref::<HtmlElement>().style();
            let _ = style.set_property("--pw-accent", &color);
            let _ = style.set_property("--pw-on-accent", contrast_text(&color));
            let _ = match a.z_index {
                Some(z) => style.set_property("--pw-z", &z.to_string()),
                None => style.remove_property("--pw-z").map(|_| ()),
            };
        });
        attr(&el, "data-open", if open.get() { "true" } else { "false" });
    });
    // Kept in the widget's owner, so the listener lives exactly as long as the widget.
    dom::keep(follow_visual_viewport(root.clone().unchecked_into()));

    // Opening moves focus into the composer, closing back to the launcher (not on first render:
    // a widget that starts open must not steal the page's focus).
    let el = root.clone();
    effect_with(move |previous: Option<bool>| {
        let now = open.get();
        if previous.is_some_and(|p| p != now) {
            let el = el.clone();
            dom::next_frame(move || dom::focus(&el, if now { "#parlour-input" } else { ".launcher" }));
        }
        now
    });

    dom::listen(root, &["keydown"], move |ev| {
        if ev.unchecked_ref::<KeyboardEvent>().key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            client.with(|c| c.set_open(false));
        }
    });

    panel::draw(root, client, title, locale);
    launcher::draw(root, client, locale);
    announcer::draw(root, client, locale);
}
