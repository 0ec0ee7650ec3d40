//! One message: the text (always as a text node, never HTML), who wrote it, when, and for the
//! visitor's own messages whether it was delivered, with a retry button when it was not.

use leptos::prelude::*;
use parlour_shared::AuthorKind;

use crate::browser;
use crate::client::ClientHandle;
use crate::state::{Delivery, Entry};

/// The name shown for an author.
fn author_label(entry: &Entry) -> String {
    let named = |fallback: &str| entry.author.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| fallback.to_owned());
    match entry.author.kind {
        AuthorKind::Visitor => "You".to_owned(),
        AuthorKind::Agent => named("Agent"),
        AuthorKind::Assistant => named("Assistant"),
        AuthorKind::System => String::new(),
    }
}

/// A message row.
#[component]
pub fn MessageRow(client: ClientHandle, entry: Entry) -> impl IntoView {
    let kind = entry.author.kind;
    let class = match kind {
        AuthorKind::Visitor => "message own",
        AuthorKind::System => "message system",
        AuthorKind::Agent | AuthorKind::Assistant => "message",
    };
    let (time, iso) = browser::format_time(entry.created_at);
    let author = author_label(&entry);
    let delivery = entry.is_own().then(|| match entry.delivery {
        Delivery::Sending => view! { <span aria-hidden="true">"·"</span><span class="delivery">"Sending…"</span> }.into_any(),
        Delivery::Sent => view! { <span aria-hidden="true">"·"</span><span class="delivery">"Sent"</span> }.into_any(),
        Delivery::Failed => {
            let id = entry.client_message_id.clone();
            let reason = entry.error.clone().unwrap_or_else(|| "Not sent".to_owned());
            view! {
                <span aria-hidden="true">"·"</span>
                <span class="failed" role="alert">{reason}</span>
                <button
                    type="button"
                    class="retry"
                    aria-label="Retry sending this message"
                    on:click=move |_| {
                        if let Some(id) = id.as_ref() {
                            client.with(|c| c.retry(id));
                        }
                    }
                >
                    "Retry"
                </button>
            }
            .into_any()
        }
    });
    let meta = (kind != AuthorKind::System).then(|| {
        view! {
            <div class="meta">
                <span class="author">{author}</span>
                <span aria-hidden="true">"·"</span>
                <time datetime=iso>{time}</time>
                {delivery}
            </div>
        }
    });
    view! {
        <div class=class data-state=entry.delivery.as_str() data-author=kind.as_str() data-seq=entry.seq.map(|s| s.to_string())>
            <div class="bubble">{entry.body}</div>
            {meta}
        </div>
    }
}
