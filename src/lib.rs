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
//! call.rs        the Rust API decodes the checked answer into models.rs (`T::decode`,
//!                decode.rs, serde-wasm-bindgen); the JS facade returns it as it is
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

/// Property tests of the pure input paths (native `cargo test`). The file lives under
/// `tests/` with the other test code, but is compiled as a unit-test module so that it reaches
/// the crate's internals without making them public.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../tests/unit/properties.rs"]
mod properties;
