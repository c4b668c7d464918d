//! `EstuaryUser`: the exported class. Each method reads its JS arguments, clones the client
//! handle (so `free()` during a call is harmless) and returns a typed `Promise`.

use std::future::Future;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{call_options, optional_object, retries_field, string_field, timeout_field};
use super::error::to_js;
use crate::client::{Client, ClientOptions};
use crate::error::Error;
use crate::expiry::Expiry;
use crate::models::{ApiKey, CreateApiKeyParams, Perms, UserStats};

/// A client for the user API of one Estuary node, as one user (see the README).
#[wasm_bindgen]
pub struct EstuaryUser {
    client: Client,
}

#[wasm_bindgen]
impl EstuaryUser {
    /// Checks the options and makes a client; nothing is sent. Throws an `EstuaryError`
    /// (`invalid_input`) for an empty or malformed token or a `baseUrl` that is not an
    /// absolute http(s) URL.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EstuaryUserOptions")] options: JsValue,
    ) -> Result<EstuaryUser, JsValue> {
        client_options(&options)
            .and_then(Client::new)
            .map(|client| EstuaryUser { client })
            .map_err(|e| to_js(&e))
    }

    /// The node's URL, normalised (no trailing slash).
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    /// Lists every non-revoked key of the user (`GET /user/api-keys`): session tokens,
    /// expired and legacy keys included, in no guaranteed order.
    #[wasm_bindgen(js_name = listApiKeys, unchecked_return_type = "Promise<ApiKey[]>")]
    pub fn list_api_keys(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        run(options, |opts| async move {
            let keys: Vec<ApiKey> = client.list_api_keys(&opts).await?;
            to_value(&keys)
        })
    }

    /// Creates an API key (`POST /user/api-keys?expiry=&perms=&label=`). The answer is the
    /// only time the new key's `token` is ever shown. Never retried: if it fails without a
    /// clear answer, the key may exist anyway (the message says so); list keys first.
    #[wasm_bindgen(js_name = createApiKey, unchecked_return_type = "Promise<ApiKey>")]
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
        run(options, |opts| async move {
            let key = client.create_api_key(&params, &opts).await?;
            to_value(&key)
        })
    }

    /// Revokes a key (`DELETE /user/api-keys/{key_or_hash}`), given its token, its
    /// `tokenHash`, or an `ApiKey` (its `tokenHash` is sent, or its `token` when the hash is
    /// empty). Resolves when the node answers 200 (it does whether or not a key matched).
    #[wasm_bindgen(js_name = revokeApiKey, unchecked_return_type = "Promise<void>")]
    pub fn revoke_api_key(
        &self,
        #[wasm_bindgen(js_name = keyOrHash, unchecked_param_type = "string | ApiKey")]
        key_or_hash: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let segment = match revoke_target(&key_or_hash) {
            Ok(segment) => segment,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let client = self.client.clone();
        run(options, |opts| async move {
            client.revoke_api_key(&segment, &opts).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The user's data (`GET /user/export`): `{ Version, Date, Version1: { Contents, Deals } }`.
    /// Not paginated; can be large.
    #[wasm_bindgen(js_name = exportData, unchecked_return_type = "Promise<UserExport>")]
    pub fn export_data(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        run(options, |opts| async move {
            let json = client.export_data_json(&opts).await?;
            checked_export(json)
        })
    }

    /// Total bytes stored and number of pins (`GET /user/stats`); `null` counts as 0.
    #[wasm_bindgen(js_name = getStats, unchecked_return_type = "Promise<UserStats>")]
    pub fn get_stats(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: JsValue,
    ) -> Promise {
        let client = self.client.clone();
        run(options, |opts| async move {
            let stats: UserStats = client.get_stats(&opts).await?;
            let object = Object::new();
            // Plain numbers: exact up to 2^53, like the JSON the node sent (README).
            set(&object, "totalSize", &(stats.total_size as f64).into());
            set(&object, "numPins", &(stats.num_pins as f64).into());
            Ok(object.into())
        })
    }
}

/// SHA-256 of the token, base64url without padding: the `tokenHash` the node lists.
#[wasm_bindgen(js_name = tokenHash)]
pub fn token_hash(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
) -> Result<String, JsValue> {
    token
        .as_string()
        .map(|t| crate::token::token_hash(&t))
        .ok_or_else(|| to_js(&Error::invalid("tokenHash expects a string")))
}

/// Reads the call options, then runs the call; every failure rejects with an EstuaryError.
fn run<F, Fut>(options: JsValue, call: F) -> Promise
where
    F: FnOnce(crate::http::CallOptions) -> Fut,
    Fut: Future<Output = Result<JsValue, Error>> + 'static,
{
    let options = match call_options(&options) {
        Ok(options) => options,
        Err(e) => return Promise::reject(&to_js(&e)),
    };
    let future = call(options);
    future_to_promise(async move { future.await.map_err(|e| to_js(&e)) })
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::Decode {
            status: 200,
            message: e.to_string(),
        })
}

fn client_options(value: &JsValue) -> Result<ClientOptions, Error> {
    let object = optional_object(value, "EstuaryUser options")?.ok_or_else(|| {
        Error::invalid("new EstuaryUser({ token, baseUrl?, timeoutMs? }) needs an options object")
    })?;
    Ok(ClientOptions {
        token: string_field(&object, "token")?
            .ok_or_else(|| Error::invalid("token is required"))?,
        base_url: string_field(&object, "baseUrl")?,
        timeout_ms: timeout_field(&object, "timeoutMs")?,
        max_retries: retries_field(&object, "maxRetries")?,
    })
}

fn create_params(value: &JsValue) -> Result<CreateApiKeyParams, Error> {
    let Some(object) = optional_object(value, "createApiKey params")? else {
        return Ok(CreateApiKeyParams::default());
    };
    Ok(CreateApiKeyParams {
        expiry: match string_field(&object, "expiry")? {
            Some(expiry) => Expiry::parse(&expiry)?,
            None => Expiry::Default,
        },
        perms: string_field(&object, "perms")?
            .map(|p| Perms::parse(&p))
            .transpose()?,
        label: string_field(&object, "label")?,
    })
}

fn revoke_target(value: &JsValue) -> Result<String, Error> {
    if let Some(key) = value.as_string() {
        return Ok(key);
    }
    let object = optional_object(value, "revokeApiKey's argument")?
        .ok_or_else(|| Error::invalid("revokeApiKey needs a key, a tokenHash or an ApiKey"))?;
    let key = ApiKey {
        token: string_field(&object, "token")?.unwrap_or_default(),
        token_hash: string_field(&object, "tokenHash")?.unwrap_or_default(),
        ..ApiKey::default()
    };
    Ok(key.revoke_segment().to_owned())
}

/// Checks the export's shape without copying it (it can be megabytes): the wrapper keys
/// must be there; Go's `null` for an empty list becomes `[]`.
fn checked_export(json: JsValue) -> Result<JsValue, Error> {
    let bad = |what: &str| Error::Decode {
        status: 200,
        message: format!("the export has no {what}"),
    };
    let get = |object: &JsValue, key: &str| Reflect::get(object, &key.into()).unwrap_or_default();
    if !json.is_object() || js_sys::Array::is_array(&json) {
        return Err(bad("object at its top"));
    }
    if !get(&json, "Version").is_string() {
        return Err(bad("Version string"));
    }
    if !get(&json, "Date").is_string() {
        return Err(bad("Date string"));
    }
    let v1 = get(&json, "Version1");
    if !v1.is_object() {
        return Err(bad("Version1 object"));
    }
    for list in ["Contents", "Deals"] {
        let items = get(&v1, list);
        if items.is_null() || items.is_undefined() {
            let _ = Reflect::set(&v1, &list.into(), &js_sys::Array::new());
        } else if !js_sys::Array::is_array(&items) {
            return Err(bad(&format!("{list} array")));
        }
    }
    Ok(json)
}
