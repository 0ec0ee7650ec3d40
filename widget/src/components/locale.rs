//! The widget's language as a Leptos context: the app provides it once per mount, components
//! read strings with [`tr`]. Strings are plain `&'static str` (no reactive text to ship for each
//! label); a new `locale` attribute restarts the widget instead (see `config::RESTART_ATTRIBUTES`).

use leptos::prelude::*;

use crate::i18n::{t, Key, Locale};

/// The context value.
#[derive(Clone, Copy)]
struct UiLocale(Locale);

/// Makes `locale` the language of every component below.
pub fn provide_locale(locale: Locale) {
    provide_context(UiLocale(locale));
}

/// The widget's language (English outside the app).
#[must_use]
pub fn use_locale() -> Locale {
    use_context::<UiLocale>().map(|l| l.0).unwrap_or_default()
}

/// The string for `key` in the widget's language.
#[must_use]
pub fn tr(key: Key) -> &'static str {
    t(use_locale(), key)
}
