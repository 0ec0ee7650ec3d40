//! Uploading one file: `POST /v1/widget/uploads?name=…` with the raw file as the body and the
//! session's Bearer token, answered by 201 `{attachment}`. Through `XMLHttpRequest`, because
//! `fetch` reports no upload progress. The server reads the type from the first bytes and counts
//! the size while streaming; its refusals come back as [`UploadError`].

use parlour_shared::Attachment;
use parlour_shared::rest::{UPLOADS_PATH, UploadResponse};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, File, ProgressEvent, XmlHttpRequest};

/// Why a file was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// Over the server's limit: 413 `PAYLOAD_TOO_LARGE`, or seen before sending.
    TooLarge,
    /// A type the server does not take: 415 `UNSUPPORTED_MEDIA_TYPE`.
    Unsupported,
    /// No answer, or one that retrying may fix (offline, session refused, rate limited, 5xx).
    Failed,
}

impl UploadError {
    /// Whether trying again can help.
    #[must_use]
    pub const fn retryable(self) -> bool {
        matches!(self, Self::Failed)
    }

    fn from_status(status: u16) -> Self {
        match status {
            413 => Self::TooLarge,
            415 => Self::Unsupported,
            _ => Self::Failed,
        }
    }
}

/// An upload in flight. Dropping it cancels the request; no callback runs afterwards.
pub struct Upload {
    xhr: XmlHttpRequest,
    /// `FnMut(Event)`, the closure type of the other listeners: one copy of wasm-bindgen's glue.
    _progress: Closure<dyn FnMut(Event)>,
    _done: Closure<dyn FnMut()>,
}

impl Drop for Upload {
    fn drop(&mut self) {
        self.xhr.set_onloadend(None);
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        if self.xhr.ready_state() != XmlHttpRequest::DONE {
            let _ = self.xhr.abort();
        }
    }
}

/// Starts uploading `file` to the server at `base` with the session `token`. `progress` gets
/// the share sent so far (0–100) as it goes; `done` gets the stored attachment, or why not,
/// exactly once (unless the [`Upload`] is dropped first).
///
/// # Errors
/// [`UploadError::Failed`] when the browser refuses to start the request.
pub fn start(
    base: &str,
    token: &str,
    file: &File,
    progress: impl Fn(u32) + 'static,
    done: impl FnOnce(Result<Attachment, UploadError>) + 'static,
) -> Result<Upload, UploadError> {
    let xhr = XmlHttpRequest::new().map_err(|_| UploadError::Failed)?;
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    xhr.open("POST", &format!("{base}{UPLOADS_PATH}?name={name}")).map_err(|_| UploadError::Failed)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}")).map_err(|_| UploadError::Failed)?;

    let on_progress = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        let ev = ev.unchecked_into::<ProgressEvent>();
        if ev.length_computable() && ev.total() > 0.0 {
            // A share of 100, not printed: no float formatting reaches the wasm.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            progress(((ev.loaded() * 100.0 / ev.total()) as u32).min(100));
        }
    });
    xhr.upload().map_err(|_| UploadError::Failed)?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));

    let reader = xhr.clone();
    let mut done = Some(done);
    let on_done = Closure::<dyn FnMut()>::new(move || {
        let Some(done) = done.take() else { return };
        // 0: no answer at all (offline, refused by CORS, connection cut).
        let result = match reader.status().unwrap_or(0) {
            200..=299 => reader
                .response_text()
                .ok()
                .flatten()
                .and_then(|text| crate::json::from_str::<UploadResponse>(&text))
                .map(|answer| answer.attachment)
                .ok_or(UploadError::Failed),
            status => Err(UploadError::from_status(status)),
        };
        done(result);
    });
    xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).map_err(|_| UploadError::Failed)?;
    Ok(Upload { xhr, _progress: on_progress, _done: on_done })
}
