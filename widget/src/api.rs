//! What the JavaScript loader hands to [`crate::element::mount`] and what the engine needs from
//! it: the visitor's identity and locale for the session init request, and the emitter through
//! which the widget reports `open`, `close`, `message`, `unread` and `error` back to the page.
//!
//! The loader (`widget/www/loader.js`) turns each report into a `chat-widget:<name>` DOM event and
//! into `ChatWidget.on(name, …)` callbacks; nothing here knows about those.

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::transport::http::HttpError;

/// Who the host says the visitor is (`ChatWidget.boot` / `identify`), and their locale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The host's own user id (`user_id`), sent as `externalUserId`.
    pub user_id: Option<String>,
    /// The host's signed identity token (`userJWT`), sent as `userJwt`.
    pub user_jwt: Option<String>,
    /// HMAC proof of `user_id` (`userHash`), sent as `userHash`.
    pub user_hash: Option<String>,
    /// The locale the host chose (`locale` / `setLocale`); the browser's when absent.
    pub locale: Option<String>,
    /// The visitor's name (`boot({name})` / `identify`), sent as `name` and prefilled in the
    /// pre-chat form.
    pub name: Option<String>,
    /// The visitor's email (`boot({email})` / `identify`), sent as `email` and prefilled.
    pub email: Option<String>,
}

impl Identity {
    /// Reads `{userId, userJwt, userHash, locale}` from the loader's options object.
    #[must_use]
    pub fn from_js(options: &JsValue) -> Self {
        Self {
            user_id: string(options, "userId"),
            user_jwt: string(options, "userJwt"),
            user_hash: string(options, "userHash"),
            locale: string(options, "locale"),
            name: string(options, "name"),
            email: string(options, "email"),
        }
    }
}

/// The engine's connection to the page: identity for the next init request, and the emitter.
/// One per client; the client owns it, the mount fills it.
#[derive(Default)]
pub struct Hooks {
    /// Read when a session is started.
    pub identity: RefCell<Identity>,
    emitter: RefCell<Option<Emitter>>,
}

impl Hooks {
    /// Routes reports to `emitter` from now on.
    pub fn set_emitter(&self, emitter: Emitter) {
        *self.emitter.borrow_mut() = Some(emitter);
    }

    /// The emitter, if the widget is mounted by the loader.
    pub fn emitter(&self) -> Option<Emitter> {
        self.emitter.borrow().clone()
    }

    /// Reports a refused session start (`error` event; the loader also calls `onSecurityError`
    /// for `JWT_REQUIRED`, `JWT_INVALID` and `DOMAIN_NOT_ALLOWED`).
    pub fn report_failure(&self, err: &HttpError) {
        if let Some(emitter) = self.emitter() {
            let code = match err {
                HttpError::Status { body: Some(body), .. } => body.code.as_str(),
                HttpError::Status { .. } => "HTTP_ERROR",
                HttpError::Network => "NETWORK",
                HttpError::Decode => "INVALID_RESPONSE",
            };
            emitter.error(code, &err.describe());
        }
    }
}

/// Whether retrying a refused init cannot help: the host must fix its identity or origin.
#[must_use]
pub fn is_identity_refusal(err: &HttpError) -> bool {
    matches!(err, HttpError::Status { body: Some(body), .. }
        if matches!(body.code.as_str(), "JWT_REQUIRED" | "JWT_INVALID" | "DOMAIN_NOT_ALLOWED"))
}

/// Calls the loader's `emit(name, detail)`.
#[derive(Clone)]
pub struct Emitter(Function);

impl Emitter {
    /// The `emit` function of the loader's options, if there is one.
    #[must_use]
    pub fn from_js(options: &JsValue) -> Option<Self> {
        Reflect::get(options, &"emit".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()).map(Self)
    }

    /// Reports `name` with `detail`.
    pub fn emit(&self, name: &str, detail: &JsValue) {
        let _ = self.0.call2(&JsValue::NULL, &JsValue::from_str(name), detail);
    }

    /// Reports an error with its code.
    pub fn error(&self, code: &str, message: &str) {
        self.emit("error", &object(&[("code", code.into()), ("message", message.into())]));
    }
}

/// A plain object from key/value pairs.
#[must_use]
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
}

/// A non-empty string property of `obj`.
#[must_use]
pub fn string(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_string().filter(|s| !s.trim().is_empty())
}

