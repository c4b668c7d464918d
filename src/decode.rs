//! Checking the JSON the platform parsed (`JSON.parse` of the body) against what each endpoint
//! returns (BEHAVIOUR.md), and reading it into the crate's models.
//!
//! Done with `Reflect` on the parsed value rather than serde-wasm-bindgen: the facade can
//! check a 10,000-key list in place without copying its strings into wasm and back, and the
//! `.wasm` carries no serde machinery or float formatting (README, "Size").

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{Envelope, Error};
use crate::models::{whole_count, ApiKey, ExportV1, JsonValue, UserExport, UserStats};

/// How deep the Rust API follows nested export items before calling them malformed: a
/// hostile body could otherwise exhaust the wasm stack, which traps the whole module.
const MAX_DEPTH: u32 = 64;

fn bad(message: impl Into<String>) -> Error {
    Error::Decode {
        status: 200,
        message: message.into(),
    }
}

#[wasm_bindgen]
extern "C" {
    /// A value made by `JSON.parse`.
    type Parsed;

    /// `value[key]`. JSON.parse makes plain data without getters, so a read cannot throw and
    /// needs no try/catch wrapper per read, as `Reflect::get` has. Only called on objects (a
    /// read of `null` would throw).
    #[wasm_bindgen(method, structural, indexing_getter)]
    fn read(this: &Parsed, key: &JsValue) -> JsValue;
}

/// `object[key]`; `object` must be a JS object (every caller checks `is_object` first).
fn get(object: &JsValue, key: &JsValue) -> JsValue {
    object.unchecked_ref::<Parsed>().read(key)
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
}

/// The property names of an API key, made once per answer rather than once per row.
struct KeyFields {
    strings: [(JsValue, &'static str); 4],
    is_session: JsValue,
}

impl KeyFields {
    fn new() -> KeyFields {
        let field = |name: &'static str| (JsValue::from_str(name), name);
        KeyFields {
            strings: [
                field("token"),
                field("tokenHash"),
                field("label"),
                field("expiry"),
            ],
            is_session: JsValue::from_str("isSession"),
        }
    }

    /// Checks one row in place: old nodes omit `label`, `tokenHash` and `isSession`, and Go
    /// may send `null`; those become `""` / `false` so the row matches the `ApiKey` type.
    fn check(&self, row: &JsValue) -> Result<(), Error> {
        if !is_plain_object(row) {
            return Err(bad("an API key is not an object"));
        }
        // The usual case is tested first: each test is a call out of wasm, and a 10,000-row
        // list makes 50,000 of them per test.
        for (key, name) in &self.strings {
            let value = get(row, key);
            if value.is_string() {
                continue;
            }
            if !(value.is_undefined() || value.is_null()) {
                return Err(bad(format!("an API key's {name} is not a string")));
            }
            let _ = Reflect::set(row, key, &JsValue::from_str(""));
        }
        let value = get(row, &self.is_session);
        if value.as_bool().is_none() {
            if !(value.is_undefined() || value.is_null()) {
                return Err(bad("an API key's isSession is not a boolean"));
            }
            let _ = Reflect::set(row, &self.is_session, &JsValue::FALSE);
        }
        Ok(())
    }

    /// Reads a row that [`KeyFields::check`] accepted.
    fn read(&self, row: &JsValue) -> ApiKey {
        let [token, token_hash, label, expiry] = self
            .strings
            .each_ref()
            .map(|(key, _)| get(row, key).as_string().unwrap_or_default());
        ApiKey {
            token,
            token_hash,
            label,
            expiry,
            is_session: get(row, &self.is_session).as_bool().unwrap_or_default(),
        }
    }
}

/// Checks `GET /user/api-keys`: a flat array of keys (never nested, BEHAVIOUR.md).
pub(crate) fn check_api_keys(json: &JsValue) -> Result<(), Error> {
    let Some(rows) = json.dyn_ref::<Array>() else {
        return Err(bad("the key list is not an array"));
    };
    let fields = KeyFields::new();
    rows.iter().try_for_each(|row| fields.check(&row))
}

/// Reads `GET /user/api-keys`.
pub(crate) fn api_keys(json: &JsValue) -> Result<Vec<ApiKey>, Error> {
    check_api_keys(json)?;
    let fields = KeyFields::new();
    Ok(Array::from(json)
        .iter()
        .map(|row| fields.read(&row))
        .collect())
}

/// Checks the answer of `POST /user/api-keys`: one key.
pub(crate) fn check_api_key(json: &JsValue) -> Result<(), Error> {
    KeyFields::new().check(json)
}

/// Reads the answer of `POST /user/api-keys`.
pub(crate) fn api_key(json: &JsValue) -> Result<ApiKey, Error> {
    let fields = KeyFields::new();
    fields.check(json)?;
    Ok(fields.read(json))
}

/// Reads `GET /user/stats`; `null` counts as 0 (BEHAVIOUR.md).
pub(crate) fn stats(json: &JsValue) -> Result<UserStats, Error> {
    if !is_plain_object(json) {
        return Err(bad("the stats are not an object"));
    }
    let count = |name: &str| {
        let value = get(json, &JsValue::from_str(name));
        if value.is_undefined() || value.is_null() {
            return Ok(0);
        }
        value
            .as_f64()
            .and_then(whole_count)
            .ok_or_else(|| bad(format!("{name} is not a non-negative whole number")))
    };
    Ok(UserStats {
        total_size: count("totalSize")?,
        num_pins: count("numPins")?,
    })
}

/// Checks `GET /user/export` without copying it (it can be megabytes): the capitalised
/// wrapper keys must be there; Go's `null` for an empty list becomes `[]` (BEHAVIOUR.md).
pub(crate) fn check_export(json: &JsValue) -> Result<(), Error> {
    let field = |object: &JsValue, key: &str| get(object, &JsValue::from_str(key));
    if !is_plain_object(json) {
        return Err(bad("the export is not an object"));
    }
    for key in ["Version", "Date"] {
        if !field(json, key).is_string() {
            return Err(bad(format!("the export has no {key} string")));
        }
    }
    let v1 = field(json, "Version1");
    if !is_plain_object(&v1) {
        return Err(bad("the export has no Version1 object"));
    }
    for list in ["Contents", "Deals"] {
        let items = field(&v1, list);
        if items.is_null() || items.is_undefined() {
            let _ = Reflect::set(&v1, &JsValue::from_str(list), &Array::new());
        } else if !Array::is_array(&items) {
            return Err(bad(format!("the export's {list} is not an array")));
        }
    }
    Ok(())
}

/// Reads `GET /user/export`.
pub(crate) fn export(json: &JsValue) -> Result<UserExport, Error> {
    check_export(json)?;
    let field = |object: &JsValue, key: &str| get(object, &JsValue::from_str(key));
    let list = |v1: &JsValue, key: &str| match any(&field(v1, key), 0)? {
        JsonValue::Array(items) => Ok(items),
        _ => Err(bad(format!("the export's {key} is not an array"))),
    };
    let v1 = field(json, "Version1");
    Ok(UserExport {
        version: field(json, "Version").as_string().unwrap_or_default(),
        date: field(json, "Date").as_string().unwrap_or_default(),
        version1: ExportV1 {
            contents: list(&v1, "Contents")?,
            deals: list(&v1, "Deals")?,
        },
    })
}

/// Any value `JSON.parse` can make.
fn any(value: &JsValue, depth: u32) -> Result<JsonValue, Error> {
    if depth > MAX_DEPTH {
        return Err(bad("the export is nested too deeply"));
    }
    Ok(if value.is_null() || value.is_undefined() {
        JsonValue::Null
    } else if let Some(b) = value.as_bool() {
        JsonValue::Bool(b)
    } else if let Some(n) = value.as_f64() {
        JsonValue::Number(n)
    } else if let Some(s) = value.as_string() {
        JsonValue::String(s)
    } else if let Some(items) = value.dyn_ref::<Array>() {
        let items = items.iter().map(|item| any(&item, depth + 1));
        JsonValue::Array(items.collect::<Result<_, _>>()?)
    } else if value.is_object() {
        let keys = Object::keys(value.unchecked_ref::<Object>());
        let entries = keys.iter().map(|key| {
            let item = any(&get(value, &key), depth + 1)?;
            Ok((key.as_string().unwrap_or_default(), item))
        });
        JsonValue::Object(entries.collect::<Result<_, Error>>()?)
    } else {
        return Err(bad("the export holds a value that is not JSON"));
    })
}

/// The node's error envelope (BEHAVIOUR.md "Error bodies"): `{"error":{"reason","details"}}`
/// or, from nodes older than mid-2022, `{"error":"ERR_…","details":"…"}`.
pub(crate) fn envelope(json: &JsValue) -> Option<Envelope> {
    if !is_plain_object(json) {
        return None;
    }
    let text = |object: &JsValue, key: &str| get(object, &JsValue::from_str(key)).as_string();
    let error = get(json, &JsValue::from_str("error"));
    if let Some(reason) = error.as_string() {
        Some(Envelope::new(Some(reason), text(json, "details")))
    } else if is_plain_object(&error) {
        Some(Envelope::new(
            text(&error, "reason"),
            text(&error, "details"),
        ))
    } else {
        None
    }
}
