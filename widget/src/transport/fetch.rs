//! `fetch` for the REST calls: a request built in Rust, sent through the browser's `fetch`, the
//! answer read as text. What the widget needs of gloo-net's HTTP client and no more (its body
//! streams, method table and error formatting cost ~4 KB of brotli for nothing we use).
//! Credentials stay the browser default (`same-origin`): the server's CORS never allows them.

use serde::Serialize;
use wasm_bindgen::JsCast;
use js_sys::futures::JsFuture;

/// The request could not be built or sent (offline, refused by CORS, the body not encodable), or
/// its answer could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error;

/// A request being built.
#[must_use]
pub struct Request {
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
}

impl Request {
    /// A `GET` of `url`.
    pub fn get(url: &str) -> Self {
        Self { method: "GET", url: url.to_owned(), headers: Vec::new(), body: None }
    }

    /// A `POST` to `url`.
    pub fn post(url: &str) -> Self {
        Self { method: "POST", url: url.to_owned(), headers: Vec::new(), body: None }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// `value` as the JSON body, with its `Content-Type`.
    ///
    /// # Errors
    /// [`Error`] when `value` cannot be written as JSON.
    pub fn json_body<T: Serialize + ?Sized>(self, value: &T) -> Result<Self, Error> {
        let text = crate::json::to_string(value).ok_or(Error)?;
        Ok(self.header("Content-Type", "application/json").body(text))
    }

    /// `text` as the body.
    pub fn body(mut self, text: String) -> Self {
        self.body = Some(text);
        self
    }

    /// Sends it.
    ///
    /// # Errors
    /// [`Error`] when no answer comes back (network, CORS); an error status is an answer.
    pub async fn send(self) -> Result<Response, Error> {
        let init = web_sys::RequestInit::new();
        init.set_method(self.method);
        let headers = web_sys::Headers::new().map_err(|_| Error)?;
        for (name, value) in &self.headers {
            headers.append(name, value).map_err(|_| Error)?;
        }
        init.set_headers(&headers);
        if let Some(body) = &self.body {
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
        }
        let request = web_sys::Request::new_with_str_and_init(&self.url, &init).map_err(|_| Error)?;
        let window = web_sys::window().ok_or(Error)?;
        let answer = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| Error)?;
        answer.dyn_into().map(Response).map_err(|_| Error)
    }
}

/// An answer, whatever its status.
pub struct Response(web_sys::Response);

impl Response {
    /// A 2xx status.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.0.ok()
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.0.status()
    }

    /// The body as text.
    ///
    /// # Errors
    /// [`Error`] when the body cannot be read.
    pub async fn text(&self) -> Result<String, Error> {
        let promise = self.0.text().map_err(|_| Error)?;
        JsFuture::from(promise).await.map_err(|_| Error)?.as_string().ok_or(Error)
    }

    /// The body as JSON of type `T`.
    ///
    /// # Errors
    /// [`Error`] when the body cannot be read or is not that shape.
    pub async fn json<T: crate::json::FromJson>(&self) -> Result<T, Error> {
        crate::json::from_str(&self.text().await?).ok_or(Error)
    }
}
