//! A message body as rich text: the [`crate::markdown`] tree drawn with `view!` nodes (never
//! `inner_html`, so markup in a message is only ever text). Links open in a new tab without
//! giving the page a handle on the opener.

use leptos::prelude::*;

use crate::markdown::{parse, Block, Inline};

/// The rendered body.
#[component]
pub fn RichText(text: String) -> impl IntoView {
    parse(&text).into_iter().map(block).collect::<Vec<_>>()
}

fn block(block: Block) -> AnyView {
    match block {
        Block::Paragraph(nodes) => view! { <p>{inlines(nodes)}</p> }.into_any(),
        Block::Code(code) => view! { <pre><code>{code}</code></pre> }.into_any(),
        Block::List { start: Some(n), items } => view! { <ol start=n.to_string()>{list_items(items)}</ol> }.into_any(),
        Block::List { start: None, items } => view! { <ul>{list_items(items)}</ul> }.into_any(),
    }
}

fn list_items(items: Vec<Vec<Inline>>) -> Vec<AnyView> {
    items.into_iter().map(|item| view! { <li>{inlines(item)}</li> }.into_any()).collect()
}

fn inlines(nodes: Vec<Inline>) -> Vec<AnyView> {
    nodes.into_iter().map(inline).collect()
}

fn inline(node: Inline) -> AnyView {
    match node {
        Inline::Text(text) => text.into_any(),
        Inline::Code(code) => view! { <code>{code}</code> }.into_any(),
        Inline::Strong(nodes) => view! { <strong>{inlines(nodes)}</strong> }.into_any(),
        Inline::Emphasis(nodes) => view! { <em>{inlines(nodes)}</em> }.into_any(),
        Inline::Link { href, content } => {
            view! { <a href=href target="_blank" rel="noopener noreferrer">{inlines(content)}</a> }.into_any()
        }
    }
}
