//! `GET`, `POST` and `DELETE /user/api-keys`.

use crate::call::{Call, KeyRef};
use crate::client::Client;
use crate::models::{ApiKey, CreateApiKeyParams};
use crate::request::Endpoint;

impl Client {
    /// Lists every non-revoked key of the user: sends `GET /user/api-keys`.
    ///
    /// Resolves with the keys in no guaranteed order: session tokens (`is_session`), expired
    /// keys, legacy keys (a plaintext `token`, an empty `token_hash`) and the key making the
    /// call; fields old nodes omit are `""`/`false`. Retried on network errors, 429, 502, 503
    /// and 504.
    ///
    /// # Errors
    ///
    /// An [`Error`](crate::Error) of kind `Unauthorized` (401: unknown, revoked or expired
    /// token), `Forbidden` (403: an upload-only key), `NotFound` (a wrong path prefix),
    /// `RateLimited`, `Server`, `Http`, `Network`, `Timeout`, `Aborted`, `Decode` (a 2xx body
    /// that is not a key list) or `InvalidInput` (a refused per-call setting; nothing sent).
    ///
    /// ```no_run
    /// # async fn run(client: estuary_user::Client) -> Result<(), estuary_user::Error> {
    /// let mine = client.token_hash();
    /// for key in client.list_api_keys().await? {
    ///     println!("{} {}", key.label, if key.token_hash == mine { "(in use)" } else { "" });
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_api_keys(&self) -> Call<'_, Vec<ApiKey>> {
        Call::new(self, Endpoint::ListApiKeys)
    }

    /// Creates a key: sends `POST /user/api-keys?expiry=…&perms=…&label=…` (query parameters
    /// only, percent-encoded; no body). Set `.expiry()`, `.perms()` and `.label()` on the
    /// call.
    ///
    /// Resolves with the new key; its plaintext `token` is shown only here, never again.
    /// POST is not idempotent (two sends make two keys), so it is never retried.
    ///
    /// # Errors
    ///
    /// Kind `Unauthorized`, `Forbidden`, `RateLimited`, `Server`, `Http`, `Network`,
    /// `Timeout`, `Aborted`, `Decode` or `InvalidInput`. A failure after sending without a
    /// clear answer (no answer, a cut-off or undecodable one, or a gateway's 502, 503 or 504)
    /// says that a key may have been created: list the keys before trying again.
    ///
    /// ```no_run
    /// # async fn run(client: estuary_user::Client) -> Result<(), estuary_user::Error> {
    /// use estuary_user::{Expiry, Perms};
    /// let key = client
    ///     .create_api_key()
    ///     .expiry("24h".parse::<Expiry>()?)
    ///     .perms(Perms::Upload)
    ///     .label("ci")
    ///     .await?;
    /// println!("store this once: {}", key.token);
    /// # Ok(()) }
    /// ```
    pub fn create_api_key(&self) -> Call<'_, ApiKey> {
        Call::new(self, Endpoint::CreateApiKey(CreateApiKeyParams::default()))
    }

    /// Revokes a key by its plaintext token, its `tokenHash` or an [`ApiKey`]: sends
    /// `DELETE /user/api-keys/{key_or_hash}`, the segment percent-encoded. Resolves on the
    /// node's 200, which it answers whether or not a key matched. Retried on network errors,
    /// 429, 502, 503 and 504.
    ///
    /// A token given as a `&str` (the client's own, or anything shaped like one) costs one
    /// more call: `GET /user/api-keys` first, under the same timeout and signal; the token
    /// travels in the path only when the list shows it (a legacy row, which has no hash to
    /// match), and as its hash otherwise (docs/estuary-node.md "DELETE
    /// /user/api-keys/{key_or_hash}"). An [`ApiKey`] or a hash sends one request. A key
    /// revoking itself whose answer was lost counts the retry's 401 as revoked.
    ///
    /// # Errors
    ///
    /// Kind `InvalidInput` (an empty, `.` or `..` key; nothing sent), `Unauthorized`,
    /// `Forbidden`, `NotFound`, `RateLimited`, `Server`, `Http`, `Network`, `Timeout`,
    /// `Aborted`, or `Decode` (the lookup's key list, for a token string). Messages never
    /// repeat the key.
    ///
    /// ```no_run
    /// # async fn run(client: estuary_user::Client) -> Result<(), estuary_user::Error> {
    /// for key in client.list_api_keys().await? {
    ///     if key.label == "ci" {
    ///         client.revoke_api_key(&key).await?;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn revoke_api_key<'a>(&'a self, key: impl Into<KeyRef<'a>>) -> Call<'a, ()> {
        Call::new(self, key.into().endpoint())
    }
}
