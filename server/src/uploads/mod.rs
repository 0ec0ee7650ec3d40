//! Attachments: an upload is streamed to a randomly named file under `--uploads-dir`, counted as
//! it arrives (past `--max-upload-bytes` it is aborted and deleted: 413), typed by its first
//! bytes (anything but the allow-list is deleted: 415), then its metadata is stored through the
//! writer. A half-written file never outlives its request, even when the client disconnects.

pub mod sniff;
pub mod token;

use std::path::{Path, PathBuf};

use axum::body::Body;
use futures_util::StreamExt;
use parlour_shared::AttachmentId;
use rand::RngCore;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::db::attachments::{AttachmentRow, Uploader};
use crate::db::now_ms;
use crate::db::writer::Update;
use crate::error::ApiError;
use crate::state::AppState;
pub use token::FileSigner;

/// Where uploads go and how big they may be.
#[derive(Debug, Clone)]
pub struct Uploads {
    /// The directory holding the files (created at start).
    pub dir: PathBuf,
    /// The largest upload accepted, in bytes.
    pub max_bytes: u64,
    /// Signs download tokens.
    pub signer: FileSigner,
}

impl Uploads {
    /// The settings; creates `dir`.
    ///
    /// # Errors
    /// When the directory cannot be created.
    pub fn new(dir: PathBuf, max_bytes: u64, signer: FileSigner) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir, max_bytes, signer })
    }

    /// Where a stored file lives (`storage_name` is always one of our random names).
    #[must_use]
    pub fn path(&self, storage_name: &str) -> PathBuf {
        self.dir.join(storage_name)
    }
}

/// Deletes the file when dropped, unless kept: so an error, a refusal or a client that goes
/// away mid-upload (the handler's future is dropped) leaves nothing behind.
struct Partial {
    path: PathBuf,
    keep: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A file name fit to store and show: percent-decoded, without any directory part or control
/// characters, at most 200 characters; `file` when nothing is left.
#[must_use]
pub fn clean_name(raw: Option<&[u8]>) -> String {
    let decoded = raw.map(percent_decode).unwrap_or_default();
    let base = decoded.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = name.trim().trim_start_matches('.').trim().to_owned();
    if name.is_empty() { "file".to_owned() } else { name }
}

fn percent_decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (raw[i], raw.get(i + 1).copied().and_then(hex), raw.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'_'));
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn random_name() -> String {
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io_error(err: &std::io::Error) -> ApiError {
    ApiError::Internal(format!("upload storage: {err}"))
}

/// Streams `body` to disk and stores it as `uploader`'s file named `name`.
///
/// # Errors
/// 413 past the size limit, 415 for a type not on the allow-list, 400 for an empty or broken
/// body; storage and database errors.
pub async fn store(state: &AppState, uploader: Uploader, name: String, body: Body) -> Result<AttachmentRow, ApiError> {
    let uploads = &state.uploads;
    let storage_name = random_name();
    let mut partial = Partial { path: uploads.path(&storage_name), keep: false };
    let mut file = tokio::fs::File::create_new(&partial.path).await.map_err(|e| io_error(&e))?;
    let mut head = Vec::with_capacity(sniff::HEAD);
    let mut size: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::InvalidRequest("the upload was interrupted".to_owned()))?;
        size += chunk.len() as u64;
        if size > uploads.max_bytes {
            return Err(ApiError::PayloadTooLarge);
        }
        if head.len() < sniff::HEAD {
            let take = (sniff::HEAD - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await.map_err(|e| io_error(&e))?;
    }
    if size == 0 {
        return Err(ApiError::InvalidRequest("the file is empty".to_owned()));
    }
    let kind = sniff::sniff(&head, size <= sniff::HEAD as u64).ok_or(ApiError::UnsupportedMediaType)?;
    file.flush().await.map_err(|e| io_error(&e))?;
    file.sync_data().await.map_err(|e| io_error(&e))?;
    drop(file);
    let row = AttachmentRow {
        id: AttachmentId(Uuid::new_v4()),
        uploader,
        name,
        content_type: kind.mime().to_owned(),
        size: i64::try_from(size).unwrap_or(i64::MAX),
        storage_name,
        conversation_id: None,
        message_seq: None,
        created_at: now_ms(),
    };
    state.writer.update(Update::Attachment(Box::new(row.clone()))).await?;
    partial.keep = true;
    Ok(row)
}

/// Whether `path` is inside `dir` (storage names are ours, but a hand-edited row must not
/// serve `/etc/passwd`).
#[must_use]
pub fn is_inside(dir: &Path, storage_name: &str) -> bool {
    !storage_name.is_empty() && storage_name.chars().all(|c| c.is_ascii_alphanumeric()) && dir.join(storage_name).parent() == Some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_directories_and_control_characters() {
        assert_eq!(clean_name(Some(b"../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some(b"C:\\Users\\x\\cat.png")), "cat.png");
        assert_eq!(clean_name(Some("r%C3%A9sum%C3%A9.pdf".as_bytes())), "résumé.pdf");
        assert_eq!(clean_name(Some(b"a\x01b\nc.txt")), "abc.txt");
        assert_eq!(clean_name(Some(b"..")), "file");
        assert_eq!(clean_name(None), "file");
        assert_eq!(clean_name(Some(b"%zz.txt")), "%zz.txt");
        assert_eq!(clean_name(Some("x".repeat(300).as_bytes())).len(), 200);
    }

    #[test]
    fn only_our_random_names_are_served() {
        let dir = Path::new("/srv/uploads");
        assert!(is_inside(dir, &random_name()));
        assert!(!is_inside(dir, "../etc/passwd"));
        assert!(!is_inside(dir, ""));
    }
}
