//! One message: the text (always as a text node, never HTML), its files (thumbnails or download
//! chips), who wrote it, when, and for the visitor's own messages whether it was delivered (and
//! "Seen" once an agent read it), with a retry button when it was not.

use leptos::prelude::*;
use parlour_shared::AuthorKind;

use super::attachments::attachments;
use super::locale::use_locale;
use super::rich_text::RichText;
use crate::browser;
use crate::client::ClientHandle;
use crate::i18n::{t, Key, Locale};
use crate::state::{Delivery, Entry};

/// The name shown for an author.
fn author_label(entry: &Entry, locale: Locale) -> String {
    let named = |fallback: Key| entry.author.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| t(locale, fallback).to_owned());
    match entry.author.kind {
        AuthorKind::Visitor => t(locale, Key::You).to_owned(),
        AuthorKind::Agent => named(Key::Agent),
        AuthorKind::Assistant => named(Key::Assistant),
        AuthorKind::System => String::new(),
    }
}

/// A message row.
#[component]
pub fn MessageRow(client: ClientHandle, entry: Entry, #[prop(into)] seen: Signal<Option<String>>) -> impl IntoView {
    let kind = entry.author.kind;
    let class = match kind {
        AuthorKind::Visitor => "message own",
        AuthorKind::System => "message system",
        AuthorKind::Agent | AuthorKind::Assistant => "message",
    };
    let locale = use_locale();
    let tr = move |key| t(locale, key);
    let (time, iso) = browser::format_time(entry.created_at, locale.tag());
    let author = author_label(&entry, locale);
    let delivery = entry.is_own().then(|| match entry.delivery {
        Delivery::Sending => view! { <span aria-hidden="true">"·"</span><span class="delivery">{tr(Key::Sending)}</span> }.into_any(),
        Delivery::Sent => {
            let key = entry.key.clone();
            let seen = Signal::derive(move || seen.with(|s| s.as_deref() == Some(key.as_str())));
            view! {
                <span aria-hidden="true">"·"</span>
                <span class="delivery" data-seen=move || seen.get().to_string()>{move || tr(if seen.get() { Key::Seen } else { Key::Sent })}</span>
            }
            .into_any()
        }
        Delivery::Failed => {
            let id = entry.client_message_id.clone();
            // The server's reason is English: other languages show their own "Not sent".
            let reason = entry.error.clone().filter(|_| locale == Locale::En).unwrap_or_else(|| tr(Key::NotSent).to_owned());
            view! {
                <span aria-hidden="true">"·"</span>
                <span class="failed" role="alert">{reason}</span>
                <button
                    type="button"
                    class="retry"
                    aria-label=tr(Key::RetryLabel)
                    on:click=move |_| {
                        if let Some(id) = id.as_ref() {
                            client.with(|c| c.retry(id));
                        }
                    }
                >
                    {tr(Key::Retry)}
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
    // A message of files only has no text bubble.
    let bubble = (!entry.body.is_empty()).then(|| view! { <div class="bubble"><RichText text=entry.body /></div> });
    let files = (!entry.attachments.is_empty()).then(|| attachments(client, entry.attachments));
    view! {
        <div class=class part="message" data-state=entry.delivery.as_str() data-author=kind.as_str() data-seq=entry.seq.map(|s| s.to_string())>
            {bubble}
            {files}
            {meta}
        </div>
    }
}
