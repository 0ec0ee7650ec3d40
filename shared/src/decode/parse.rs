//! The text half of the decoder: strict JSON into a [`Json`] tree, without error detail (a
//! failed parse is `None`). One non-generic parser for every type, so the widget's wasm carries
//! no per-type serde visitors.

/// How deep arrays and objects may nest (a hostile frame cannot exhaust the stack).
const MAX_DEPTH: u32 = 64;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer, exactly as written: its sign and magnitude (no float in between, so a `seq`
    /// beyond 2^53 stays exact).
    Int {
        /// A leading `-`.
        negative: bool,
        /// The digits' value.
        magnitude: u64,
    },
    /// A number with a fraction or an exponent, `-0`, or one beyond 64 bits. The wire has none: it is kept
    /// only so that an unknown field holding one is ignored rather than refused.
    Float,
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object's entries in their order.
    Obj(Vec<(String, Json)>),
}

/// Parses one JSON document (surrounding white space allowed).
#[must_use]
pub fn parse(text: &str) -> Option<Json> {
    let mut parser = Parser { text, pos: 0, depth: 0 };
    let value = parser.value()?;
    parser.skip_space();
    (parser.pos == parser.text.len()).then_some(value)
}

/// A cursor over the text.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next significant byte, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes().get(self.pos).copied()
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn literal(&mut self, word: &[u8], value: Json) -> Option<Json> {
        let found = self.bytes()[self.pos..].starts_with(word);
        self.pos += word.len();
        found.then_some(value)
    }

    fn value(&mut self) -> Option<Json> {
        match self.peek()? {
            b'n' => self.literal(b"null", Json::Null),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                let mut items = Vec::new();
                self.items(b']', |parser| {
                    items.push(parser.value()?);
                    Some(())
                })?;
                Some(Json::Arr(items))
            }
            b'{' => {
                let mut entries = Vec::new();
                self.items(b'}', |parser| {
                    if parser.peek()? != b'"' {
                        return None;
                    }
                    let key = parser.string()?;
                    if !parser.eat(b':') {
                        return None;
                    }
                    entries.push((key, parser.value()?));
                    Some(())
                })?;
                Some(Json::Obj(entries))
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// The items of an array or object (its opening bracket next), separated by commas, up to
    /// `close`.
    fn items(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        if !self.eat(close) {
            loop {
                item(self)?;
                if self.eat(close) {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// A string, its opening quote next.
    fn string(&mut self) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(&byte) = self.bytes().get(self.pos) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends before an ASCII byte: always whole characters.
            out.push_str(&self.text[run..self.pos]);
            let byte = *self.bytes().get(self.pos)?;
            self.pos += 1;
            match byte {
                b'"' => return Some(out),
                b'\\' => {
                    let escaped = *self.bytes().get(self.pos)?;
                    self.pos += 1;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                _ => return None,
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` consumed), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes()[self.pos..].starts_with(b"\\u") {
                    return None;
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            _ => first,
        };
        // A lone low surrogate is no character.
        char::from_u32(code)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes().get(self.pos..self.pos + 4)?;
        self.pos += 4;
        digits.iter().try_fold(0, |value, &digit| Some(value * 16 + char::from(digit).to_digit(16)?))
    }

    /// A number: an [`Json::Int`] when it is one that fits 64 bits, else [`Json::Float`].
    fn number(&mut self) -> Option<Json> {
        let negative = self.bytes()[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let start = self.pos;
        let mut magnitude: Option<u64> = Some(0);
        while let Some(&digit @ b'0'..=b'9') = self.bytes().get(self.pos) {
            magnitude = magnitude.and_then(|m| m.checked_mul(10)?.checked_add(u64::from(digit - b'0')));
            self.pos += 1;
        }
        let digits = self.pos - start;
        // No empty number, no leading zero.
        if digits == 0 || (digits > 1 && self.bytes()[start] == b'0') {
            return None;
        }
        let integer = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
        match magnitude {
            // serde_json reads `-0` as a float.
            Some(magnitude) if self.pos == integer && !(negative && magnitude == 0) => Some(Json::Int { negative, magnitude }),
            _ => Some(Json::Float),
        }
    }
}
