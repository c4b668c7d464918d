//! `GET`, `POST` and `DELETE /user/api-keys`.

use wasm_bindgen::JsValue;

use crate::client::Client;
use crate::decode;
use crate::error::Error;
use crate::http::{CallOptions, Method};
use crate::models::{ApiKey, CreateApiKeyParams};
use crate::url::{path_segment, query_string};

impl Client {
    /// Every non-revoked key of the user: session tokens, expired and legacy keys included,
    /// in no guaranteed order.
    pub async fn list_api_keys(&self, options: &CallOptions) -> Result<Vec<ApiKey>, Error> {
        decode::api_keys(&self.list_api_keys_json(options).await?)
    }

    /// Creates a key; the answer is the only time its plaintext `token` is ever shown.
    ///
    /// POST is not idempotent (two sends make two keys), so a failure after sending says
    /// that a key may have been created: list the keys before trying again.
    pub async fn create_api_key(
        &self,
        params: &CreateApiKeyParams,
        options: &CallOptions,
    ) -> Result<ApiKey, Error> {
        decode::api_key(&self.create_api_key_json(params, options).await?)
    }

    /// Revokes a key by its plaintext token or its `tokenHash` (prefer the hash: it keeps
    /// the secret out of URLs and logs). The node answers 200 whether or not a key matched.
    pub async fn revoke_api_key(
        &self,
        key_or_hash: &str,
        options: &CallOptions,
    ) -> Result<(), Error> {
        let segment = path_segment("the key or hash to revoke", key_or_hash)?;
        self.connection
            .send(
                Method::Delete,
                &format!("/user/api-keys/{segment}"),
                options,
            )
            .await?
            .empty()
            .await
    }

    /// [`Client::list_api_keys`] as the JSON value the platform parsed, not yet checked.
    pub(crate) async fn list_api_keys_json(&self, options: &CallOptions) -> Result<JsValue, Error> {
        self.connection
            .send(Method::Get, "/user/api-keys", options)
            .await?
            .json()
            .await
    }

    pub(crate) async fn create_api_key_json(
        &self,
        params: &CreateApiKeyParams,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        // Refused before sending, so it is not a "may have been created" failure.
        if options.signal.as_ref().is_some_and(|s| s.aborted()) {
            return Err(crate::cancel::aborted_error());
        }
        // Parameters are query parameters only; the node ignores any body (BEHAVIOUR.md).
        let path = format!("/user/api-keys{}", query_string(params.query_pairs()));
        let answer = self.connection.send(Method::Post, &path, options).await;
        let answer = answer.map_err(maybe_created)?;
        answer.json().await.map_err(maybe_created)
    }
}

/// When a create fails without a clear answer, the node may still have made the key.
fn maybe_created(error: Error) -> Error {
    error.with_note("The node may have created the key anyway: list the keys before trying again.")
}
