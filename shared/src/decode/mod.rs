//! Decoding the wire types from JSON without serde's `Deserialize`: the widget's wasm carried
//! one serde visitor per type and per field type (~45 KB before optimisation); here one
//! non-generic parser ([`parse`]) builds a [`Json`] tree and each type reads its fields by name
//! ([`FromJson`]). The impls sit beside this module, one file per type module, and the tests
//! hold every one to serde's own encoding and refusals (`serde_json` on the server side).
//!
//! What serde does that these impls do too: unknown fields are ignored, `#[serde(default)]`
//! fields may be missing, `Option` fields may be missing or `null`, validated values
//! ([`crate::ClientMessageId`], …) are parsed. Three differences, for shapes nothing writes: serde
//! refuses an object that names a known field twice (here the first one wins), serde also
//! reads a struct from an array of its fields in order (here a struct is an object), and a UUID
//! is read in its hyphenated form only (the one serde writes).

mod message;
mod parse;
mod rest;
mod session;
mod ws;

pub use parse::{parse, Json};

use uuid::Uuid;

/// A type read from a [`Json`] value; `None` when the value does not have its shape.
pub trait FromJson: Sized {
    /// Reads `value` as a `Self`.
    fn from_json(value: Json) -> Option<Self>;
}

/// Parses `text` as a `T`; `None` when it is not JSON or not that shape.
#[must_use]
pub fn from_str<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(parse(text)?)
}

/// An object's fields, taken out by name as a type reads them.
pub struct Fields(Vec<(String, Json)>);

impl Fields {
    /// The fields of `value`; `None` unless it is an object.
    #[must_use]
    pub fn of(value: Json) -> Option<Self> {
        match value {
            Json::Obj(entries) => Some(Self(entries)),
            _ => None,
        }
    }

    fn take(&mut self, name: &str) -> Option<Json> {
        let at = self.0.iter().position(|(key, _)| key == name)?;
        Some(self.0.swap_remove(at).1)
    }

    /// A field without `#[serde(default)]`: a missing one reads as `null`, which only an
    /// `Option` accepts (serde too reads a missing `Option` field as `None`).
    pub fn get<T: FromJson>(&mut self, name: &str) -> Option<T> {
        T::from_json(self.take(name).unwrap_or(Json::Null))
    }

    /// A `#[serde(default)]` field: `default` when missing, else it must read as a `T`.
    pub fn or<T: FromJson>(&mut self, name: &str, default: T) -> Option<T> {
        match self.take(name) {
            Some(value) => T::from_json(value),
            None => Some(default),
        }
    }
}

impl Json {
    /// The text of a string value.
    #[must_use]
    pub fn into_string(self) -> Option<String> {
        match self {
            Self::Str(text) => Some(text),
            _ => None,
        }
    }

    /// An integer value as an `i64`.
    fn integer(self) -> Option<i64> {
        match self {
            Self::Int { negative: false, magnitude } => i64::try_from(magnitude).ok(),
            Self::Int { negative: true, magnitude } => 0_i64.checked_sub_unsigned(magnitude),
            _ => None,
        }
    }
}

impl FromJson for String {
    fn from_json(value: Json) -> Option<Self> {
        value.into_string()
    }
}

impl FromJson for bool {
    fn from_json(value: Json) -> Option<Self> {
        match value {
            Json::Bool(flag) => Some(flag),
            _ => None,
        }
    }
}

impl FromJson for i64 {
    fn from_json(value: Json) -> Option<Self> {
        value.integer()
    }
}

impl FromJson for u64 {
    fn from_json(value: Json) -> Option<Self> {
        match value {
            Json::Int { negative: false, magnitude } => Some(magnitude),
            _ => None,
        }
    }
}

impl FromJson for u8 {
    fn from_json(value: Json) -> Option<Self> {
        Self::try_from(value.integer()?).ok()
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Json) -> Option<Self> {
        match value {
            Json::Null => Some(None),
            value => T::from_json(value).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Json) -> Option<Self> {
        match value {
            // A plain loop: `collect` into `Option<Vec<_>>` was ~1 KB of wasm per element type
            // (and `with_capacity` a little more than letting `push` grow it).
            Json::Arr(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.push(T::from_json(item)?);
                }
                Some(out)
            }
            _ => None,
        }
    }
}

/// The hyphenated form serde writes (`8-4-4-4-12` hex digits, either case), read by hand:
/// uuid's parser also reads the simple, braced and URN forms, which nothing sends, in more code.
impl FromJson for Uuid {
    fn from_json(value: Json) -> Option<Self> {
        let text = value.into_string()?;
        if text.len() != 36 {
            return None;
        }
        let mut bits: u128 = 0;
        for (at, byte) in text.bytes().enumerate() {
            if matches!(at, 8 | 13 | 18 | 23) {
                if byte != b'-' {
                    return None;
                }
            } else {
                bits = bits << 4 | u128::from(char::from(byte).to_digit(16)?);
            }
        }
        Some(Self::from_u128(bits))
    }
}

#[cfg(any(test, feature = "decode-conformance"))]
pub mod conformance;
#[cfg(test)]
mod tests;
