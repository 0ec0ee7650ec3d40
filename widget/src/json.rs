//! JSON in and out of the widget. In the browser, `JSON.parse` / `JSON.stringify` handle the text
//! and serde-wasm-bindgen maps JS values to and from the `parlour-shared` types, so the wasm carries
//! no JSON parser or printer (serde_json cost ~11 KB brotli). On the host (unit tests) serde_json
//! does the same job. The wire shapes are those of the serde derives either way.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Parses `text` as a `T`; `None` when it is not JSON or not that shape.
#[must_use]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).ok()?).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::from_str(text).ok()
    }
}

/// `value` as JSON text (`None` only if it cannot be represented).
#[must_use]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        // json_compatible: maps as objects, `None` fields as null — what serde_json writes.
        let js = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
        js_sys::JSON::stringify(&js).ok()?.as_string()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::to_string(value).ok()
    }
}

/// A JSON request body for gloo-net, through [`to_string`] (gloo-net's own `.json()` would link
/// serde_json back in).
#[cfg(target_arch = "wasm32")]
pub trait JsonBody {
    /// Sets `Content-Type: application/json` and the body.
    ///
    /// # Errors
    /// gloo-net's, when the request cannot be built.
    fn json_body<T: Serialize + ?Sized>(self, value: &T) -> Result<gloo_net::http::Request, gloo_net::Error>;
}

#[cfg(target_arch = "wasm32")]
impl JsonBody for gloo_net::http::RequestBuilder {
    fn json_body<T: Serialize + ?Sized>(self, value: &T) -> Result<gloo_net::http::Request, gloo_net::Error> {
        let text = to_string(value).ok_or_else(|| gloo_net::Error::GlooError("cannot encode the body".to_owned()))?;
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
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_shared_type() {
        let body = parlour_shared::ErrorBody::new(parlour_shared::ErrorCode::RateLimited, "slow");
        let text = to_string(&body).unwrap();
        assert_eq!(from_str::<parlour_shared::ErrorBody>(&text), Some(body));
        assert_eq!(from_str::<parlour_shared::ErrorBody>("{"), None);
    }
}
