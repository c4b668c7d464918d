//! One call of the Rust API: what to send, and its per-call options, awaited directly
//! (`client.get_stats().await?`) or after setting options
//! (`client.get_stats().timeout(d).signal(&s).await?`), as reqwest's request builders are.

use core::fmt;
use core::future::{Future, IntoFuture};
use core::marker::PhantomData;
use core::pin::Pin;
use std::time::Duration;

use web_sys::AbortSignal;

use crate::client::Client;
use crate::decode::Output;
use crate::engine::CallOptions;
use crate::error::Error;
use crate::expiry::Expiry;
use crate::limits::{check_retries, timeout_ms};
use crate::models::{ApiKey, Perms};
use crate::request::{Endpoint, Secret};

/// A call not yet sent; `.await` it (it implements [`IntoFuture`]) to send it and get a
/// `Result<T, Error>`. Dropping the future before it completes aborts the request.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T> {
    client: &'a Client,
    endpoint: Endpoint,
    options: CallOptions,
    /// A per-call setting that was refused: the call fails with it, sending nothing.
    invalid: Option<Error>,
    output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Call<'_, T> {
    /// A revoke's argument may be a token: `Debug` names the endpoint only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("endpoint", &self.endpoint.what())
            .field("timeout_ms", &self.options.timeout_ms)
            .field("max_retries", &self.options.max_retries)
            .finish_non_exhaustive()
    }
}

impl<'a, T> Call<'a, T> {
    pub(crate) fn new(client: &'a Client, endpoint: Endpoint) -> Self {
        Call {
            client,
            endpoint,
            options: CallOptions::default(),
            invalid: None,
            output: PhantomData,
        }
    }

    /// Cancels the call when `signal` fires (error kind `aborted`; nothing is sent if it
    /// already has).
    pub fn signal(mut self, signal: &AbortSignal) -> Self {
        self.options.signal = Some(signal.clone());
        self
    }

    /// This call's limit, retries and their waits included, instead of the client's (at most
    /// [`MAX_TIMEOUT`](crate::MAX_TIMEOUT)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        match timeout_ms(Some(timeout)) {
            Ok(ms) => self.options.timeout_ms = Some(ms),
            Err(e) => self.invalid = Some(e),
        }
        self
    }

    /// This call has no time limit, whatever the client's.
    pub fn no_timeout(mut self) -> Self {
        self.options.timeout_ms = Some(0);
        self
    }

    /// This call's retries instead of the client's (GET and DELETE only; at most
    /// [`MAX_RETRIES`](crate::MAX_RETRIES)).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        match check_retries(max_retries) {
            Ok(n) => self.options.max_retries = Some(n),
            Err(e) => self.invalid = Some(e),
        }
        self
    }
}

impl Call<'_, ApiKey> {
    /// The lifetime of the new key (default: the node's 30 days).
    pub fn expiry(mut self, expiry: Expiry) -> Self {
        if let Endpoint::CreateApiKey(params) = &mut self.endpoint {
            params.expiry = expiry;
        }
        self
    }

    /// The permissions of the new key (default: the node's, a full key).
    pub fn perms(mut self, perms: Perms) -> Self {
        if let Endpoint::CreateApiKey(params) = &mut self.endpoint {
            params.perms = Some(perms);
        }
        self
    }

    /// Free text shown in key lists; not unique.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        if let Endpoint::CreateApiKey(params) = &mut self.endpoint {
            params.label = Some(label.into());
        }
        self
    }
}

/// The future of a [`Call`].
pub type CallFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + 'a>>;

impl<'a, T: Output + 'a> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = CallFuture<'a, T>;

    /// Sends the call through the client's one core (`Client::call`), then decodes the
    /// checked answer into `T`.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            if let Some(error) = self.invalid {
                return Err(error);
            }
            T::decode(self.client.call(self.endpoint, &self.options).await?)
        })
    }
}

/// What [`Client::revoke_api_key`] takes: a plaintext token, a `tokenHash`, or an
/// [`ApiKey`] (its hash, or its token for a legacy row without one).
#[derive(Clone, Copy)]
pub struct KeyRef<'a> {
    /// The path segment: a token or a hash.
    pub(crate) segment: &'a str,
    /// A legacy row's token (its row has no hash): it must travel as it is, even when it is
    /// the client's own, since revoking by hash cannot match a row without one.
    pub(crate) legacy_row: bool,
}

impl KeyRef<'_> {
    /// What the core revokes.
    pub(crate) fn endpoint(self) -> Endpoint {
        Endpoint::RevokeApiKey {
            segment: Secret(self.segment.to_owned()),
            legacy_row: self.legacy_row,
        }
    }
}

impl fmt::Debug for KeyRef<'_> {
    /// It may be a token: never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyRef(<redacted>)")
    }
}

impl<'a> From<&'a str> for KeyRef<'a> {
    fn from(key_or_hash: &'a str) -> Self {
        KeyRef {
            segment: key_or_hash,
            legacy_row: false,
        }
    }
}

impl<'a> From<&'a String> for KeyRef<'a> {
    fn from(key_or_hash: &'a String) -> Self {
        KeyRef::from(key_or_hash.as_str())
    }
}

impl<'a> From<&'a ApiKey> for KeyRef<'a> {
    fn from(key: &'a ApiKey) -> Self {
        KeyRef {
            segment: key.revoke_segment(),
            legacy_row: key.token_hash.is_empty(),
        }
    }
}
