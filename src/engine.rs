//! The one path of every call, for the Rust API and the JS facade alike: the request
//! (`request.rs`), then each try (`try_once.rs`: send → status → body → error envelope) under
//! one timeout and one signal (`cancel.rs`), retried as a whole (`retry.rs`).
//!
//! [`Client::call`] hands back the answer as the platform parsed it and checked in place
//! (`decode::check_*`): the facade returns it as it is, so a 10,000-key list or a 5 MB export
//! is never copied into wasm; the Rust API decodes it into its models with serde.

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::cancel::CallSignal;
use crate::client::Client;
use crate::connection::has_fetch;
use crate::decode;
use crate::error::Error;
use crate::request::{Endpoint, Method, Prepared};
use crate::retry::{backoff_ms, retryable};
use crate::text::cat;

/// What one call asks of the core, beyond its endpoint.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// Cancels the call when it fires (error kind `aborted`).
    pub(crate) signal: Option<AbortSignal>,
    /// Overrides the client's timeout for this call, in ms; `Some(0)` means none. The
    /// timeout covers the whole call, retries and their waits included.
    pub(crate) timeout_ms: Option<u32>,
    /// Overrides the client's retry count for this call (GET and DELETE only).
    pub(crate) max_retries: Option<u32>,
}

impl Client {
    /// Sends `endpoint` and returns its checked answer (`undefined` for a revoke).
    ///
    /// GET and DELETE are idempotent and are retried on network errors (a body cut off
    /// mid-read included), 429, 502, 503 and 504; POST never is (a create sent twice makes
    /// two keys, docs/estuary-node.md "POST /user/api-keys").
    ///
    /// A token given as a string to revoke may be a legacy row's, which has no hash for the
    /// node to match (docs/estuary-node.md "GET /user/api-keys"): one list call finds out
    /// first, under the same timeout and signal, and only such a row's token is sent in the
    /// path; any other goes as its hash.
    pub(crate) async fn call(
        &self,
        endpoint: Endpoint,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        let connection = &*self.connection;
        let mut request = self.prepare(endpoint)?;
        if !has_fetch() {
            return Err(Error::invalid(
                "this JavaScript environment has no fetch function; nothing was sent",
            ));
        }
        let timeout = options.timeout_ms.unwrap_or(connection.timeout_ms);
        // Fails with `aborted` when the caller's signal has already fired: nothing is sent.
        let mut cancel = CallSignal::new(options.signal.as_ref(), timeout)?;
        if let Some(token) = request.look_up_first.take() {
            let keys = self.send(&self.lookup()?, options, &mut cancel).await?;
            if decode::lists_token(&keys, &token.0) {
                request = self.revoke(token, true)?;
            }
        }
        let answer = self.send(&request, options, &mut cancel).await?;
        cancel.settle();
        Ok(answer)
    }

    /// One request of a call, its retries included: the checked answer (`undefined` for a
    /// revoke).
    async fn send(
        &self,
        request: &Prepared,
        options: &CallOptions,
        cancel: &mut CallSignal,
    ) -> Result<JsValue, Error> {
        let connection = &*self.connection;
        let retries = match request.method {
            Method::Get | Method::Delete => options.max_retries.unwrap_or(connection.max_retries),
            Method::Post => 0,
        };
        let url = cat!(connection.base_url, request.path);
        let mut attempt = 0;
        let (status, json) = loop {
            let failure = match connection.try_once(request, &url, cancel).await {
                Ok(answer) => break answer,
                Err(failure) => failure,
            };
            // A key that revoked itself on a try whose answer was lost no longer
            // authenticates the retry: the revoke is done.
            if attempt > 0 && request.revokes_own_key && failure.error.is_unknown_token() {
                break (200, JsValue::UNDEFINED);
            }
            if attempt >= retries || !retryable(&failure.error) {
                return Err(request.after_sending(failure.error));
            }
            let wait = backoff_ms(attempt, js_sys::Math::random(), failure.retry_after);
            cancel.sleep(wait, failure.error).await?;
            attempt += 1;
        };
        match request.check {
            // The checks describe the body; the status is the answer's (a 200 or a 201).
            Some(check) => check(&json).map(|()| json).map_err(|e| e.at_status(status)),
            None => Ok(JsValue::UNDEFINED),
        }
        .map_err(|error| request.after_sending(error))
    }
}
