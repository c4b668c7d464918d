//! The Rust client: a cheap-to-clone handle that owns the connection settings, made by
//! [`ClientBuilder`].

use core::fmt;
use std::rc::Rc;
use std::time::Duration;

use crate::error::Error;
use crate::http::Connection;
use crate::limits::{check_retries, timeout_ms, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
use crate::token::Token;
use crate::url::{base_url_error, normalize_base_url, DEFAULT_BASE_URL};

/// Settings of a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    token: String,
    base_url: Option<String>,
    timeout: Option<Duration>,
    max_retries: u32,
}

impl fmt::Debug for ClientBuilder {
    /// The token is a secret: `Debug` never shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl ClientBuilder {
    /// The node's URL, optionally with a path prefix (default [`DEFAULT_BASE_URL`], which
    /// was discontinued in 2023: a self-hosted node listens on `http://localhost:3004`).
    pub fn base_url(mut self, base_url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(base_url.into());
        self
    }

    /// The limit of each call, retries and their waits included (default
    /// [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT), at most [`MAX_TIMEOUT`](crate::MAX_TIMEOUT)).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = Some(timeout);
        self
    }

    /// Calls have no time limit (they can still be cancelled by a signal or by dropping).
    pub fn no_timeout(mut self) -> ClientBuilder {
        self.timeout = None;
        self
    }

    /// Retries of GET and DELETE calls on network errors, 429, 502, 503 and 504 (default
    /// [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES), at most [`MAX_RETRIES`](crate::MAX_RETRIES)). POST is never retried.
    pub fn max_retries(mut self, max_retries: u32) -> ClientBuilder {
        self.max_retries = max_retries;
        self
    }

    /// Checks the settings (nothing is sent) and makes the client.
    pub fn build(self) -> Result<Client, Error> {
        let max_retries = check_retries(self.max_retries)?;
        let timeout_ms = timeout_ms(self.timeout)?;
        Client::with_limits(
            &self.token,
            self.base_url.as_deref(),
            timeout_ms,
            max_retries,
        )
    }
}

impl Client {
    /// `build` after the limits were checked: the JS facade checks `timeoutMs` and
    /// `maxRetries` with messages of its own, so it comes here directly and the `.wasm`
    /// carries no `Duration` checks (and their messages) it can never reach.
    pub(crate) fn with_limits(
        token: &str,
        base_url: Option<&str>,
        timeout_ms: u32,
        max_retries: u32,
    ) -> Result<Client, Error> {
        let token = Token::new(token)?;
        let base_url = normalize_base_url(base_url.unwrap_or(DEFAULT_BASE_URL))?;
        // Then as strictly as `fetch` will parse it: a URL it refuses would otherwise fail
        // every call. Nothing is sent by making a `Request`.
        if web_sys::Request::new_with_str(&base_url).is_err() {
            return Err(base_url_error("this platform's URL parser refuses it"));
        }
        Ok(Client {
            connection: Rc::new(Connection::new(token, base_url, timeout_ms, max_retries)),
        })
    }
}

/// A client for the `/user/*` endpoints of one Estuary node, as one user.
///
/// Cloning is cheap and shares the settings; every method takes `&self`, so calls may run
/// concurrently.
#[derive(Clone)]
pub struct Client {
    pub(crate) connection: Rc<Connection>,
}

impl fmt::Debug for Client {
    /// Never shows the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.connection.base_url)
            .field("timeout_ms", &self.connection.timeout_ms)
            .field("max_retries", &self.connection.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a client for the user whose API key or session token is `token`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), estuary_user::Error> {
    /// use std::time::Duration;
    /// let client = estuary_user::Client::builder("EST…ARY")
    ///     .base_url("http://localhost:3004")
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// let keys = client.list_api_keys().await?;
    /// # Ok(()) }
    /// ```
    pub fn builder(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            token: token.into(),
            base_url: None,
            timeout: Some(DEFAULT_TIMEOUT),
            max_retries: DEFAULT_MAX_RETRIES,
        }
    }

    /// The normalised base URL (lower-case scheme, no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.connection.base_url
    }

    /// The hash of this client's own token, to recognise "the key in use" in a list.
    pub fn token_hash(&self) -> String {
        self.connection.token.hash()
    }
}
