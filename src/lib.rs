//! A typed client for the *user* API of an Estuary node: API keys, stats and export.
//!
//! The pure parts (errors, Go durations, URLs, token hashing, models) build everywhere; the
//! client itself and the JavaScript facade need `wasm32` (they call the platform's `fetch`
//! through gloo-net).
//!
//! # The path of one call through the files
//!
//! ```text
//! api_keys.rs, stats_export.rs   Client::get_stats() … a Call (call.rs): endpoint + options
//!   │   (the JS facade, js/estuary_user.rs, makes the same Endpoint and CallOptions)
//!   ▼
//! engine.rs      Client::call: the one path of every call
//!   ├─ request.rs       the Endpoint made into a Prepared request: method, encoded path
//!   │                   (url.rs), what is secret (token.rs), how the answer is checked
//!   ├─ cancel.rs        one signal for the caller's abort and the timeout (limits.rs)
//!   └─ loop, retried as a whole (retry.rs: which failures, how long to wait)
//!        └─ try_once.rs  one try: gloo-net sends it with the client's connection
//!             │          (connection.rs: token, base URL, RequestInit), then the status
//!             ├─ 2xx     the body, JSON.parse'd in JS and checked in place (decode.rs)
//!             └─ non-2xx error_body.rs: the body, bounded; the node's envelope → Error
//!   ▼
//! call.rs        the Rust API decodes the checked answer into models.rs (serde);
//!                the JS facade returns it as it is
//! ```
//!
//! Every failure is an [`Error`] (error.rs); messages are built by text.rs.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// Natively only the pure parts build (for their tests); their callers are wasm-only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod error;
mod expiry;
mod limits;
mod models;
mod retry;
mod text;
mod token;
mod url;

#[cfg(target_arch = "wasm32")]
mod api_keys;
#[cfg(target_arch = "wasm32")]
mod call;
#[cfg(target_arch = "wasm32")]
mod cancel;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod connection;
#[cfg(target_arch = "wasm32")]
mod decode;
#[cfg(target_arch = "wasm32")]
mod engine;
#[cfg(target_arch = "wasm32")]
mod error_body;
/// The `#[wasm_bindgen]` facade of the npm package (feature `js`).
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js;
#[cfg(target_arch = "wasm32")]
mod request;
#[cfg(target_arch = "wasm32")]
mod stats_export;
#[cfg(target_arch = "wasm32")]
mod try_once;

pub use error::{Cause, Error, ErrorKind};
pub use expiry::Expiry;
pub use limits::{DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRIES, MAX_TIMEOUT};
pub use models::{ApiKey, ExportV1, Perms, UserExport, UserStats};
pub use token::token_hash;

#[cfg(target_arch = "wasm32")]
pub use call::{Call, CallFuture, KeyRef};
#[cfg(target_arch = "wasm32")]
pub use client::{Client, ClientBuilder};

/// The pure input paths, for the property tests (`tests/properties.rs`, native). Not part of
/// the API: hidden, and not built for wasm.
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
pub mod __properties {
    use crate::Error;

    /// A Go duration in nanoseconds, if it is one.
    pub fn go_duration_nanos(input: &str) -> Option<i64> {
        crate::expiry::parse_go_duration(input).ok()
    }

    /// Whether `token` is accepted as a token; why not, when it is not.
    pub fn check_token(token: &str) -> Result<(), Error> {
        crate::token::Token::new(token).map(drop)
    }

    /// See `url::normalize_base_url`.
    pub fn normalize_base_url(input: &str) -> Result<String, Error> {
        crate::url::normalize_base_url(input)
    }

    /// See `url::encode_component`.
    pub fn encode_component(value: &str) -> String {
        crate::url::encode_component(value)
    }

    /// See `url::path_segment`.
    pub fn path_segment(what: &str, value: &str) -> Result<String, Error> {
        crate::url::path_segment(what, value)
    }

    /// See `url::query_string`.
    pub fn query_string(pairs: &[(&str, &str)]) -> String {
        crate::url::query_string(pairs.iter().copied())
    }

    /// See `error::excerpt`.
    pub fn excerpt(body: &str) -> Option<String> {
        crate::error::excerpt(body)
    }
}
