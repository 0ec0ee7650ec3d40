//! The lexing half of the JSON reader: a cursor over the text that reads strings (with escapes),
//! integers and literals, skips whitespace and whole values, and bounds the nesting depth.
//! [`super::read`] drives serde's visitors with what it reads.

use serde::de;

/// Why the text was not read: deliberately without detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error;

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid JSON")
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(_message: T) -> Self {
        Error
    }
}

pub(super) type Result<T> = std::result::Result<T, Error>;

/// How deep arrays and objects may nest (a hostile frame cannot exhaust the stack).
const MAX_DEPTH: u32 = 64;

/// A cursor over the text.
pub(super) struct Reader<'de> {
    pub(super) text: &'de [u8],
    pub(super) pos: usize,
    depth: u32,
}

/// A string as read: borrowed from the text, or unescaped into a new one.
pub(super) enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Reader<'de> {
    /// A reader at the start of `text`.
    pub(super) const fn new(text: &'de str) -> Self {
        Self { text: text.as_bytes(), pos: 0, depth: 0 }
    }

    /// Whether only whitespace is left.
    pub(super) fn at_end(&mut self) -> bool {
        self.skip_space();
        self.pos == self.text.len()
    }

    pub(super) fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next significant byte, not consumed.
    pub(super) fn peek(&mut self) -> Result<u8> {
        self.skip_space();
        self.text.get(self.pos).copied().ok_or(Error)
    }

    pub(super) fn expect(&mut self, byte: u8) -> Result<()> {
        if self.peek()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(Error)
        }
    }

    pub(super) fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Error)
        }
    }

    pub(super) fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(Error)
        } else {
            Ok(())
        }
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A string starting at the opening quote.
    pub(super) fn string(&mut self) -> Result<Text<'de>> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            match *self.text.get(self.pos).ok_or(Error)? {
                b'"' => {
                    let raw =
                        std::str::from_utf8(&self.text[start..self.pos]).map_err(|_| Error)?;
                    self.pos += 1;
                    return Ok(Text::Borrowed(raw));
                }
                b'\\' => break,
                0..0x20 => return Err(Error),
                _ => self.pos += 1,
            }
        }
        let mut out = std::str::from_utf8(&self.text[start..self.pos])
            .map_err(|_| Error)?
            .to_owned();
        loop {
            let run = self.pos;
            while let Some(&b) = self.text.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(std::str::from_utf8(&self.text[run..self.pos]).map_err(|_| Error)?);
            match *self.text.get(self.pos).ok_or(Error)? {
                b'"' => {
                    self.pos += 1;
                    return Ok(Text::Owned(out));
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = *self.text.get(self.pos).ok_or(Error)?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(Error),
                    }
                }
                _ => return Err(Error),
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` consumed), joining a surrogate pair.
    pub(super) fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                self.literal(b"\\u")?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(Error);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(Error),
            _ => first,
        };
        char::from_u32(code).ok_or(Error)
    }

    pub(super) fn hex4(&mut self) -> Result<u32> {
        let digits = self.text.get(self.pos..self.pos + 4).ok_or(Error)?;
        let mut value = 0;
        for &d in digits {
            let digit = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(Error),
            };
            value = value * 16 + u32::from(digit);
        }
        self.pos += 4;
        Ok(value)
    }

    /// An integer: `(negative, magnitude)`.
    pub(super) fn integer(&mut self) -> Result<(bool, u64)> {
        self.skip_space();
        let negative = self.text.get(self.pos) == Some(&b'-');
        if negative {
            self.pos += 1;
        }
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(&d @ b'0'..=b'9') = self.text.get(self.pos) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
                .ok_or(Error)?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        // No empty number, no leading zero, no fraction or exponent.
        if digits == 0 || (digits > 1 && self.text[start] == b'0') {
            return Err(Error);
        }
        if let Some(b'.' | b'e' | b'E') = self.text.get(self.pos) {
            return Err(Error);
        }
        Ok((negative, value))
    }

    /// Skips any value, numbers with fractions and exponents included.
    pub(super) fn skip_value(&mut self) -> Result<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'[' => {
                self.enter()?;
                self.pos += 1;
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_value()?;
                        if self.peek()? == b',' {
                            self.pos += 1;
                        } else {
                            self.expect(b']')?;
                            break;
                        }
                    }
                }
                self.leave();
                Ok(())
            }
            b'{' => {
                self.enter()?;
                self.pos += 1;
                if self.peek()? == b'}' {
                    self.pos += 1;
                } else {
                    loop {
                        self.string()?;
                        self.expect(b':')?;
                        self.skip_value()?;
                        if self.peek()? == b',' {
                            self.pos += 1;
                        } else {
                            self.expect(b'}')?;
                            break;
                        }
                    }
                }
                self.leave();
                Ok(())
            }
            b'-' | b'0'..=b'9' => {
                self.integer_or_float_text();
                Ok(())
            }
            _ => Err(Error),
        }
    }

    /// Consumes the characters a JSON number may hold (validity does not matter when skipping).
    pub(super) fn integer_or_float_text(&mut self) {
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }
}
