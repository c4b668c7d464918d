//! A typed client for the *user* API of an Estuary node: API keys, stats and export.
//!
//! The pure parts (errors, Go durations, URLs, token hashing, models) build everywhere; the
//! client itself and the JavaScript facade need `wasm32` (they call the platform's `fetch`
//! through gloo-net).
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
mod call_core;
#[cfg(target_arch = "wasm32")]
mod cancel;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod decode;
#[cfg(target_arch = "wasm32")]
mod error_body;
#[cfg(target_arch = "wasm32")]
mod http;
/// The `#[wasm_bindgen]` facade of the npm package (feature `js`).
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js;
#[cfg(target_arch = "wasm32")]
mod user;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;

pub use error::{Cause, Error, ErrorKind};
pub use expiry::Expiry;
pub use limits::{DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRIES, MAX_TIMEOUT};
pub use models::{ApiKey, ExportV1, Perms, UserExport, UserStats};
pub use token::token_hash;

#[cfg(target_arch = "wasm32")]
pub use call::{Call, CallFuture, KeyRef};
#[cfg(target_arch = "wasm32")]
pub use client::{Client, ClientBuilder};
