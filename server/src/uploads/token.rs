//! Download tokens: `?token=<expiry>.<HMAC-SHA256(key, "file:<id>:<expiry>")>` so `<img src>`
//! works without a header. A token names one file and lives one to two hours (expiries are
//! rounded up to the hour, so a URL stays the same, and cacheable, within the hour). The key is
//! kept in the database, so tokens survive a restart.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use parlour_shared::{AttachmentId, Message};
use sha2::Sha256;

/// The name of the download-token key in `server_secrets`.
pub const SECRET_NAME: &str = "file_token_secret";

/// A new random key (32 bytes, base64url).
#[must_use]
pub fn generate_key() -> String {
    let mut key = [0_u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    URL_SAFE_NO_PAD.encode(key)
}

/// The length of an expiry bucket, in milliseconds.
const BUCKET_MS: i64 = 60 * 60 * 1000;

/// Signs and checks download tokens.
#[derive(Clone)]
pub struct FileSigner {
    key: std::sync::Arc<[u8]>,
}

impl std::fmt::Debug for FileSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileSigner(***)")
    }
}

impl FileSigner {
    /// A signer with this key.
    #[must_use]
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.into() }
    }

    /// A signer with a random key (tests; tokens die with it).
    #[must_use]
    pub fn random() -> Self {
        let mut key = [0_u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
        Self::new(&key)
    }

    fn mac(&self, id: AttachmentId, expires: i64) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(format!("file:{id}:{expires}").as_bytes());
        Some(mac)
    }

    /// A token for `id`, valid until the end of the hour after `now` (Unix ms).
    #[must_use]
    pub fn token(&self, id: AttachmentId, now: i64) -> String {
        let expires = (now.div_euclid(BUCKET_MS) + 2) * BUCKET_MS;
        let sig = self.mac(id, expires).map(|m| URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())).unwrap_or_default();
        format!("{expires}.{sig}")
    }

    /// Whether `token` is a live token for `id` at `now`.
    #[must_use]
    pub fn verify(&self, id: AttachmentId, token: &str, now: i64) -> bool {
        let Some((expires, sig)) = token.split_once('.') else { return false };
        let (Ok(expires), Ok(sig)) = (expires.parse::<i64>(), URL_SAFE_NO_PAD.decode(sig)) else { return false };
        expires > now && expires - now <= 2 * BUCKET_MS && self.mac(id, expires).is_some_and(|m| m.verify_slice(&sig).is_ok())
    }

    /// Adds a download token to every attachment URL of `message`.
    pub fn sign(&self, message: &mut Message, now: i64) {
        for attachment in &mut message.attachments {
            if !attachment.url.contains('?') {
                attachment.url = format!("{}?token={}", attachment.url, self.token(attachment.id, now));
            }
        }
    }

    /// [`FileSigner::sign`] for many.
    pub fn sign_all<'a>(&self, messages: impl IntoIterator<Item = &'a mut Message>, now: i64) {
        for message in messages {
            self.sign(message, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_token_opens_its_file_for_an_hour_or_two_only() {
        let signer = FileSigner::random();
        let (a, b) = (AttachmentId(Uuid::new_v4()), AttachmentId(Uuid::new_v4()));
        let now = 1_700_000_000_000;
        let token = signer.token(a, now);
        assert!(signer.verify(a, &token, now));
        assert!(signer.verify(a, &token, now + BUCKET_MS));
        assert!(!signer.verify(a, &token, now + 2 * BUCKET_MS));
        assert!(!signer.verify(b, &token, now), "another file");
        assert!(!FileSigner::random().verify(a, &token, now), "another key");
        let (expires, sig) = token.split_once('.').unwrap();
        let later = format!("{}.{sig}", expires.parse::<i64>().unwrap() + BUCKET_MS);
        assert!(!signer.verify(a, &later, now), "the expiry is signed");
        assert!(!signer.verify(a, "garbage", now));
    }
}
