//! The answers of the five endpoints, from the JSON the platform parsed (`JSON.parse` of the
//! body) to what each call returns (docs/estuary-node.md).
//!
//! Two steps. `check_*` checks a parsed value in place and fills what old nodes omit or Go
//! sends as `null`, with messages that name the field and never repeat a value from the body
//! (a key list holds secrets); the core (`Client::call`) runs them on every answer. The JS
//! facade returns the checked value as parsed: a 10,000-key list or a 5 MB export is never
//! copied into wasm and back. The Rust API then turns it into the crate's serde models with
//! `serde_wasm_bindgen::from_value` ([`Output`]), the one decoder into Rust types.

use js_sys::{Array, JsString, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{Envelope, Error, MAYBE_CREATED};
use crate::limits::MAX_ENVELOPE_FIELD;
use crate::models::{whole_count, ApiKey, UserExport, UserStats, TOO_DEEP};
use crate::text::cat;

#[wasm_bindgen]
extern "C" {
    // `JSON.parse` of a JS string: `Response.text()` + this does what `Response.json()`
    // does, and the text never has to be copied into wasm.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(crate) fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

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
    /// read of `null` would throw). Kept for speed, not size: with `Reflect::get` the check
    /// of a 10,000-key list took 13.3 ms instead of 11.4–11.7 ms (`bench/run.mjs --only
    /// large`, twice each, issue 27, docs/benchmarks.md); the size differs by 21 B.
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
                return Err(bad(cat!("an API key's ", name, " is not a string")));
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
}

/// Checks `GET /user/api-keys`: a flat array of keys (never nested, docs/estuary-node.md "GET /user/api-keys").
pub(crate) fn check_api_keys(json: &JsValue) -> Result<(), Error> {
    let Some(rows) = json.dyn_ref::<Array>() else {
        return Err(bad("the key list is not an array"));
    };
    let fields = KeyFields::new();
    rows.iter().try_for_each(|row| fields.check(&row))
}

/// Whether a checked key list has a row that shows `token` in plaintext: a legacy row (or an
/// old node's), which only its token can revoke (docs/estuary-node.md "GET /user/api-keys").
/// Every other row's `token` is `""`.
pub(crate) fn lists_token(keys: &JsValue, token: &str) -> bool {
    let field = JsValue::from_str("token");
    let token = JsValue::from_str(token);
    keys.dyn_ref::<Array>()
        .is_some_and(|rows| rows.iter().any(|row| get(&row, &field) == token))
}

/// Checks the answer of `POST /user/api-keys`: one key.
pub(crate) fn check_api_key(json: &JsValue) -> Result<(), Error> {
    KeyFields::new().check(json)
}

/// Checks `GET /user/stats` in place: `null` or a missing count becomes 0 (docs/estuary-node.md "GET /user/stats");
/// anything else must be a non-negative whole number.
pub(crate) fn check_stats(json: &JsValue) -> Result<(), Error> {
    if !is_plain_object(json) {
        return Err(bad("the stats are not an object"));
    }
    for name in ["totalSize", "numPins"] {
        let key = JsValue::from_str(name);
        let value = get(json, &key);
        if value.is_undefined() || value.is_null() {
            let _ = Reflect::set(json, &key, &JsValue::from_f64(0.0));
        } else if value.as_f64().and_then(whole_count).is_none() {
            return Err(bad(cat!(name, " is not a non-negative whole number")));
        }
    }
    Ok(())
}

/// Checks `GET /user/export` without copying it (it can be megabytes): the capitalised
/// wrapper keys must be there; Go's `null` for an empty list becomes `[]` (docs/estuary-node.md "GET /user/export").
pub(crate) fn check_export(json: &JsValue) -> Result<(), Error> {
    let field = |object: &JsValue, key: &str| get(object, &JsValue::from_str(key));
    if !is_plain_object(json) {
        return Err(bad("the export is not an object"));
    }
    for key in ["Version", "Date"] {
        if !field(json, key).is_string() {
            return Err(bad(cat!("the export has no ", key, " string")));
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
            return Err(bad(cat!("the export's ", list, " is not an array")));
        }
    }
    Ok(())
}

/// A checked value as a serde model. serde's own messages are not shown: they quote the
/// offending value (`invalid type: string "EST…"`), and the checks already named the field.
fn from_checked<T: DeserializeOwned>(json: JsValue, what: &str) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(json).map_err(|_| bad(cat!(what, " could not be decoded")))
}

/// The node's error envelope (docs/estuary-node.md "Error bodies") read from a parsed error
/// body: the current `{"error":{"code","reason","details"}}` or the legacy
/// `{"error":"ERR_…","details":"…"}`. Its two strings are read in place, like every other
/// answer. A body that has neither string is not an envelope (`None`): its excerpt is shown.
pub(crate) fn envelope(json: &JsValue) -> Option<Envelope> {
    if !is_plain_object(json) {
        return None;
    }
    // Each string is cut where it is, in JS, before it is copied into wasm: a body of up to
    // 64 KiB could otherwise hold two strings that long.
    let text = |object: &JsValue, key: &str| {
        get(object, &JsValue::from_str(key))
            .dyn_into::<JsString>()
            .ok()
            .and_then(|s| s.slice(0, MAX_ENVELOPE_FIELD).as_string())
    };
    let error = get(json, &JsValue::from_str("error"));
    let envelope = if let Some(reason) = error.as_string() {
        Envelope {
            reason: Some(reason),
            details: text(json, "details"),
        }
    } else if is_plain_object(&error) {
        Envelope {
            reason: text(&error, "reason"),
            details: text(&error, "details"),
        }
    } else {
        return None;
    };
    (envelope.reason.is_some() || envelope.details.is_some()).then_some(envelope)
}

/// What the Rust API makes of a call's checked answer: one decoder per output type.
pub(crate) trait Output: Sized {
    fn decode(json: JsValue) -> Result<Self, Error>;
}

impl Output for Vec<ApiKey> {
    fn decode(json: JsValue) -> Result<Self, Error> {
        from_checked(json, "the key list")
    }
}

impl Output for ApiKey {
    /// A 2xx that does not decode still very likely made the key.
    fn decode(json: JsValue) -> Result<Self, Error> {
        from_checked(json, "the new key").map_err(|e| e.with_note(MAYBE_CREATED))
    }
}

impl Output for () {
    fn decode(_: JsValue) -> Result<Self, Error> {
        Ok(())
    }
}

impl Output for UserStats {
    fn decode(json: JsValue) -> Result<Self, Error> {
        from_checked(json, "the stats")
    }
}

impl Output for UserExport {
    /// Items deeper than `models::MAX_DEPTH` are refused (a hostile body must not exhaust
    /// the wasm stack, which would trap the whole module).
    fn decode(json: JsValue) -> Result<Self, Error> {
        serde_wasm_bindgen::from_value(json).map_err(|error| {
            // The depth limit's message is the crate's own, so it is the one message passed on.
            let error = JsValue::from(error);
            let message = Reflect::get(&error, &"message".into()).ok();
            if message.and_then(|m| m.as_string()).as_deref() == Some(TOO_DEEP) {
                bad(TOO_DEEP)
            } else {
                bad("the export could not be decoded")
            }
        })
    }
}
