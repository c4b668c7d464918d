//! Reading JS option objects. Every wrong type is an `invalid_input` error, never a panic;
//! the limits and their messages are the core's (`crate::limits`).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::engine::CallOptions;
use crate::error::Error;
use crate::limits::{retries_from_js, timeout_ms_from_js};
use crate::text::cat;

/// `undefined`/`null` → `None`; an object → `Some`; anything else is refused.
pub(crate) fn optional_object(value: &JsValue, what: &str) -> Result<Option<Object>, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else if value.is_object() {
        Ok(Some(value.clone().unchecked_into()))
    } else {
        Err(Error::invalid(cat!(what, " must be an object")))
    }
}

fn field(object: &Object, key: &str) -> Result<Option<JsValue>, Error> {
    let value = Reflect::get(object, &key.into())
        .map_err(|_| Error::invalid(cat!(key, " could not be read")))?;
    Ok(if value.is_undefined() {
        None
    } else {
        Some(value)
    })
}

/// An optional string field.
pub(crate) fn string_field(object: &Object, key: &str) -> Result<Option<String>, Error> {
    match field(object, key)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| Error::invalid(cat!(key, " must be a string"))),
    }
}

/// An optional number field, checked by `check` (one of `crate::limits`' JS readers).
pub(crate) fn limit_field(
    object: &Object,
    key: &str,
    check: fn(f64) -> Result<u32, Error>,
) -> Result<Option<u32>, Error> {
    match field(object, key)? {
        None => Ok(None),
        // A non-number is NaN here, which every check refuses with its message.
        Some(v) => check(v.as_f64().unwrap_or(f64::NAN)).map(Some),
    }
}

/// `timeoutMs` (ms, `0` = none).
pub(crate) fn timeout_field(object: &Object) -> Result<Option<u32>, Error> {
    limit_field(object, "timeoutMs", timeout_ms_from_js)
}

/// `maxRetries`.
pub(crate) fn retries_field(object: &Object) -> Result<Option<u32>, Error> {
    limit_field(object, "maxRetries", retries_from_js)
}

/// An `AbortSignal`, from this realm or another (an iframe's, a `vm` context's): checked by
/// its shape rather than with `instanceof`, which is false across realms.
fn abort_signal(value: JsValue) -> Result<AbortSignal, Error> {
    let is_signal = value.is_object()
        && Reflect::get(&value, &"aborted".into()).is_ok_and(|a| a.as_bool().is_some())
        && Reflect::get(&value, &"addEventListener".into()).is_ok_and(|f| f.is_function());
    if is_signal {
        Ok(value.unchecked_into())
    } else {
        Err(Error::invalid("signal must be an AbortSignal"))
    }
}

/// `{ signal?, timeoutMs?, maxRetries? }`.
pub(crate) fn call_options(value: &JsValue) -> Result<CallOptions, Error> {
    let Some(object) = optional_object(value, "options")? else {
        return Ok(CallOptions::default());
    };
    let signal = match field(&object, "signal")? {
        None => None,
        Some(v) if v.is_null() => None,
        Some(v) => Some(abort_signal(v)?),
    };
    Ok(CallOptions {
        signal,
        timeout_ms: timeout_field(&object)?,
        max_retries: retries_field(&object)?,
    })
}
