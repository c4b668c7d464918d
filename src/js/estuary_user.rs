//! `EstuaryUser`: the exported class. Each method reads its JS arguments, clones the client
//! handle (so `free()` during a call is harmless) and returns a typed `Promise`.

use std::future::Future;
use std::pin::Pin;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{call_options, optional_object, retries_field, string_field, timeout_field};
use super::error::to_js;
use crate::call::KeyRef;
use crate::client::Client;
use crate::decode::{self, InPlace};
use crate::error::Error;
use crate::expiry::Expiry;
use crate::limits::{DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS};
use crate::models::{ApiKey, CreateApiKeyParams, Perms};
use crate::user::Get;

// Docs on exports are copied into the JS glue that every user downloads, so they are kept
// to one line; the details are in the README and the TypeScript interfaces (types.rs).

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
        // Checked in place and returned as parsed: no copy of a long list.
        self.get_checked(Get::ApiKeys, decode::check_api_keys, options)
    }

    /// Creates a key (`POST /user/api-keys`); its `token` is shown only here. Never retried.
    #[wasm_bindgen(js_name = createApiKey, skip_jsdoc, unchecked_return_type = "Promise<ApiKey>")]
    pub fn create_api_key(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateApiKeyParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let params = match create_params(&params) {
            Ok(params) => params,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let client = self.client.clone();
        run(options, |opts| {
            Box::pin(async move {
                let json = client
                    .create_api_key_json::<InPlace>(&params, &opts)
                    .await?;
                // A 2xx that does not decode still very likely made the key.
                decode::check_api_key(&json).map_err(crate::api_keys::maybe_created)?;
                Ok(json)
            })
        })
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
        let (segment, legacy_row) = match revoke_target(&key_or_hash) {
            Ok(target) => target,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let client = self.client.clone();
        run(options, |opts| {
            Box::pin(async move {
                client
                    .revoke_api_key_with::<InPlace>(
                        KeyRef {
                            segment: &segment,
                            legacy_row,
                        },
                        &opts,
                    )
                    .await?;
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// The user's contents and deals (`GET /user/export`); not paginated.
    #[wasm_bindgen(js_name = exportData, skip_jsdoc, unchecked_return_type = "Promise<UserExport>")]
    pub fn export_data(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        // Checked without copying: it can be megabytes.
        self.get_checked(Get::Export, decode::check_export, options)
    }

    /// Bytes stored and pin count (`GET /user/stats`).
    #[wasm_bindgen(js_name = getStats, skip_jsdoc, unchecked_return_type = "Promise<UserStats>")]
    pub fn get_stats(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        // Checked in place and returned as parsed: plain numbers, exact up to 2^53 like the
        // JSON the node sent (README).
        self.get_checked(Get::Stats, decode::check_stats, options)
    }
}

impl EstuaryUser {
    /// A GET whose answer is checked in place and returned as parsed: one async body for the
    /// three GETs (each distinct future would add its own state machine to the `.wasm`).
    fn get_checked(
        &self,
        get: Get,
        check: fn(&JsValue) -> Result<(), Error>,
        options: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        run(options, move |opts| {
            Box::pin(async move {
                let json = client.get_json::<InPlace>(get, &opts).await?;
                check(&json)?;
                Ok(json)
            })
        })
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

/// One call of the facade, boxed so that every method shares one promise adapter (each
/// distinct future type would otherwise add its own copy of it to the `.wasm`).
type Call = Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>;

/// Reads the call options, then runs the call; every failure rejects with an EstuaryError.
fn run(options: JsValue, call: impl FnOnce(crate::http::CallOptions) -> Call) -> Promise {
    let options = match call_options(&options) {
        Ok(options) => options,
        Err(e) => return Promise::reject(&to_js(&e)),
    };
    let future = call(options);
    future_to_promise(async move { future.await.map_err(|e| to_js(&e)) })
}

fn client_options(value: &JsValue) -> Result<Client, Error> {
    let object = optional_object(value, "EstuaryUser options")?.ok_or_else(|| {
        Error::invalid("new EstuaryUser({ token, baseUrl?, timeoutMs? }) needs an options object")
    })?;
    let token =
        string_field(&object, "token")?.ok_or_else(|| Error::invalid("token is required"))?;
    let base_url = string_field(&object, "baseUrl")?;
    // Checked here, in the facade's own terms (`timeoutMs`: 0 is none); the builder's
    // `Duration` checks would say `timeout`.
    let timeout_ms = timeout_field(&object, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS);
    let max_retries = retries_field(&object, "maxRetries")?.unwrap_or(DEFAULT_MAX_RETRIES);
    Client::with_limits(&token, base_url.as_deref(), timeout_ms, max_retries)
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

/// The segment to send, and whether it is a legacy row's token (see `KeyRef`).
fn revoke_target(value: &JsValue) -> Result<(String, bool), Error> {
    if let Some(key) = value.as_string() {
        return Ok((key, false));
    }
    let object = optional_object(value, "revokeApiKey's argument")?
        .ok_or_else(|| Error::invalid("revokeApiKey needs a key, a tokenHash or an ApiKey"))?;
    let key = ApiKey {
        token: string_field(&object, "token")?.unwrap_or_default(),
        token_hash: string_field(&object, "tokenHash")?.unwrap_or_default(),
        ..ApiKey::default()
    };
    let target = KeyRef::from(&key);
    Ok((target.segment.to_owned(), target.legacy_row))
}
