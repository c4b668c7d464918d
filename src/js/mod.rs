//! The JavaScript facade: converts JS values to the Rust core's types and back, and errors
//! to `EstuaryError`s. No logic of its own.

mod convert;
mod error;
mod estuary_user;
mod types;

pub use error::{is_estuary_error, EstuaryError};
pub use estuary_user::{check_expiry, token_hash, EstuaryUser};

/// With the `console-panic-hook` feature (off by default), a Rust panic is logged to the
/// console before the module traps. No code path should panic; this is for debugging, in a
/// build with a panic handler: the npm package's `-Cpanic=immediate-abort` build has none, so
/// there it logs nothing (docs/toolchain.md trap 19; CONTRIBUTING "Debugging a panic").
#[cfg(feature = "console-panic-hook")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn log_panics() {
    console_error_panic_hook::set_once();
}
