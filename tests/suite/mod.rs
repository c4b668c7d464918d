//! Tests shared by the browser and Node runs, against the local Estuary-compatible server
//! (`estuary-user-node`, started by the test command with `--fixtures` on `ESTUARY_TEST_URL`).

mod aborts;
mod errors;
mod helpers;
mod keys;
mod retries;
mod rust_api;
mod secrets;
mod tries;
mod user;
