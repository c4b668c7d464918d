//! `GET`, `POST` and `DELETE /user/api-keys`.

use crate::call::{Call, KeyRef};
use crate::call_core::Endpoint;
use crate::client::Client;
use crate::models::{ApiKey, CreateApiKeyParams};

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
    /// failure after sending (no answer, a cut-off or undecodable one, or a gateway's 502,
    /// 503 or 504) says that a key may have been created: list the keys before trying again.
    pub fn create_api_key(&self) -> Call<'_, ApiKey> {
        Call::new(self, Endpoint::CreateApiKey(CreateApiKeyParams::default()))
    }

    /// Revokes a key by its plaintext token, its `tokenHash` or an [`ApiKey`]. The node
    /// answers 200 whether or not a key matched.
    ///
    /// The client's own token is sent as its hash, which the node matches too
    /// (docs/estuary-node.md "DELETE /user/api-keys/{key_or_hash}"): only a legacy row's
    /// token, which has no hash, ever travels in the path.
    pub fn revoke_api_key<'a>(&'a self, key: impl Into<KeyRef<'a>>) -> Call<'a, ()> {
        Call::new(self, key.into().endpoint())
    }
}
