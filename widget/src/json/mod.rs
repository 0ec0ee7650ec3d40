//! JSON in and out of the widget, through serde's derives on the `parlour-shared` types and a small
//! reader ([`read`]) and writer ([`write`]) of our own. The wasm carries neither serde_json (general,
//! with float parsing and printing) nor serde-wasm-bindgen (a JS call per field, plus the error
//! formatting that links float printing): together they cost tens of KB. The same code runs on the
//! host, where the unit tests below hold it to serde_json's output for every wire type.

mod read;
mod write;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses `text` as a `T`; `None` when it is not JSON or not that shape.
#[must_use]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    read::from_str(text).ok()
}

/// `value` as JSON text (`None` only if it cannot be represented, e.g. a float).
#[must_use]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    write::to_string(value).ok()
}

/// A JSON request body for gloo-net, through [`to_string`] (gloo-net's own `.json()` would link
/// serde_json back in).
#[cfg(target_arch = "wasm32")]
pub trait JsonBody {
    /// Sets `Content-Type: application/json` and the body.
    ///
    /// # Errors
    /// gloo-net's, when the request cannot be built.
    fn json_body<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<gloo_net::http::Request, gloo_net::Error>;
}

#[cfg(target_arch = "wasm32")]
impl JsonBody for gloo_net::http::RequestBuilder {
    fn json_body<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<gloo_net::http::Request, gloo_net::Error> {
        let text = to_string(value)
            .ok_or_else(|| gloo_net::Error::GlooError("cannot encode the body".to_owned()))?;
        self.header("Content-Type", "application/json").body(text)
    }
}

/// Reads a response body as a `T`.
///
/// # Errors
/// `()` when the body cannot be read or is not that shape.
#[cfg(target_arch = "wasm32")]
pub async fn response<T: DeserializeOwned>(response: &gloo_net::http::Response) -> Result<T, ()> {
    let text = response.text().await.map_err(|_| ())?;
    from_str(&text).ok_or(())
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
