//! `EstuaryUser`: the exported class. Each method converts its JS arguments to the core's
//! types, sends them through the one core (`Client::call`) and returns its answer as a typed
//! `Promise`; the client handle is cloned first, so `free()` during a call is harmless.

use std::time::Duration;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{call_options, optional_object, retries_field, string_field, timeout_field};
use super::error::to_js;
use crate::call::KeyRef;
use crate::client::Client;
use crate::error::Error;
use crate::expiry::Expiry;
use crate::models::{ApiKey, CreateApiKeyParams, Perms};
use crate::request::Endpoint;

/// A client for the user API of one Estuary node (`/user/*`), as one user: list, create and
/// revoke API keys, read usage stats, export the user's data.
///
/// Every method returns a `Promise` that rejects only with an `EstuaryError` (a real `Error`
/// with `name === "EstuaryError"` and the fields `kind`, `status`, `reason`, `details`,
/// `cause`). Many calls may run at once on one instance.
///
/// @example
/// ```ts
/// import init, { EstuaryUser } from "estuary-user";
/// await init();
/// const user = new EstuaryUser({ token: "EST…ARY", baseUrl: "http://localhost:3004" });
/// const keys = await user.listApiKeys();
/// ```
#[wasm_bindgen]
pub struct EstuaryUser {
    client: Client,
}

#[wasm_bindgen]
impl EstuaryUser {
    /// Makes a client for one node and one token. Checks the options and sends nothing.
    ///
    /// - `token`: an API key or session token (`EST…ARY`). Never logged, never in a URL.
    /// - `baseUrl` (required): the node's URL, optionally with a path prefix, such as
    ///   `http://localhost:3004`. There is no default host.
    /// - `timeoutMs`: the limit of each call, retries and their waits included (default
    ///   30000; `0` = none).
    /// - `maxRetries`: retries of GET and DELETE on network errors, 429, 502, 503 and 504
    ///   (default 2, at most 10). `createApiKey` is never retried.
    ///
    /// Throws an `EstuaryError` of kind `invalid_input` when `baseUrl` is missing or not an
    /// absolute `http(s)` URL (or carries credentials, a query or a fragment), when the token
    /// is empty or has whitespace, control or non-ASCII characters, or when `timeoutMs` or
    /// `maxRetries` is out of range. The message never repeats the token.
    ///
    /// @example
    /// ```ts
    /// const user = new EstuaryUser({
    ///   token: process.env.ESTUARY_TOKEN!,
    ///   baseUrl: "http://localhost:3004",
    ///   timeoutMs: 10_000,
    /// });
    /// ```
    #[wasm_bindgen(constructor, skip_jsdoc)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EstuaryUserOptions")] options: JsValue,
    ) -> Result<EstuaryUser, JsValue> {
        client_options(&options)
            .map(|client| EstuaryUser { client })
            .map_err(|e| to_js(&e))
    }

    /// The node's URL as the client uses it: lower-case scheme, no trailing slash, path prefix
    /// kept (`"HTTP://host:3004/estuary/"` gives `"http://host:3004/estuary"`).
    // Strings go back as JS strings made from a `&str`: returning a Rust `String` would
    // link its shrink-to-fit conversion to a boxed slice (and that one's panic message).
    #[wasm_bindgen(getter, js_name = baseUrl, skip_jsdoc, unchecked_return_type = "string")]
    pub fn base_url(&self) -> JsValue {
        JsValue::from_str(self.client.base_url())
    }

    /// Lists every non-revoked key of the user: sends `GET /user/api-keys`.
    ///
    /// Resolves with an `ApiKey[]` in no guaranteed order: session tokens (`isSession`),
    /// expired keys, legacy keys (with a plaintext `token` and `tokenHash: ""`) and the key
    /// making the call. Retried on network errors, 429, 502, 503 and 504.
    ///
    /// Rejects with an `EstuaryError` of kind `unauthorized` (401: unknown, revoked or
    /// expired token), `forbidden` (403: an upload-only key), `not_found` (404: a wrong path
    /// prefix), `rate_limited`, `server`, `http`, `network`, `timeout`, `aborted`, `decode`
    /// (a 2xx body that is not a key list) or `invalid_input` (bad options; nothing sent).
    ///
    /// @example
    /// ```ts
    /// const keys = await user.listApiKeys({ timeoutMs: 5_000 });
    /// const inUse = keys.find((k) => k.tokenHash === tokenHash(myToken));
    /// ```
    #[wasm_bindgen(js_name = listApiKeys, skip_jsdoc, unchecked_return_type = "Promise<ApiKey[]>")]
    pub fn list_api_keys(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(Ok(Endpoint::ListApiKeys), options)
    }

    /// Creates an API key: sends `POST /user/api-keys?expiry=…&perms=…&label=…` (query
    /// parameters only, each percent-encoded; no body).
    ///
    /// - `expiry`: a Go duration (`"720h"`, `"1h30m"`; no `d` unit) or `"never"`; absent, the
    ///   node's 30 days. Checked before sending (see `checkExpiry`).
    /// - `perms`: `"all"` (default) or `"upload"` (a key that can only upload).
    /// - `label`: free text shown in key lists.
    ///
    /// Resolves with the new `ApiKey`; its plaintext `token` is shown only here, never again.
    /// Never retried (a create sent twice makes two keys). When it fails without a clear
    /// answer (`network`, `timeout`, `aborted` after sending, a cut-off or undecodable body,
    /// or a proxy's 502, 503 or 504) the message says the node may have made the key anyway:
    /// list the keys before trying again.
    ///
    /// Rejects with an `EstuaryError` of kind `invalid_input` (a bad expiry, perms or
    /// option; nothing sent), `unauthorized`, `forbidden`, `rate_limited`, `server`, `http`,
    /// `network`, `timeout`, `aborted` or `decode`.
    ///
    /// @example
    /// ```ts
    /// const key = await user.createApiKey({ expiry: "24h", label: "ci" });
    /// saveSecret(key.token); // shown once
    /// ```
    #[wasm_bindgen(js_name = createApiKey, skip_jsdoc, unchecked_return_type = "Promise<ApiKey>")]
    pub fn create_api_key(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateApiKeyParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(create_params(&params).map(Endpoint::CreateApiKey), options)
    }

    /// Revokes a key: sends `DELETE /user/api-keys/{key_or_hash}`, the segment
    /// percent-encoded.
    ///
    /// Takes an `ApiKey` (its `tokenHash` is sent, or its `token` for a legacy row without
    /// one), a `tokenHash`, or a plaintext token. A token string costs one more call: the
    /// keys are listed first, and the token goes in the path only when it is a legacy row's
    /// (which has no hash to match), as its hash otherwise, so `key.tokenHash || key.token`
    /// revokes any key. Resolves with `undefined` on the node's 200, which it answers whether
    /// or not a key matched. Retried on network errors, 429, 502, 503, 504; a key revoking
    /// itself counts a retry's 401 as revoked.
    ///
    /// Rejects with an `EstuaryError` of kind `invalid_input` (an empty, `.` or `..` key, or
    /// bad options; nothing sent), `unauthorized`, `forbidden`, `not_found`, `rate_limited`,
    /// `server`, `http`, `network`, `timeout`, `aborted`, or `decode` (the lookup's key list,
    /// for a token string). Messages never repeat the key.
    ///
    /// @example
    /// ```ts
    /// for (const key of await user.listApiKeys()) {
    ///   if (key.label === "ci") await user.revokeApiKey(key);
    /// }
    /// ```
    #[wasm_bindgen(js_name = revokeApiKey, skip_jsdoc, unchecked_return_type = "Promise<void>")]
    pub fn revoke_api_key(
        &self,
        #[wasm_bindgen(
            js_name = keyOrHash,
            unchecked_param_type = "string | Pick<ApiKey, \"token\" | \"tokenHash\">"
        )]
        key_or_hash: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(revoke_target(&key_or_hash), options)
    }

    /// Exports everything the node knows about the user's contents and deals: sends
    /// `GET /user/export`.
    ///
    /// Resolves with a `UserExport` (`{ Version, Date, Version1: { Contents, Deals } }`, the
    /// node's capitalised keys; items as the node sent them; a Go `null` list becomes `[]`).
    /// Not paginated: it can be megabytes, so give it a longer `timeoutMs`. Retried on network
    /// errors (a body cut off included), 429, 502, 503 and 504.
    ///
    /// Rejects with an `EstuaryError` of kind `unauthorized`, `forbidden`, `rate_limited`,
    /// `server`, `http`, `network`, `timeout`, `aborted`, `decode` or `invalid_input`.
    ///
    /// @example
    /// ```ts
    /// const controller = new AbortController();
    /// const dump = await user.exportData({ timeoutMs: 0, signal: controller.signal });
    /// console.log(dump.Version1.Contents.length);
    /// ```
    #[wasm_bindgen(js_name = exportData, skip_jsdoc, unchecked_return_type = "Promise<UserExport>")]
    pub fn export_data(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(Ok(Endpoint::ExportData), options)
    }

    /// Reads the user's usage: sends `GET /user/stats`.
    ///
    /// Resolves with `{ totalSize, numPins }` (bytes stored, pinned contents); `null` from the
    /// node counts as 0. Numbers are exact up to 2^53. Retried on network errors, 429, 502,
    /// 503 and 504.
    ///
    /// Rejects with an `EstuaryError` of kind `unauthorized`, `forbidden`, `rate_limited`,
    /// `server`, `http`, `network`, `timeout`, `aborted`, `decode` or `invalid_input`.
    ///
    /// @example
    /// ```ts
    /// const { totalSize, numPins } = await user.getStats();
    /// ```
    #[wasm_bindgen(js_name = getStats, skip_jsdoc, unchecked_return_type = "Promise<UserStats>")]
    pub fn get_stats(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(Ok(Endpoint::GetStats), options)
    }
}

impl EstuaryUser {
    /// Converts the call options, then sends `endpoint` through the core; every failure
    /// rejects with an `EstuaryError`. One function for every method, so the `.wasm` has one
    /// promise adapter.
    fn run(&self, endpoint: Result<Endpoint, Error>, options: JsValue) -> Promise {
        let call = endpoint.and_then(|endpoint| Ok((endpoint, call_options(&options)?)));
        let (endpoint, options) = match call {
            Ok(call) => call,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let client = self.client.clone();
        future_to_promise(
            async move { client.call(endpoint, &options).await.map_err(|e| to_js(&e)) },
        )
    }
}

/// The node's `tokenHash` of a token: SHA-256 of its UTF-8 bytes, base64url without
/// padding. Use it to find "the key in use" in `listApiKeys()`, or to revoke by hash. Sends
/// nothing. Throws an `EstuaryError` of kind `invalid_input` for a non-string.
///
/// @example
/// ```ts
/// const mine = keys.find((k) => k.tokenHash === tokenHash(token));
/// ```
#[wasm_bindgen(js_name = tokenHash, skip_jsdoc, unchecked_return_type = "string")]
pub fn token_hash(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
) -> Result<JsValue, JsValue> {
    token
        .as_string()
        .map(|t| JsValue::from_str(&crate::token::token_hash(&t)))
        .ok_or_else(|| to_js(&Error::invalid("tokenHash expects a string")))
}

/// Checks an expiry as `createApiKey` would: `null` when it is valid, else the message
/// `createApiKey` would reject with. For validating a form as the user types; sends nothing.
/// Zero and negative durations are valid (the key is born expired).
///
/// @example
/// ```ts
/// checkExpiry("720h"); // null
/// checkExpiry("30d");  // 'invalid expiry "30d": Go durations have no "d" unit; 30 days is 720h'
/// ```
#[wasm_bindgen(js_name = checkExpiry, skip_jsdoc, unchecked_return_type = "string | null")]
pub fn check_expiry(#[wasm_bindgen(unchecked_param_type = "string")] expiry: JsValue) -> JsValue {
    let problem = match expiry.as_string() {
        Some(expiry) => Expiry::parse(&expiry).err().map(|e| e.message()),
        None => Some("expiry must be a string".into()),
    };
    problem.map_or(JsValue::NULL, JsValue::from)
}

/// `{ token, baseUrl, timeoutMs?, maxRetries? }`, through the Rust builder: the same checks
/// and messages as a Rust client's.
fn client_options(value: &JsValue) -> Result<Client, Error> {
    let object = optional_object(value, "EstuaryUser options")?.ok_or_else(|| {
        Error::invalid(
            "new EstuaryUser({ token, baseUrl }) needs an options object, such as \
             { token: \"EST…ARY\", baseUrl: \"http://localhost:3004\" }",
        )
    })?;
    let token =
        string_field(&object, "token")?.ok_or_else(|| Error::invalid("token is required"))?;
    let mut builder = Client::builder(token);
    if let Some(base_url) = string_field(&object, "baseUrl")? {
        builder = builder.base_url(base_url);
    }
    builder = match timeout_field(&object)? {
        None => builder,
        Some(0) => builder.no_timeout(),
        Some(ms) => builder.timeout(Duration::from_millis(ms.into())),
    };
    if let Some(retries) = retries_field(&object)? {
        builder = builder.max_retries(retries);
    }
    builder.build()
}

fn create_params(value: &JsValue) -> Result<CreateApiKeyParams, Error> {
    let Some(object) = optional_object(value, "createApiKey params")? else {
        return Ok(CreateApiKeyParams::default());
    };
    Ok(CreateApiKeyParams {
        expiry: match string_field(&object, "expiry")? {
            Some(expiry) => Expiry::parse(&expiry)?,
            None => Expiry::default(),
        },
        perms: string_field(&object, "perms")?
            .map(|p| Perms::parse(&p))
            .transpose()?,
        label: string_field(&object, "label")?,
    })
}

/// A revoke of a plaintext token, a `tokenHash`, or an `ApiKey` (see `KeyRef`).
fn revoke_target(value: &JsValue) -> Result<Endpoint, Error> {
    if let Some(key) = value.as_string() {
        return Ok(KeyRef::from(&key).endpoint());
    }
    let object = optional_object(value, "revokeApiKey's argument")?
        .ok_or_else(|| Error::invalid("revokeApiKey needs a key, a tokenHash or an ApiKey"))?;
    let key = ApiKey {
        token: string_field(&object, "token")?.unwrap_or_default(),
        token_hash: string_field(&object, "tokenHash")?.unwrap_or_default(),
        ..ApiKey::default()
    };
    Ok(KeyRef::from(&key).endpoint())
}
