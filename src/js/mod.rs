//! The JavaScript facade: converts JS values to the Rust core's types and back, and errors
//! to `EstuaryError`s. No logic of its own.

mod convert;
mod error;
mod estuary_user;
mod types;

pub use error::{is_estuary_error, EstuaryError};
pub use estuary_user::{token_hash, EstuaryUser};
