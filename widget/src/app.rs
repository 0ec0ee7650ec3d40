//! The widget's root component: applies the look (title, accent colour, theme, corner, z-index)
//! and the language (strings, `lang`, `dir`), places the launcher and the panel, and handles what
//! spans both: Escape to close, focus moving between them, and announcing new messages.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

use crate::browser;
use crate::client::ClientHandle;
use crate::components::announcer::Announcer;
use crate::components::dom;
use crate::components::launcher::Launcher;
use crate::components::locale::provide_locale;
use crate::components::panel::Panel;
use crate::components::react::{effect, effect_with, handler};
use crate::components::viewport::follow_visual_viewport;
use crate::config::{contrast_text, sanitize_color, Appearance};
use crate::i18n::{t, Key, Locale};
use crate::theme::Side;

/// The accent when neither the element nor the project sets one.
const DEFAULT_ACCENT: &str = "#4f46e5";

/// The widget.
#[component]
pub fn App(client: ClientHandle, appearance: RwSignal<Appearance>) -> impl IntoView {
    let signals = client.signals;
    let open = signals.open;
    let root_ref = NodeRef::<html::Div>::new();
    let launcher_ref = NodeRef::<html::Button>::new();
    let composer_ref = NodeRef::<html::Textarea>::new();

    // `locale` attribute → `ChatWidget.boot({ locale })` → the browser's language → English.
    let mut boot_locale = None;
    client.with(|c| boot_locale.clone_from(&c.hooks.identity.borrow().locale));
    let browser_locale = browser::user_agent_and_locale().1;
    let locale = appearance
        .with_untracked(|a| Locale::resolve(&[a.locale.as_deref(), boot_locale.as_deref(), browser_locale.as_deref()]));
    provide_locale(locale);

    let title = Signal::derive(move || {
        appearance.with(|a| a.title.clone()).unwrap_or_else(|| {
            signals.look.with(|l| if l.title.trim().is_empty() { t(locale, Key::Chat).to_owned() } else { l.title.clone() })
        })
    });
    let accent = Memo::new(move |_| {
        appearance
            .with(|a| a.primary_color.clone())
            .or_else(|| signals.look.with(|l| sanitize_color(&l.primary_color)))
            .unwrap_or_else(|| DEFAULT_ACCENT.to_owned())
    });
    let unread = Signal::derive(move || {
        let read = signals.read_seq.get();
        signals.timeline.with(|t| t.unread_after(read))
    });

    // The look, kept current by one effect rather than a reactive attribute each. Custom
    // properties go through CSSOM: allowed under a strict `style-src`, unlike style="".
    effect(move || {
        let color = accent.get();
        let Some(root) = root_ref.get() else { return };
        appearance.with(|a| {
            dom::attr(&root, "data-theme", a.theme.as_str());
            dom::attr(&root, "data-position", Side::resolve(a.position, locale.is_rtl()).as_str());
            let style = web_sys::HtmlElement::style(&root);
            let _ = style.set_property("--pw-accent", &color);
            let _ = style.set_property("--pw-on-accent", contrast_text(&color));
            let _ = match a.z_index {
                Some(z) => style.set_property("--pw-z", &z.to_string()),
                None => style.remove_property("--pw-z").map(|_| ()),
            };
        });
        dom::attr(&root, "data-open", if open.get() { "true" } else { "false" });
    });
    // Kept here (not in the effect) so the listener lives exactly as long as the widget.
    let follower = StoredValue::new_local(None);
    effect(move || {
        if let Some(root) = root_ref.get() {
            follower.set_value(follow_visual_viewport(root.into()));
        }
    });

    // Opening moves focus into the composer, closing back to the launcher (not on first render:
    // a widget that starts open must not steal the page's focus).
    effect_with(move |previous: Option<bool>| {
        let now = open.get();
        if previous.is_some_and(|p| p != now) {
            request_animation_frame(move || {
                if now {
                    if let Some(area) = composer_ref.get_untracked() {
                        let _ = area.focus();
                    }
                } else if let Some(button) = launcher_ref.get_untracked() {
                    let _ = button.focus();
                }
            });
        }
        now
    });

    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            client.with(|c| c.set_open(false));
        }
    };

    view! {
        <div
            class="root"
            node_ref=root_ref
            title=""
            lang=locale.tag()
            dir=locale.dir()
            on:keydown=handler(on_keydown)
        >
            <Panel client=client title=title composer_ref=composer_ref />
            <Launcher client=client open=open unread=unread node_ref=launcher_ref />
            <Announcer client=client />
        </div>
    }
}
