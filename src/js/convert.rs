//! Reading JS option objects. Every wrong type is an `invalid_input` error, never a panic.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::error::Error;
use crate::http::CallOptions;
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

/// An optional timeout in milliseconds: a whole number from 0 (none) to 2^31 − 1.
pub(crate) fn timeout_field(object: &Object, key: &str) -> Result<Option<u32>, Error> {
    match field(object, key)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=2_147_483_647.0).contains(&n) => {
                Ok(Some(n as u32))
            }
            _ => Err(Error::invalid(cat!(
                key,
                " must be a whole number of milliseconds from 0 (no timeout) to 2147483647"
            ))),
        },
    }
}

/// An optional retry count: a whole number from 0 to 10.
pub(crate) fn retries_field(object: &Object, key: &str) -> Result<Option<u32>, Error> {
    match field(object, key)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=10.0).contains(&n) => Ok(Some(n as u32)),
            _ => Err(Error::invalid(cat!(
                key,
                " must be a whole number from 0 to 10"
            ))),
        },
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
        Some(v) => Some(
            v.dyn_into::<AbortSignal>()
                .map_err(|_| Error::invalid("signal must be an AbortSignal"))?,
        ),
    };
    Ok(CallOptions {
        signal,
        timeout_ms: timeout_field(&object, "timeoutMs")?,
        max_retries: retries_field(&object, "maxRetries")?,
    })
}
