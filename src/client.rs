//! The Rust client: a cheap-to-clone handle that owns the connection settings, made by
//! [`ClientBuilder`].

use core::fmt;
use std::rc::Rc;
use std::time::Duration;

use crate::connection::Connection;
use crate::error::Error;
use crate::limits::{check_retries, timeout_ms, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
use crate::token::Token;
use crate::url::{base_url_error, normalize_base_url};

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
    /// The node's URL, optionally with a path prefix: required (a self-hosted node listens
    /// on `http://localhost:3004`). There is no default: the hosted `api.estuary.tech` was
    /// discontinued in 2023, and a forgotten URL must not send the token to whoever holds
    /// that name now.
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

    /// Checks the settings (nothing is sent) and makes the client. Fails with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) without a base URL.
    pub fn build(self) -> Result<Client, Error> {
        let max_retries = check_retries(self.max_retries)?;
        let timeout_ms = timeout_ms(self.timeout)?;
        let token = Token::new(&self.token)?;
        let base_url = self.base_url.as_deref().ok_or_else(|| {
            base_url_error("it is required (the hosted api.estuary.tech is gone)")
        })?;
        let base_url = normalize_base_url(base_url)?;
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
    /// Starts a client for the user whose API key or session token is `token`; set the
    /// node's URL with [`ClientBuilder::base_url`] (required).
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
