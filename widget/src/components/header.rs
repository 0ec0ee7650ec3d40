//! The panel's header: who answers — the initials of the agents online, else of the agent who
//! last replied, else the project's — the title, and one status line: the connection state
//! while the link is not up, else whether the team is online or away.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use parlour_shared::AuthorKind;

use super::{dom, icons};
use super::locale::{tr, use_locale};
use crate::components::react::handler;
use crate::client::ClientHandle;
use crate::i18n::{t, Key};
use crate::state::presence::{connection_state, initials, status_key};

/// The header.
#[component]
pub fn Header(client: ClientHandle, title: Signal<String>) -> impl IntoView {
    let signals = client.signals;
    let locale = use_locale();
    let online = Memo::new(move |_| signals.presence.with(|p| p.as_ref().map(|p| p.online)));
    let state = move || signals.connection.with(connection_state);
    let presence = move || online.get().map(|on| if on { "online" } else { "away" });
    // Whose faces: the agents online, else whoever replied last.
    let names = Memo::new(move |_| {
        let online = signals.presence.with(|p| p.as_ref().filter(|p| p.online).map(|p| p.agents.clone()));
        online.filter(|agents| !agents.is_empty()).unwrap_or_else(|| {
            signals.timeline.with(|t| {
                let last = t.entries().iter().rev().find(|e| e.author.kind == AuthorKind::Agent);
                last.and_then(|e| e.author.name.clone()).into_iter().collect()
            })
        })
    });
    // The faces, drawn with DOM calls: one effect instead of two view shapes to swap. A render
    // effect, as for the view's own bindings: it draws at once when created, with the rest of
    // the header, not a task later.
    let faces = NodeRef::<leptos::html::Div>::new();
    let draw_faces = RenderEffect::new(move |_| {
        let Some(faces) = faces.get() else { return };
        faces.set_text_content(None);
        names.with(|names| {
            if names.is_empty() {
                dom::attr(&faces, "class", "avatar");
                dom::attr(&faces, "aria-hidden", "true");
                let _ = faces.remove_attribute("role");
                let _ = faces.remove_attribute("aria-label");
                faces.set_text_content(Some(&title.with(|title| initials(title))));
                return;
            }
            dom::attr(&faces, "class", "avatars");
            dom::attr(&faces, "role", "img");
            dom::attr(&faces, "aria-label", &names.join(", "));
            let _ = faces.remove_attribute("aria-hidden");
            for name in names {
                let face = dom::child(&faces, "span", "avatar");
                dom::attr(&face, "title", name);
                dom::text(&face, &initials(name));
            }
        });
    });
    // A render effect stops when dropped: keep it as long as the header.
    StoredValue::new_local(draw_faces);
    let text = move || t(locale, signals.connection.with(|c| status_key(c, online.get(), signals.away_mode.get())));
    view! {
        <header class="header" part="header">
            <div class="avatar" aria-hidden="true" node_ref=faces></div>
            <div class="heading">
                <h2 class="title">{move || title.get()}</h2>
                <p class="status" data-connection=state data-presence=presence role="status">
                    <span class="dot" aria-hidden="true"></span>
                    <span>{text}</span>
                </p>
            </div>
            <button type="button" class="icon-button" aria-label=tr(Key::CloseChat) on:click=handler(move |_: MouseEvent| client.with(|c| c.set_open(false)))>
                {icons::close()}
            </button>
        </header>
    }
}
