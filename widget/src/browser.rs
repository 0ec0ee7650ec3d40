//! Small facts from the browser: the clock, random numbers and ids, the page's whereabouts.

use wasm_bindgen::JsValue;

/// Now, Unix milliseconds.
#[must_use]
pub fn now_ms() -> i64 {
    // Milliseconds since 1970 fit an f64 exactly and an i64 easily.
    #[allow(clippy::cast_possible_truncation)]
    let ms = js_sys::Date::now() as i64;
    ms
}

/// Now, Unix seconds.
#[must_use]
pub fn now_secs() -> i64 {
    now_ms() / 1_000
}

/// A random number in `[0, 1)`, for jitter.
#[must_use]
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// A random UUID v4 from `crypto.getRandomValues` (a clientMessageId or an instance id).
#[must_use]
pub fn uuid_v4() -> String {
    let mut bytes = [0_u8; 16];
    let crypto_ok = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !crypto_ok {
        // Only without Web Crypto (very old browsers): unique enough for idempotency keys.
        for b in &mut bytes {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let v = (random() * 256.0) as u8;
            *b = v;
        }
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// `location.origin`, e.g. `https://shop.example.com`.
#[must_use]
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// `location.href`.
#[must_use]
pub fn page_url() -> Option<String> {
    web_sys::window().and_then(|w| w.location().href().ok())
}

/// `navigator.userAgent` and `navigator.language`.
#[must_use]
pub fn user_agent_and_locale() -> (Option<String>, Option<String>) {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else { return (None, None) };
    (nav.user_agent().ok(), nav.language())
}

/// A time of day in the widget's `locale` ("14:05" in `fr`, "2:05 PM" in `en`) and the full ISO
/// date-time.
#[must_use]
pub fn format_time(ms: i64, locale: &str) -> (String, String) {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    let short = date.to_locale_time_string_with_options(locale, &options);
    (short.into(), date.to_iso_string().into())
}

/// Logs a warning to the console with the widget's prefix.
pub fn warn(text: &str) {
    web_sys::console::warn_1(&format!("parlour: {text}").into());
}
