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
use crate::call_core::Endpoint;
use crate::client::Client;
use crate::error::Error;
use crate::expiry::Expiry;
use crate::models::{ApiKey, CreateApiKeyParams, Perms};

/// A client for the user API of one Estuary node, as one user.
#[wasm_bindgen]
pub struct EstuaryUser {
    client: Client,
}

#[wasm_bindgen]
impl EstuaryUser {
    /// Checks the options (throws `invalid_input`); sends nothing.
    #[wasm_bindgen(constructor, skip_jsdoc)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EstuaryUserOptions")] options: JsValue,
    ) -> Result<EstuaryUser, JsValue> {
        client_options(&options)
            .map(|client| EstuaryUser { client })
            .map_err(|e| to_js(&e))
    }

    /// The node's URL, normalised (no trailing slash).
    // Strings go back as JS strings made from a `&str`: returning a Rust `String` would
    // link its shrink-to-fit conversion to a boxed slice (and that one's panic message).
    #[wasm_bindgen(getter, js_name = baseUrl, skip_jsdoc, unchecked_return_type = "string")]
    pub fn base_url(&self) -> JsValue {
        JsValue::from_str(self.client.base_url())
    }

    /// Every non-revoked key of the user, session tokens included (`GET /user/api-keys`).
    #[wasm_bindgen(js_name = listApiKeys, skip_jsdoc, unchecked_return_type = "Promise<ApiKey[]>")]
    pub fn list_api_keys(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(Ok(Endpoint::ListApiKeys), options)
    }

    /// Creates a key (`POST /user/api-keys`); its `token` is shown only here. Never retried.
    #[wasm_bindgen(js_name = createApiKey, skip_jsdoc, unchecked_return_type = "Promise<ApiKey>")]
    pub fn create_api_key(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateApiKeyParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(create_params(&params).map(Endpoint::CreateApiKey), options)
    }

    /// Revokes a key by token, `tokenHash` or `ApiKey` (`DELETE /user/api-keys/{key}`).
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

    /// The user's contents and deals (`GET /user/export`); not paginated.
    #[wasm_bindgen(js_name = exportData, skip_jsdoc, unchecked_return_type = "Promise<UserExport>")]
    pub fn export_data(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        self.run(Ok(Endpoint::ExportData), options)
    }

    /// Bytes stored and pin count (`GET /user/stats`).
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

/// The node's `tokenHash` of a token (SHA-256, base64url, no padding).
#[wasm_bindgen(js_name = tokenHash, skip_jsdoc, unchecked_return_type = "string")]
pub fn token_hash(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
) -> Result<JsValue, JsValue> {
    token
        .as_string()
        .map(|t| JsValue::from_str(&crate::token::token_hash(&t)))
        .ok_or_else(|| to_js(&Error::invalid("tokenHash expects a string")))
}

/// `null` for a valid `createApiKey` expiry, else the message `createApiKey` would reject
/// with: for form validation without a call.
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
