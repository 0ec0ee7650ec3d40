//! The widget's root component: applies the look (title, accent colour), places the launcher and
//! the panel, and handles what spans both: Escape to close and focus moving between them.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

use crate::client::ClientHandle;
use crate::components::launcher::Launcher;
use crate::components::panel::Panel;
use crate::config::{contrast_text, sanitize_color, Appearance};

/// The accent when neither the element nor the project sets one.
const DEFAULT_ACCENT: &str = "#4f46e5";
/// The title when neither the element nor the project sets one.
const DEFAULT_TITLE: &str = "Chat";

/// The widget.
#[component]
pub fn App(client: ClientHandle, appearance: RwSignal<Appearance>) -> impl IntoView {
    let signals = client.signals;
    let open = signals.open;
    let root_ref = NodeRef::<html::Div>::new();
    let launcher_ref = NodeRef::<html::Button>::new();
    let composer_ref = NodeRef::<html::Textarea>::new();

    let title = Signal::derive(move || {
        appearance.with(|a| a.title.clone()).unwrap_or_else(|| {
            signals.look.with(|l| if l.title.trim().is_empty() { DEFAULT_TITLE.to_owned() } else { l.title.clone() })
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

    // Custom properties through CSSOM: allowed under a strict `style-src`, unlike style="".
    Effect::new(move |_| {
        let color = accent.get();
        if let Some(root) = root_ref.get() {
            let style = web_sys::HtmlElement::style(&root);
            let _ = style.set_property("--pw-accent", &color);
            let _ = style.set_property("--pw-on-accent", contrast_text(&color));
        }
    });

    // Opening moves focus into the composer, closing back to the launcher (not on first render:
    // a widget that starts open must not steal the page's focus).
    Effect::new(move |previous: Option<bool>| {
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
        <div class="root" node_ref=root_ref title="" data-open=move || open.get().to_string() on:keydown=on_keydown>
            <Panel client=client title=title composer_ref=composer_ref />
            <Launcher client=client open=open unread=unread node_ref=launcher_ref />
        </div>
    }
}
