//! Tests shared by the browser and Node runs, against the local Estuary-compatible server
//! (`estuary-user-node`, started by the test command with `--fixtures` on `ESTUARY_TEST_URL`).

/// The npm package's allocator (wasm/src/lib.rs), so that the memory tests measure the
/// shipped build's.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod aborts;
mod errors;
mod helpers;
mod keys;
mod retries;
mod rust_api;
mod secrets;
mod tries;
mod user;
