//! A typed client for the *user* API of an Estuary node: API keys, stats and export.
//!
//! The pure parts (errors, Go durations, URLs, token hashing, models) build everywhere; the
//! client itself and the JavaScript facade need `wasm32` (they call the platform's `fetch`).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod error;
pub mod expiry;
pub mod models;
pub mod retry;
pub mod token;
pub mod url;

#[cfg(target_arch = "wasm32")]
mod api_keys;
#[cfg(target_arch = "wasm32")]
mod cancel;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
mod decode;
#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js;
#[cfg(target_arch = "wasm32")]
mod user;

pub use error::{Error, ErrorKind};
pub use expiry::Expiry;
pub use models::{ApiKey, CreateApiKeyParams, ExportV1, JsonValue, Perms, UserExport, UserStats};
pub use token::token_hash;
pub use url::DEFAULT_BASE_URL;

#[cfg(target_arch = "wasm32")]
pub use client::{Client, ClientOptions, DEFAULT_TIMEOUT_MS};
#[cfg(target_arch = "wasm32")]
pub use http::CallOptions;
