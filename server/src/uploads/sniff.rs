//! File types by their first bytes (the client's `Content-Type` is never trusted): PNG, JPEG,
//! GIF, WebP, PDF, and plain UTF-8 text that does not open like markup. Everything else — HTML,
//! SVG, XML, scripts, archives, executables — is refused.

/// How many leading bytes [`sniff`] looks at.
pub const HEAD: usize = 1024;

/// An accepted type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `image/png`.
    Png,
    /// `image/jpeg`.
    Jpeg,
    /// `image/gif`.
    Gif,
    /// `image/webp`.
    Webp,
    /// `application/pdf`.
    Pdf,
    /// `text/plain; charset=utf-8`.
    Text,
}

impl Kind {
    /// The MIME type it is served with.
    #[must_use]
    pub const fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    /// Whether browsers may show it inline (raster images only).
    #[must_use]
    pub const fn inline(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Webp)
    }

    /// The kind a stored MIME type names.
    #[must_use]
    pub fn from_mime(mime: &str) -> Option<Self> {
        [Kind::Png, Kind::Jpeg, Kind::Gif, Kind::Webp, Kind::Pdf, Kind::Text].into_iter().find(|k| k.mime() == mime)
    }
}

/// The type of a file whose first bytes are `head` (at most [`HEAD`]; `complete` when that is
/// the whole file), or `None` when it is not accepted.
#[must_use]
pub fn sniff(head: &[u8], complete: bool) -> Option<Kind> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some(Kind::Gif)
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if head.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if is_plain_text(head, complete) {
        Some(Kind::Text)
    } else {
        None
    }
}

/// UTF-8 (a character cut at the end of an incomplete head is fine), no control characters but
/// tab, line breaks and form feed, and not opening with `<` (HTML, SVG and XML all do).
fn is_plain_text(head: &[u8], complete: bool) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if !complete && err.error_len().is_none() => match std::str::from_utf8(&head[..err.valid_up_to()]) {
            Ok(text) => text,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    !text.is_empty()
        && !text.trim_start().starts_with('<')
        && text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_the_type() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", false), Some(Kind::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], false), Some(Kind::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\x00", false), Some(Kind::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 ", false), Some(Kind::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n", false), Some(Kind::Pdf));
        assert_eq!(sniff("hello, wörld\n".as_bytes(), true), Some(Kind::Text));
    }

    #[test]
    fn markup_binaries_and_empty_files_are_refused() {
        assert_eq!(sniff(b"<!DOCTYPE html><script>alert(1)</script>", true), None);
        assert_eq!(sniff(b"  \n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", true), None);
        assert_eq!(sniff(b"\xEF\xBB\xBF<html>", true), None);
        assert_eq!(sniff(b"MZ\x90\0\x03\0", true), None);
        assert_eq!(sniff(b"PK\x03\x04", true), None);
        assert_eq!(sniff(b"", true), None);
        assert_eq!(sniff(b"\xff\xfe", true), None);
    }

    #[test]
    fn a_character_cut_at_the_end_of_the_head_is_still_text() {
        let text = "é".as_bytes();
        assert_eq!(sniff(&[b"ab".as_slice(), &text[..1]].concat(), false), Some(Kind::Text));
        assert_eq!(sniff(&[b"ab".as_slice(), &text[..1]].concat(), true), None);
    }

    #[test]
    fn only_raster_images_are_inline() {
        assert!(Kind::Png.inline() && Kind::Webp.inline());
        assert!(!Kind::Pdf.inline() && !Kind::Text.inline());
        assert_eq!(Kind::from_mime("application/pdf"), Some(Kind::Pdf));
        assert_eq!(Kind::from_mime("image/svg+xml"), None);
    }
}
