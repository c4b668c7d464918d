//! The one path of every call, for the Rust API and the JS facade alike: what an endpoint
//! sends, then each try (send → status → body → error envelope) under one timeout and one
//! signal, retried as a whole.
//!
//! [`Client::call`] hands back the answer as the platform parsed it and checked in place
//! (`decode::check_*`): the facade returns it as it is, so a 10,000-key list or a 5 MB export
//! is never copied into wasm; the Rust API decodes it into its models with serde.

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::cancel::CallSignal;
use crate::client::Client;
use crate::decode;
use crate::error::{Error, MAYBE_CREATED};
use crate::http::{has_fetch, Method};
use crate::models::CreateApiKeyParams;
use crate::retry::{backoff_ms, is_gateway, retryable};
use crate::text::cat;
use crate::token::{is_token, token_hash};
use crate::url::{path_segment, query_string};

/// What a call asks for.
#[derive(Clone, Debug)]
pub(crate) enum Endpoint {
    ListApiKeys,
    CreateApiKey(CreateApiKeyParams),
    /// A plaintext token or a `tokenHash`; `legacy_row`: see [`crate::KeyRef`].
    RevokeApiKey {
        segment: Secret,
        legacy_row: bool,
    },
    GetStats,
    ExportData,
}

/// A string that may be a token: its `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("<redacted>")
    }
}

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

/// A check of a 2xx answer's parsed body (`decode::check_*`).
type Check = fn(&JsValue) -> Result<(), Error>;

/// An endpoint made into a request, before anything is sent.
pub(crate) struct Prepared {
    pub(crate) method: Method,
    /// The path and query, every value encoded, starting with `/`.
    pub(crate) path: String,
    /// How messages name the call (`"GET /user/stats"`): never the path, whose segment may
    /// be a token.
    pub(crate) what: &'static str,
    /// A path segment that may be a token (a revoke's, unless it is a hash): the platform
    /// may quote the URL in its errors (Deno in the message, Bun in `path`) and a proxy may
    /// echo it in an error body, so this text is redacted wherever it appears.
    pub(crate) secret: Option<String>,
    /// How the 2xx body is checked; `None`: it is read and discarded (a revoke's empty 200,
    /// docs/estuary-node.md "DELETE /user/api-keys/{key_or_hash}").
    check: Option<Check>,
    /// A revoke of the client's own key: once a try may have revoked it, a retry's
    /// `ERR_INVALID_TOKEN` means it is gone.
    revokes_own_key: bool,
}

/// The path of the key list, and of a create; a revoke's starts with it.
const KEYS: &str = "/user/api-keys";

/// How messages name the list call that finds whether a token given as a string is a legacy
/// row's.
const LOOKUP: &str = "GET /user/api-keys (looking up the key to revoke)";

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
        let mut lookup = match &endpoint {
            Endpoint::RevokeApiKey {
                segment,
                legacy_row: false,
            } if self.is_token(&segment.0) => Some(segment.clone()),
            _ => None,
        };
        let mut request = self.prepare(endpoint)?;
        if !has_fetch() {
            return Err(Error::invalid(
                "this JavaScript environment has no fetch function; nothing was sent",
            ));
        }
        let timeout = options.timeout_ms.unwrap_or(connection.timeout_ms);
        // Fails with `aborted` when the caller's signal has already fired: nothing is sent.
        let mut cancel = CallSignal::new(options.signal.as_ref(), timeout)?;
        let list = Prepared {
            method: Method::Get,
            path: KEYS.into(),
            what: LOOKUP,
            secret: None,
            check: Some(decode::check_api_keys),
            revokes_own_key: false,
        };
        // One place that sends, so that the one request engine is built once.
        loop {
            let next = if lookup.is_some() { &list } else { &request };
            let answer = self.send(next, options, &mut cancel).await?;
            let Some(token) = lookup.take() else {
                cancel.settle();
                return Ok(answer);
            };
            if decode::lists_token(&answer, &token.0) {
                request = self.revoke(token, true)?;
            }
        }
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

    /// Whether a key given as a string to revoke is a token: the client's own, or anything
    /// shaped like one.
    fn is_token(&self, segment: &str) -> bool {
        segment == self.connection.token.expose() || is_token(segment)
    }

    fn prepare(&self, endpoint: Endpoint) -> Result<Prepared, Error> {
        let what = endpoint.what();
        let (method, path, check): (_, _, Check) = match endpoint {
            Endpoint::ListApiKeys => (Method::Get, KEYS.into(), decode::check_api_keys),
            Endpoint::GetStats => (Method::Get, "/user/stats".into(), decode::check_stats),
            Endpoint::ExportData => (Method::Get, "/user/export".into(), decode::check_export),
            // Parameters are query parameters only; the node ignores any body
            // (docs/estuary-node.md "POST /user/api-keys").
            Endpoint::CreateApiKey(params) => (
                Method::Post,
                cat!(KEYS, query_string(params.query_pairs())),
                decode::check_api_key,
            ),
            Endpoint::RevokeApiKey {
                segment,
                legacy_row,
            } => return self.revoke(segment, legacy_row),
        };
        Ok(Prepared {
            method,
            path,
            what,
            secret: None,
            check: Some(check),
            revokes_own_key: false,
        })
    }

    /// The `DELETE` of a key given as a token or hash (`legacy_row`: see [`crate::KeyRef`]).
    fn revoke(&self, segment: Secret, legacy_row: bool) -> Result<Prepared, Error> {
        // No token travels in a URL but a legacy row's: the node matches a key's hash as
        // well as its token (docs/estuary-node.md "DELETE /user/api-keys/{key_or_hash}"), so
        // the client's own token and anything shaped like a token go as their hash. A legacy
        // row has no hash to match: its token must go as it is.
        let key_or_hash = if !legacy_row && self.is_token(&segment.0) {
            token_hash(&segment.0)
        } else {
            segment.0
        };
        let own = &self.connection.token;
        let revokes_own_key = key_or_hash == own.expose() || key_or_hash == own.hash();
        let encoded = path_segment("the key or hash to revoke", &key_or_hash)?;
        // Anything but a hash may be a token, whatever its shape (the node does not check
        // one).
        let secret = (!looks_like_hash(&key_or_hash)).then(|| encoded.clone());
        Ok(Prepared {
            method: Method::Delete,
            path: cat!(KEYS, "/", encoded),
            what: Endpoint::REVOKE,
            secret,
            check: None,
            revokes_own_key,
        })
    }
}

impl Endpoint {
    const REVOKE: &'static str = "DELETE /user/api-keys/{key}";

    /// How messages and `Debug` name the call: never with its path, whose segment may be a
    /// token.
    pub(crate) fn what(&self) -> &'static str {
        match self {
            Endpoint::ListApiKeys => "GET /user/api-keys",
            Endpoint::CreateApiKey(_) => "POST /user/api-keys",
            Endpoint::RevokeApiKey { .. } => Endpoint::REVOKE,
            Endpoint::GetStats => "GET /user/stats",
            Endpoint::ExportData => "GET /user/export",
        }
    }
}

impl Prepared {
    /// Whether the 2xx body is read only to its end (a revoke's).
    pub(crate) fn discards_body(&self) -> bool {
        self.check.is_none()
    }

    /// A failure after the request may have reached the node. A create that got no clear
    /// answer (no answer, a cut-off or undecodable one, or a gateway's 502/503/504, which says
    /// nothing of what the node did) may still have made the key.
    fn after_sending(&self, error: Error) -> Error {
        let unclear = match &error {
            Error::Status { status, .. } => is_gateway(*status),
            Error::InvalidInput { .. } => false,
            _ => true,
        };
        if self.method == Method::Post && unclear {
            error.with_note(MAYBE_CREATED)
        } else {
            error
        }
    }
}

/// The shape of a `tokenHash`: 43 characters of base64url (SHA-256, no padding).
fn looks_like_hash(segment: &str) -> bool {
    segment.len() == 43
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
