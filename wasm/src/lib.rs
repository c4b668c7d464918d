//! The npm package: links the `#[wasm_bindgen]` exports of `estuary_user::js` into one cdylib.
//! Only `wasm-pack build wasm` uses it; Rust apps depend on `estuary-user` itself.

#[cfg(target_arch = "wasm32")]
pub use estuary_user::js::*;
