//! `GET`, `POST` and `DELETE /user/api-keys`.

use wasm_bindgen::JsValue;

use crate::call::{Call, CallFuture, Endpoint, KeyRef, Output};
use crate::client::Client;
use crate::decode::{self, ReadEnvelope, Serde};
use crate::error::Error;
use crate::http::{CallOptions, Method};
use crate::models::{ApiKey, CreateApiKeyParams};
use crate::text::cat;
use crate::url::{path_segment, query_string};
use crate::user::Get;

impl Client {
    /// Every non-revoked key of the user: session tokens, expired and legacy keys included,
    /// in no guaranteed order.
    pub fn list_api_keys(&self) -> Call<'_, Vec<ApiKey>> {
        Call::new(self, Endpoint::ListApiKeys)
    }

    /// Creates a key (set `.expiry()`, `.perms()`, `.label()` on the call); the answer is the
    /// only time its plaintext `token` is ever shown.
    ///
    /// POST is not idempotent (two sends make two keys), so it is never retried, and a
    /// failure after sending says that a key may have been created: list the keys before
    /// trying again.
    pub fn create_api_key(&self) -> Call<'_, ApiKey> {
        Call::new(self, Endpoint::CreateApiKey(CreateApiKeyParams::default()))
    }

    /// Revokes a key by its plaintext token, its `tokenHash` or an [`ApiKey`]. The node
    /// answers 200 whether or not a key matched.
    ///
    /// The client's own token is sent as its hash, which the node matches too
    /// (docs/estuary-node.md "DELETE /user/api-keys/{key_or_hash}"): only a legacy row's token, which has no hash,
    /// ever travels in the path.
    pub fn revoke_api_key<'a>(&'a self, key: impl Into<KeyRef<'a>>) -> Call<'a, ()> {
        Call::new(self, Endpoint::RevokeApiKey(key.into()))
    }

    /// `POST /user/api-keys` as parsed JSON, not yet checked.
    pub(crate) async fn create_api_key_json<E: ReadEnvelope>(
        &self,
        params: &CreateApiKeyParams,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        // Refused before sending, so it is not a "may have been created" failure.
        if let Some(signal) = options.signal.as_ref().filter(|s| s.aborted()) {
            return Err(crate::cancel::aborted_error(signal));
        }
        // Parameters are query parameters only; the node ignores any body (docs/estuary-node.md "POST /user/api-keys").
        let path = cat!("/user/api-keys", query_string(params.query_pairs()));
        self.request::<E>(
            Method::Post,
            &path,
            "POST /user/api-keys",
            None,
            true,
            options,
        )
        .await
        .map_err(maybe_created)
    }

    /// `DELETE /user/api-keys/{key_or_hash}`.
    pub(crate) async fn revoke_api_key_with<E: ReadEnvelope>(
        &self,
        key: KeyRef<'_>,
        options: &CallOptions,
    ) -> Result<(), Error> {
        // The client's own token never travels in a URL: its hash revokes it as well, unless
        // it is a legacy row's, which has no hash to match (docs/estuary-node.md
        // "DELETE /user/api-keys/{key_or_hash}").
        let own_hash;
        let key_or_hash = key.segment;
        let key_or_hash = if !key.legacy_row && key_or_hash == self.connection.token.expose() {
            own_hash = self.connection.token.hash();
            own_hash.as_str()
        } else {
            key_or_hash
        };
        let segment = path_segment("the key or hash to revoke", key_or_hash)?;
        // Anything but a hash may be a token, whatever its shape (the node does not check
        // one): the segment as sent is then redacted wherever the platform or a proxy
        // repeats it.
        let secret = (!looks_like_hash(key_or_hash)).then_some(segment.as_str());
        self.request::<E>(
            Method::Delete,
            &cat!("/user/api-keys/", segment),
            // The segment may be a legacy row's token: messages never repeat it.
            "DELETE /user/api-keys/{key}",
            secret,
            false,
            options,
        )
        .await
        .map(drop)
    }
}

/// The shape of a `tokenHash`: 43 characters of base64url (SHA-256, no padding).
fn looks_like_hash(segment: &str) -> bool {
    segment.len() == 43
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// When a create fails without a clear answer, the node may still have made the key.
pub(crate) fn maybe_created(error: Error) -> Error {
    error.with_note("The node may have created the key anyway: list the keys before trying again.")
}

impl Output for Vec<ApiKey> {
    fn run<'a>(client: &'a Client, _: Endpoint<'a>, options: CallOptions) -> CallFuture<'a, Self> {
        Box::pin(async move {
            decode::api_keys(client.get_json::<Serde>(Get::ApiKeys, &options).await?)
        })
    }
}

impl Output for ApiKey {
    fn run<'a>(
        client: &'a Client,
        endpoint: Endpoint<'a>,
        options: CallOptions,
    ) -> CallFuture<'a, Self> {
        Box::pin(async move {
            let Endpoint::CreateApiKey(params) = endpoint else {
                return Err(Error::invalid("not a create call"));
            };
            let json = client
                .create_api_key_json::<Serde>(&params, &options)
                .await?;
            decode::api_key(json).map_err(maybe_created)
        })
    }
}

impl Output for () {
    fn run<'a>(
        client: &'a Client,
        endpoint: Endpoint<'a>,
        options: CallOptions,
    ) -> CallFuture<'a, Self> {
        Box::pin(async move {
            let Endpoint::RevokeApiKey(key) = endpoint else {
                return Err(Error::invalid("not a revoke call"));
            };
            client.revoke_api_key_with::<Serde>(key, &options).await
        })
    }
}
