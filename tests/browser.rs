//! The suite in headless Chromium and Firefox (`wasm-pack test --headless --chrome`, and
//! `--firefox`). Without this `run_in_browser` line a browser run would silently skip every test.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod suite;
