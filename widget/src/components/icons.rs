//! Inline SVG icons (stroke style, `currentColor`), hidden from assistive technology: every
//! button that shows one has its own accessible name.

use leptos::prelude::*;

/// A speech bubble.
pub fn chat() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z"></path>
            <path d="M8.5 12h.01M12 12h.01M15.5 12h.01" stroke-width="2.6"></path>
        </svg>
    }
}

/// A downward chevron (minimise).
pub fn chevron_down() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M6 9l6 6 6-6"></path>
        </svg>
    }
}

/// A cross (close).
pub fn close() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M18 6L6 18M6 6l12 12"></path>
        </svg>
    }
}

/// A paper plane (send).
pub fn send() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M22 2L11 13"></path>
            <path d="M22 2l-7 20-4-9-9-4 20-7z"></path>
        </svg>
    }
}

/// A paperclip (attach files).
pub fn paperclip() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M21 11.5l-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3"></path>
        </svg>
    }
}
