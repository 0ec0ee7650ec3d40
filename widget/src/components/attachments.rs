//! Files in the widget. Before sending, a [`Tray`] above the composer holds what the visitor
//! picked (paperclip), dropped on the panel or pasted: each file uploads at once
//! ([`crate::transport::upload`]) and shows a thumbnail (images, through an object URL revoked
//! when the file leaves the tray) or its name and size, a progress bar, a remove button, and why
//! it failed (with "Retry" where that can help). After sending, [`Attachments`] shows a
//! message's files: images as lazy thumbnails opening the file in a new tab, other files as a
//! download chip.

use leptos::prelude::*;
use parlour_shared::Attachment;
use parlour_shared::message::MAX_ATTACHMENTS;
use wasm_bindgen::JsCast;
use web_sys::{Document, DragEvent, Element, File, FileList, Url};

use super::dom::{attr, child, element, focus, listen, text};
use super::icons;
use crate::components::react::effect;
use crate::client::ClientHandle;
use crate::i18n::{Key, Locale, file_size, fill, t};
use crate::transport::upload::{self, Upload, UploadError};

/// Where a file in the tray stands.
enum Status {
    /// Being sent to the server: the share sent so far, 0–100.
    Uploading(u32),
    /// Stored; its id goes with the next message.
    Done(Attachment),
    /// Refused or lost.
    Failed(UploadError),
}

/// A file in the tray: what the view shows, and the browser objects behind it (the file, for a
/// retry, and its request). The whole tray is one local signal of these rows (no signal per
/// file, no second store for the browser objects): a change redraws the rows in place, which
/// keeps the wasm small.
struct Item {
    key: u32,
    name: String,
    size: u64,
    /// An object URL for an image's thumbnail.
    preview: Option<String>,
    status: Status,
    file: File,
    upload: Option<Upload>,
}

/// The files waiting to go with the next message. `Copy`: the composer adds (pick, paste) and
/// sends, the panel adds what is dropped on it.
#[derive(Clone, Copy)]
pub struct Tray {
    items: RwSignal<Vec<Item>, LocalStorage>,
    /// More files were offered than a message may carry.
    too_many: RwSignal<bool>,
    /// How deep a drag of files is inside the panel (enter +1, leave −1); > 0 shows the overlay.
    drag_depth: RwSignal<i64>,
}

impl Tray {
    /// An empty tray, owned by the current reactive owner (the panel).
    #[must_use]
    pub fn new() -> Self {
        let items = RwSignal::new_local(Vec::<Item>::new());
        // Unmounting drops the requests (cancelling them) and frees the thumbnails.
        on_cleanup(move || items.try_with_untracked(|all| all.iter().for_each(revoke)).unwrap_or_default());
        Self { items, too_many: RwSignal::new(false), drag_depth: RwSignal::new(0) }
    }

    /// Takes the files of a pick, paste or drop, up to [`MAX_ATTACHMENTS`] in the tray.
    pub fn add(self, client: ClientHandle, files: &FileList) {
        let room = MAX_ATTACHMENTS.saturating_sub(self.items.with_untracked(Vec::len));
        let offered = files.length() as usize;
        self.too_many.set(offered > room);
        for file in (0..offered.min(room)).filter_map(|i| files.get(u32::try_from(i).ok()?)) {
            // Keys only need to be unique among the files in the tray.
            let key = self.items.with_untracked(|items| items.last().map_or(0, |last| last.key + 1));
            let preview = if file.type_().starts_with("image/") { Url::create_object_url_with_blob(&file).ok() } else { None };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let item = Item { key, name: file.name(), size: file.size() as u64, preview, status: Status::Uploading(0), file, upload: None };
            self.items.update(|items| items.push(item));
            self.upload(client, key);
        }
    }

    /// Changes the status of file `key` (gone already: nothing), and its request when given.
    fn set(self, key: u32, status: Status, upload: Option<Upload>) {
        self.items.try_update(|items| {
            if let Some(item) = items.iter_mut().find(|item| item.key == key) {
                item.status = status;
                if upload.is_some() {
                    item.upload = upload;
                }
            }
        });
    }

    /// Uploads a file (again): refused at once when over the server's limit.
    fn upload(self, client: ClientHandle, key: u32) {
        let max = client.signals.max_upload_bytes.get_untracked();
        let file = self.items.with_untracked(|items| {
            items.iter().find(|item| item.key == key).map(|item| (item.size > max, item.file.clone()))
        });
        let Some((too_large, file)) = file else { return };
        if too_large {
            return self.set(key, Status::Failed(UploadError::TooLarge), None);
        }
        let mut auth = None;
        client.with(|c| auth = c.rest_auth());
        let Some((base, token)) = auth else {
            // No session yet: start one; "Retry" works once it is there.
            client.with(crate::client::Client::start);
            return self.set(key, Status::Failed(UploadError::Failed), None);
        };
        let started = upload::start(
            &base,
            &token,
            &file,
            move |share| self.set(key, Status::Uploading(share), None),
            move |result| self.set(key, result.map_or_else(Status::Failed, Status::Done), None),
        );
        match started {
            Ok(request) => self.set(key, Status::Uploading(0), Some(request)),
            Err(err) => self.set(key, Status::Failed(err), None),
        }
    }

    /// Takes files out of the tray, cancelling their uploads: file `key`, or (`None`) every
    /// uploaded one. Any removal also clears the "too many files" notice.
    fn remove(self, key: Option<u32>) {
        let mut removed = false;
        self.items.update(|items| {
            items.retain(|item| {
                let keep = match key {
                    Some(key) => item.key != key,
                    None => !matches!(item.status, Status::Done(_)),
                };
                if !keep {
                    revoke(item);
                    removed = true;
                }
                keep
            });
        });
        if removed {
            self.too_many.set(false);
        }
    }

    /// The uploaded files, for the message about to be sent.
    #[must_use]
    pub fn ready(self) -> Vec<Attachment> {
        self.items.with_untracked(|items| {
            items
                .iter()
                .filter_map(|item| match &item.status {
                    Status::Done(attachment) => Some(attachment.clone()),
                    _ => None,
                })
                .collect()
        })
    }

    /// Whether an uploaded file waits (tracked: enables the send button).
    #[must_use]
    pub fn has_ready(self) -> bool {
        self.items.with(|items| items.iter().any(|item| matches!(item.status, Status::Done(_))))
    }

    /// Whether a file is still uploading (tracked: sending waits for it).
    #[must_use]
    pub fn busy(self) -> bool {
        self.items.with(|items| items.iter().any(|item| matches!(item.status, Status::Uploading(_))))
    }

    /// The message left with the uploaded files: they leave the tray (failed ones stay, to retry
    /// or remove).
    pub fn sent(self) {
        self.remove(None);
    }

    /// Every drag event on the panel (`dragenter`, `dragover`, `dragleave`, `drop`; one handler,
    /// so one copy of the code): a drag of files is accepted and shows the drop overlay, a drop
    /// takes the files. Anything else (text, links) is left alone, and so is everything while
    /// the pre-chat form stands in for the composer.
    pub fn on_drag(self, client: ClientHandle, ev: &DragEvent) {
        let Some(data) = ev.data_transfer() else { return };
        if !data.types().includes(&"Files".into(), 0) || client.signals.pre_chat.with_untracked(Option::is_some) {
            return;
        }
        ev.prevent_default();
        match ev.type_().as_str() {
            "dragenter" => self.drag_depth.update(|depth| *depth += 1),
            "dragleave" => self.drag_depth.update(|depth| *depth = (*depth - 1).max(0)),
            "drop" => {
                self.drag_depth.set(0);
                if let Some(files) = data.files() {
                    self.add(client, &files);
                }
            }
            _ => {}
        }
    }
}

fn revoke(item: &Item) {
    if let Some(url) = &item.preview {
        let _ = Url::revoke_object_url(url);
    }
}

/// Draws, at the end of `chat`, what is shown over it while files are dragged over it.
pub fn draw_overlay(chat: &Element, tray: Tray, locale: Locale) {
    let overlay = child(chat, "div", "drop-overlay");
    attr(&overlay, "aria-hidden", "true");
    attr(&overlay, "hidden", "");
    icons::draw(&overlay, icons::PAPERCLIP);
    text(&child(&overlay, "p", ""), t(locale, Key::DropFiles));
    effect(move || {
        let _ = overlay.toggle_attribute_with_force("hidden", tray.drag_depth.get() == 0);
    });
}

/// A new row for `item`: thumbnail or file icon, name, size, progress, error, Retry, remove.
/// Rows are drawn with DOM calls rather than a view per row: the same markup as a view, a
/// fraction of the wasm.
fn new_row(doc: &Document, item: &Item, locale: Locale) -> Element {
    let row = element(doc, "li", "upload");
    let _ = row.set_attribute("data-key", &item.key.to_string());
    let thumb = if let Some(url) = &item.preview {
        let img = element(doc, "img", "upload-thumb");
        let _ = img.set_attribute("src", url);
        let _ = img.set_attribute("alt", "");
        img
    } else {
        let span = element(doc, "span", "upload-thumb");
        icons::draw(&span, icons::FILE);
        span
    };
    let info = element(doc, "div", "upload-info");
    let name = element(doc, "span", "upload-name");
    name.set_text_content(Some(&item.name));
    let size = element(doc, "span", "upload-size");
    size.set_text_content(Some(&file_size(locale, item.size)));
    let progress = element(doc, "progress", "");
    let _ = progress.set_attribute("max", "100");
    let _ = progress.set_attribute("aria-label", &fill(t(locale, Key::Uploading), &item.name));
    let error = element(doc, "span", "upload-error");
    let _ = error.set_attribute("role", "alert");
    for child in [&name, &size, &progress, &error] {
        let _ = info.append_child(child);
    }
    let retry = element(doc, "button", "retry");
    let _ = retry.set_attribute("type", "button");
    let _ = retry.set_attribute("data-act", "retry");
    let _ = retry.set_attribute("aria-label", &fill(t(locale, Key::RetryUpload), &item.name));
    retry.set_text_content(Some(t(locale, Key::Retry)));
    let remove = element(doc, "button", "upload-remove");
    let _ = remove.set_attribute("type", "button");
    let _ = remove.set_attribute("data-act", "remove");
    let _ = remove.set_attribute("aria-label", &fill(t(locale, Key::RemoveFile), &item.name));
    icons::draw(&remove, icons::CLOSE);
    for child in [&thumb, &info, &retry, &remove] {
        let _ = row.append_child(child);
    }
    row
}

/// Brings a row up to date with its item's status (in place, so focus and the image stay).
fn update_row(row: &Element, item: &Item, locale: Locale, max: u64) {
    let (state, share, error) = match &item.status {
        Status::Uploading(share) => ("uploading", *share, None),
        Status::Done(_) => ("done", 100, None),
        Status::Failed(err) => ("failed", 0, Some(*err)),
    };
    let message = error.map(|err| match err {
        // The limit when the widget knows it (checked here); the server's 413 alone (a limit
        // lowered since the session started) says only "too large".
        UploadError::TooLarge if item.size > max => fill(t(locale, Key::UploadTooLarge), &file_size(locale, max)),
        UploadError::TooLarge => t(locale, Key::FileTooLarge).to_owned(),
        UploadError::Unsupported => t(locale, Key::UploadUnsupported).to_owned(),
        UploadError::Failed => t(locale, Key::UploadFailed).to_owned(),
    });
    let _ = row.set_attribute("data-state", state);
    let find = |selector: &str| row.query_selector(selector).ok().flatten();
    if let Some(progress) = find("progress") {
        let _ = progress.set_attribute("value", &share.to_string());
        let _ = progress.toggle_attribute_with_force("hidden", error.is_some());
    }
    if let Some(span) = find(".upload-error") {
        // Only on a change: rewriting the same text would announce it again.
        if span.text_content().unwrap_or_default() != message.as_deref().unwrap_or_default() {
            span.set_text_content(message.as_deref());
        }
    }
    if let Some(button) = find(".retry") {
        let _ = button.toggle_attribute_with_force("hidden", !error.is_some_and(UploadError::retryable));
    }
}

/// Makes the list's rows match `items`: new ones appended, gone ones removed, all updated.
fn draw(list: &Element, items: &[Item], locale: Locale, max: u64) {
    let Some(doc) = list.owner_document() else { return };
    let mut child = list.first_element_child();
    while let Some(row) = child {
        child = row.next_element_sibling();
        let key = row.get_attribute("data-key").unwrap_or_default();
        if !items.iter().any(|item| item.key.to_string() == key) {
            row.remove();
        }
    }
    for item in items {
        let selector = format!("li[data-key=\"{}\"]", item.key);
        let row = list.query_selector(&selector).ok().flatten().unwrap_or_else(|| {
            let row = new_row(&doc, item, locale);
            let _ = list.append_child(&row);
            row
        });
        update_row(&row, item, locale, max);
    }
}

/// The tray above the composer (nothing when empty): the "too many files" notice and the list.
/// One click listener serves every row's buttons; removing a file puts the focus back in the
/// message field, rather than losing it with the button.
pub fn draw_tray(doc: &Document, client: ClientHandle, tray: Tray, locale: Locale) -> [Element; 2] {
    let notice = element(doc, "p", "tray-notice");
    attr(&notice, "role", "alert");
    attr(&notice, "hidden", "");
    text(&notice, t(locale, Key::TooManyFiles));
    let list = element(doc, "ul", "tray");
    attr(&list, "aria-label", t(locale, Key::Attachments));
    attr(&list, "hidden", "");
    listen(&list, &["click"], move |ev| {
        let button = ev.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|t| t.closest("button[data-act]").ok().flatten());
        let Some(button) = button else { return };
        let key = button.closest("li").ok().flatten().and_then(|row| row.get_attribute("data-key")).and_then(|k| k.parse().ok());
        let Some(key) = key else { return };
        if button.get_attribute("data-act").as_deref() == Some("retry") {
            tray.upload(client, key);
        } else {
            let chat = button.closest(".chat").ok().flatten();
            tray.remove(Some(key));
            if let Some(chat) = chat {
                focus(&chat, "#parlour-input");
            }
        }
    });
    bind_tray(&list, &notice, tray, client.signals.max_upload_bytes, locale);
    [notice, list]
}

/// Keeps the list (`ul`) and the "too many files" notice in step with the tray, by one shared
/// effect: rows are added, updated in place and removed by key (see [`draw`]).
fn bind_tray(list: &Element, notice: &Element, tray: Tray, max_upload_bytes: RwSignal<u64>, locale: Locale) {
    let (list, notice) = (list.clone(), notice.clone());
    effect(move || {
        let max = max_upload_bytes.get();
        let empty = tray.items.with(|items| {
            draw(&list, items, locale, max);
            items.is_empty()
        });
        let _ = list.toggle_attribute_with_force("hidden", empty);
        let _ = notice.toggle_attribute_with_force("hidden", !tray.too_many.get());
    });
}

/// The server's `url` for a file (relative to it) as an absolute URL.
fn absolute(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") { url.to_owned() } else { format!("{base}{url}") }
}

/// Draws a message's files at the end of `parent` (the message row): images as thumbnails (lazy,
/// opening the file in a new tab), other files as a chip with an icon, the name and the size,
/// which downloads. `base` is the API's origin, for the files' relative URLs.
pub fn draw_files(parent: &Element, base: &str, locale: Locale, files: &[Attachment]) {
    let holder = child(parent, "div", "attachments");
    let Some(doc) = holder.owner_document() else { return };
    for file in files {
        // The server sends only raster images inline; everything else downloads.
        let image = file.content_type.starts_with("image/");
        let link = element(&doc, "a", if image { "att-image" } else { "att-file" });
        let url = absolute(base, &file.url);
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("target", "_blank");
        let _ = link.set_attribute("rel", "noopener noreferrer");
        if image {
            let img = element(&doc, "img", "");
            let _ = img.set_attribute("src", &url);
            let _ = img.set_attribute("alt", &file.name);
            let _ = img.set_attribute("loading", "lazy");
            let _ = img.set_attribute("decoding", "async");
            let _ = link.append_child(&img);
        } else {
            let _ = link.set_attribute("download", &file.name);
            let name = element(&doc, "span", "att-name");
            name.set_text_content(Some(&file.name));
            let size = element(&doc, "span", "att-size");
            size.set_text_content(Some(&file_size(locale, u64::try_from(file.size).unwrap_or(0))));
            icons::draw(&link, icons::FILE);
            let _ = link.append_child(&name);
            let _ = link.append_child(&size);
        }
        let _ = holder.append_child(&link);
    }
}
