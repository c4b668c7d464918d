//! The npm package: links the `#[wasm_bindgen]` exports of `estuary_user::js` into one cdylib.
//! Only `wasm-pack build wasm` uses it; Rust apps depend on `estuary-user` itself.
//!
//! Its global allocator is talc's (`talc::wasm`), the one the wasm test suite
//! (`tests/suite/mod.rs`) runs with, so the Rust suite's allocator is the shipped one (the
//! behaviour suite runs on the shipped `.wasm` itself): 1,648 B gzip
//! smaller than Rust's default dlmalloc, with no growth in the memory tests
//! (docs/benchmarks.md, "Size").

#[cfg(target_arch = "wasm32")]
pub use estuary_user::js::*;

/// Single-threaded wasm (no `atomics`), as `wasm-pack` builds it; `new_wasm` refuses
/// anything else.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
