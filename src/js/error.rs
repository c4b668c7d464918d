//! Rust `Error` → a real JS `Error` whose prototype chain is `EstuaryError → Error`.
//!
//! wasm-bindgen cannot export a class that extends `Error`, so `EstuaryError` is exported as
//! an empty Rust-backed class (so `import { EstuaryError }` and `instanceof` work) whose
//! prototype is re-parented onto `Error.prototype` once. Each error is made with
//! `new Error(message)` (so it has a stack and is a genuine Error) and then given that
//! prototype and its fields. `isEstuaryError` checks `name`, which also works across realms
//! and duplicate copies of the package.

use std::cell::OnceCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::Error;

/// The class of every error this package throws or rejects with.
#[wasm_bindgen(skip_typescript)]
pub struct EstuaryError {
    _private: u8,
}

#[wasm_bindgen]
impl EstuaryError {
    /// Always throws: only the library makes these.
    #[wasm_bindgen(constructor, skip_typescript, skip_jsdoc)]
    pub fn new() -> Result<EstuaryError, JsValue> {
        Err(to_js(&Error::invalid(
            "EstuaryError is thrown by estuary-user; it cannot be constructed",
        )))
    }
}

thread_local! {
    static PROTOTYPE: OnceCell<Object> = const { OnceCell::new() };
}

fn prototype() -> Object {
    PROTOTYPE.with(|cell| {
        cell.get_or_init(|| {
            let marker = JsValue::from(EstuaryError { _private: 0 });
            let proto = Object::get_prototype_of(&marker);
            // Remove `free`/`Symbol.dispose` so no error object can ever pass a missing
            // pointer back to Rust. The marker's own Rust half is released by wasm-bindgen's
            // FinalizationRegistry when the marker is collected.
            let _ = Reflect::delete_property(&proto, &"free".into());
            let dispose = Reflect::get(&js_sys::global(), &"Symbol".into())
                .and_then(|symbol| Reflect::get(&symbol, &"dispose".into()));
            if let Ok(dispose) = dispose {
                if !dispose.is_undefined() {
                    let _ = Reflect::delete_property(&proto, &dispose);
                }
            }
            let error_proto = Object::get_prototype_of(&js_sys::Error::new(""));
            Object::set_prototype_of(&proto, &error_proto);
            let _ = Reflect::set(&proto, &"name".into(), &"EstuaryError".into());
            proto
        })
        .clone()
    })
}

/// The JS value of a Rust error. `status`, `reason`, `details` and `cause` are set only when
/// there is one, so they are absent (`"status" in e` is false) rather than `undefined`.
pub(crate) fn to_js(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.message());
    Object::set_prototype_of(&js, &prototype());
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&js, &key.into(), value);
    };
    set("kind", &error.kind().as_str().into());
    if let Some(status) = error.status() {
        set("status", &f64::from(status).into());
    }
    if let Some(reason) = error.reason() {
        set("reason", &reason.into());
    }
    if let Some(details) = error.details() {
        set("details", &details.into());
    }
    match error {
        Error::Network { cause, .. } | Error::Aborted { cause, .. } => {
            if let Some(value) = cause.as_js() {
                set("cause", value);
            }
        }
        Error::Timeout {
            last: Some(last), ..
        } => set("cause", &to_js(last)),
        _ => {}
    }
    js.into()
}

/// Whether `value` is an `EstuaryError`: checks its `name` and `kind`, so it also works for
/// errors from another realm (an iframe, a worker) or another copy of the package, where
/// `instanceof` is false.
///
/// @example
/// ```ts
/// try { await user.getStats(); }
/// catch (e) { if (isEstuaryError(e) && e.kind === "unauthorized") showLogin(); else throw e; }
/// ```
#[wasm_bindgen(js_name = isEstuaryError, skip_jsdoc, unchecked_return_type = "value is EstuaryError")]
pub fn is_estuary_error(#[wasm_bindgen(unchecked_param_type = "unknown")] value: &JsValue) -> bool {
    // Not `instanceof Error`: an error made in another realm (an iframe, a worker's copy of
    // the package, a `vm` context) is not an instance of this realm's `Error`.
    let field = |key: &str| Reflect::get(value, &key.into()).ok();
    value.is_object()
        && field("name")
            .and_then(|n| n.as_string())
            .is_some_and(|n| n == "EstuaryError")
        && field("kind").is_some_and(|k| k.is_string())
}
