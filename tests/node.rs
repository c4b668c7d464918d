//! The suite in Node (`wasm-pack test --node`): same tests, global `fetch` of Node 18+.
#![cfg(target_arch = "wasm32")]

mod suite;
