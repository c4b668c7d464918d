//! The npm package: links the `#[wasm_bindgen]` exports of `estuary_user::js` into one cdylib.
//! Only `wasm-pack build wasm` uses it; Rust apps depend on `estuary-user` itself.

#[cfg(target_arch = "wasm32")]
pub use estuary_user::js::*;

/// The npm package's allocator (see Cargo.toml for the measurements). Rust apps that use
/// `estuary-user` as a crate keep their own.
// SAFETY: the package is built without the `atomics` target feature, so each instance of
// the module runs on one thread: nothing can allocate concurrently.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
