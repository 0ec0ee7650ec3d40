//! A decoder held to serde, for any type with both a [`FromJson`] impl and serde's derives: what
//! serde writes reads back equal, with unknown fields added anywhere, and every field of every
//! object missing or of each wrong type is accepted or refused exactly as `serde_json` accepts or
//! refuses it (with the same value when both accept). Used by this crate's tests and by the
//! widget's for its stored state (feature `decode-conformance`, test builds only).

#![allow(clippy::missing_panics_doc, reason = "test support: a panic is a failed check")]

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::{from_str, FromJson};

/// What a field is replaced with to try a wrong (or right) type.
fn replacements() -> [Value; 8] {
    [json!(null), json!(true), json!("x"), json!(1.5), json!(7), json!(-3), json!([]), json!({})]
}

/// Both decoders on `text`: the same answer.
pub fn agree<T: FromJson + DeserializeOwned + PartialEq + Debug>(text: &str) {
    let ours = from_str::<T>(text);
    let theirs = serde_json::from_str::<T>(text).ok();
    assert_eq!(ours, theirs, "{text}");
}

/// Every object in `value`, by a path of steps (a key or an index).
fn object_paths(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::Object(map) => {
            out.push(path.clone());
            for (key, item) in map {
                path.push(json!(key));
                object_paths(item, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(json!(i));
                object_paths(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut serde_json::Map<String, Value> {
    let mut here = value;
    for step in path {
        here = match step {
            Value::String(key) => &mut here[key.as_str()],
            step => &mut here[step.as_u64().and_then(|i| usize::try_from(i).ok()).expect("an index")],
        };
    }
    here.as_object_mut().expect("an object")
}

/// The checks of the module docs on one value: `value` as serde writes it, with unknown fields
/// added, and with each field of each object removed or replaced by each JSON type.
pub fn holds<T: FromJson + DeserializeOwned + Serialize + PartialEq + Debug>(value: &T) {
    let text = serde_json::to_string(value).expect("serialises");
    assert_eq!(from_str::<T>(&text).as_ref(), Some(value), "{text}");
    let tree = serde_json::to_value(value).expect("serialises");
    let mut paths = Vec::new();
    object_paths(&tree, &mut Vec::new(), &mut paths);
    let mut extra = tree.clone();
    for path in &paths {
        at(&mut extra, path).insert("zzUnknown".into(), json!([1.5e3, {"a": null}, "\u{e9}"]));
    }
    assert_eq!(from_str::<T>(&extra.to_string()).as_ref(), Some(value), "{extra}");
    for path in &paths {
        let keys: Vec<String> = at(&mut tree.clone(), path).keys().cloned().collect();
        for key in keys {
            let mut without = tree.clone();
            at(&mut without, path).remove(&key);
            agree::<T>(&without.to_string());
            let was_object = at(&mut tree.clone(), path)[&key].is_object();
            for replacement in replacements() {
                // serde also reads a struct from an array of its fields in order (`[]` is a
                // struct whose fields all have defaults); nothing writes that, so a struct is
                // read from an object only.
                if was_object && replacement == json!([]) {
                    continue;
                }
                let mut changed = tree.clone();
                at(&mut changed, path).insert(key.clone(), replacement);
                agree::<T>(&changed.to_string());
            }
        }
    }
}
