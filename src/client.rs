//! The Rust client: a cheap-to-clone handle that owns the connection settings.

use std::rc::Rc;

use crate::error::Error;
use crate::http::Connection;
use crate::token::Token;
use crate::url::{normalize_base_url, DEFAULT_BASE_URL};

/// The default per-call timeout: 30 s.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The default number of retries of GET and DELETE calls.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The most retries a call may ask for.
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// Settings for [`Client::new`].
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// An API key or session token of the user. Never logged or put in a URL.
    pub token: String,
    /// The node's URL, optionally with a path prefix; defaults to [`DEFAULT_BASE_URL`].
    pub base_url: Option<String>,
    /// Per-call timeout in milliseconds (default 30 000; `Some(0)` means none).
    pub timeout_ms: Option<u32>,
    /// Retries of GET and DELETE on network errors, 429, 502, 503, 504 (default 2, at most
    /// 10). POST is never retried.
    pub max_retries: Option<u32>,
}

/// A client for the `/user/*` endpoints of one Estuary node, as one user.
///
/// Cloning is cheap and shares the settings; every method takes `&self`, so calls may run
/// concurrently.
#[derive(Clone)]
pub struct Client {
    pub(crate) connection: Rc<Connection>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.connection.base_url)
            .field("timeout_ms", &self.connection.timeout_ms)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Checks the options (nothing is sent) and makes a client.
    pub fn new(options: ClientOptions) -> Result<Client, Error> {
        let token = Token::new(&options.token)?;
        let max_retries = options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        if max_retries > MAX_RETRIES_LIMIT {
            return Err(Error::invalid(format!(
                "maxRetries must be at most {MAX_RETRIES_LIMIT}"
            )));
        }
        let base_url = normalize_base_url(options.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        Ok(Client {
            connection: Rc::new(Connection::new(
                token,
                base_url,
                options.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
                max_retries,
            )),
        })
    }

    /// The normalised base URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.connection.base_url
    }

    /// The hash of this client's own token, to recognise "the key in use" in a list.
    pub fn token_hash(&self) -> String {
        self.connection.token.hash()
    }
}
