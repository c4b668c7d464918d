//! The Rust app that tests/rust-apps/check.sh compiles against the oldest (`lowest/`) and the
//! newest (`newest/`) wasm-bindgen the crate accepts: the README's example, as an app's code.

#[allow(dead_code)] // its `main` is the example's entry point, unused in a library
#[path = "../../examples/rotate.rs"]
mod rotate;
