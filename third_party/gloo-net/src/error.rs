use gloo_utils::errors::JsError;
use thiserror::Error as ThisError;

/// All the errors returned by this crate.
#[derive(Debug, ThisError)]
pub enum Error {
    /// Error returned by JavaScript.
    #[error("{0}")]
    JsError(JsError),
    /// Error returned by `serde` during deserialization.
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    #[error("{0}")]
    SerdeError(
        #[source]
        #[from]
        serde_json::Error,
    ),
    /// Error returned by this crate
    #[error("{0}")]
    GlooError(String),
}

#[cfg(any(feature = "http", feature = "websocket", feature = "eventsource"))]
pub(crate) use conversion::*;
#[cfg(any(feature = "http", feature = "websocket", feature = "eventsource"))]
mod conversion {
    use gloo_utils::errors::JsError;
    use std::convert::TryFrom;
    use wasm_bindgen::JsValue;

    #[cfg(feature = "http")]
    pub(crate) fn js_to_error(js_value: JsValue) -> super::Error {
        super::Error::JsError(js_to_js_error(js_value))
    }

    pub(crate) fn js_to_js_error(js_value: JsValue) -> JsError {
        match JsError::try_from(js_value) {
            Ok(error) => error,
            // Not an `Error` of this realm: another realm's `TypeError` (a `vm` context's
            // `fetch`), a `DOMException`, a string, `undefined`. Rebuild one here from its
            // `name` and `message`, read as properties, rather than panic.
            Err(not_error) => JsError::from(foreign_error(&not_error.js_value)),
        }
    }

    fn foreign_error(value: &JsValue) -> js_sys::Error {
        let field = |key: &str| {
            js_sys::Reflect::get(value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
        };
        let error = js_sys::Error::new(
            &value
                .as_string()
                .or_else(|| field("message"))
                .unwrap_or_default(),
        );
        if let Some(name) = field("name") {
            error.set_name(&name);
        }
        error
    }
}
