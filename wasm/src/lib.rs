//! The npm package: links the `#[wasm_bindgen]` exports of `estuary_user::js` into one cdylib.
//! Only `wasm-pack build wasm` uses it; Rust apps depend on `estuary-user` itself.
//!
//! It uses Rust's default allocator (dlmalloc on `wasm32-unknown-unknown`), the one the wasm
//! test suite runs with: docs/benchmarks.md ("Size") has what a smaller one would save.

#[cfg(target_arch = "wasm32")]
pub use estuary_user::js::*;
