//! A small JSON reader that drives serde's `Deserialize` straight from the text: no JS values in
//! between and no error messages (a failed parse is just [`Error`]), which keeps the wasm free of
//! serde-wasm-bindgen's JS round trips and of the formatting code error messages pull in (float
//! printing alone was ~20 KB of wasm). Strict JSON, with one deliberate gap: numbers must be
//! integers (the wire has no floats); a fraction or exponent is an error, except inside a value
//! that is skipped (an unknown field).

use serde::de::{self, IntoDeserializer, Visitor};

use super::access::{Items, Variant};
use super::scan::{Error, Reader, Result, Text};

/// Reads one JSON document from `text` as a `T`.
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T> {
    let mut reader = Reader::new(text);
    let value = T::deserialize(&mut reader)?;
    if reader.at_end() { Ok(value) } else { Err(Error) }
}

impl<'de> Reader<'de> {
    fn visit_integer<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        match self.integer()? {
            (false, n) => visitor.visit_u64(n),
            (true, n) if n <= 1 << 63 => visitor.visit_i64((n as i64).wrapping_neg()),
            (true, _) => Err(Error),
        }
    }
}

/// Hands a string to `visitor` through `visit_str` alone: one call per visitor type instead of a
/// borrowed and an owned branch (nothing on the wire borrows from the text; an escaped string
/// is copied once more).
fn visit_text<'de, V: Visitor<'de>>(text: Text<'de>, visitor: V) -> Result<V::Value> {
    visitor.visit_str(text.as_str())
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

/// `deserialize_*` methods that read an integer.
macro_rules! integers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            self.visit_integer(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek()? {
            b'n' => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            b't' => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            b'"' => {
                let text = self.string()?;
                visit_text(text, visitor)
            }
            b'[' => self.deserialize_seq(visitor),
            b'{' => self.deserialize_map(visitor),
            _ => self.visit_integer(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let value = match self.peek()? {
            b't' => true,
            b'f' => false,
            _ => return Err(Error),
        };
        self.literal(if value { b"true" } else { b"false" })?;
        visitor.visit_bool(value)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_integer(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_integer(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek()? != b'"' {
            return Err(Error);
        }
        let text = self.string()?;
        visit_text(text, visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek()? != b'n' {
            return Err(Error);
        }
        self.literal(b"null")?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'[')?;
        self.enter()?;
        let value = visitor.visit_seq(Items {
            reader: &mut *self,
            first: true,
        })?;
        self.expect(b']')?;
        self.leave();
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'{')?;
        self.enter()?;
        let value = visitor.visit_map(Items {
            reader: &mut *self,
            first: true,
        })?;
        self.expect(b'}')?;
        self.leave();
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.peek()? {
            // A unit variant: "name".
            // Through one `&str` deserializer: one `visit_enum` per enum type, not two.
            b'"' => visitor.visit_enum(self.string()?.as_str().into_deserializer()),
            // Any other variant: { "name": value }.
            b'{' => {
                self.pos += 1;
                self.enter()?;
                let value = visitor.visit_enum(Variant { reader: &mut *self })?;
                self.expect(b'}')?;
                self.leave();
                Ok(value)
            }
            _ => Err(Error),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    // The narrow integers straight to the integer reader (through `deserialize_any` each
    // instantiated the whole value dispatch for its visitor); the visitor checks the range.
    integers! { deserialize_i8 deserialize_i16 deserialize_i32 deserialize_u8 deserialize_u16 deserialize_u32 }

    serde::forward_to_deserialize_any! { i128 u128 bytes byte_buf }
}
