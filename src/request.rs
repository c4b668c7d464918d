//! What a call sends: the endpoint it asks for, made into a request (method, encoded path,
//! how its answer is checked, what in it is secret) before anything is sent.

use wasm_bindgen::JsValue;

use crate::client::Client;
use crate::decode;
use crate::error::{Error, MAYBE_CREATED};
use crate::models::CreateApiKeyParams;
use crate::retry::is_gateway;
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

/// The methods the five endpoints use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// A check of a 2xx answer's parsed body (`decode::check_*`).
pub(crate) type Check = fn(&JsValue) -> Result<(), Error>;

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
    pub(crate) check: Option<Check>,
    /// A revoke of the client's own key: once a try may have revoked it, a retry's
    /// `ERR_INVALID_TOKEN` means it is gone.
    pub(crate) revokes_own_key: bool,
    /// A token given as a string to revoke, sent as its hash unless the key list shows it
    /// is a legacy row's (which has no hash to match): [`Client::call`] lists the keys
    /// first.
    pub(crate) look_up_first: Option<Secret>,
}

/// The path of the key list, and of a create; a revoke's starts with it.
const KEYS: &str = "/user/api-keys";

/// How messages name the list call that finds whether a token given as a string is a legacy
/// row's.
const LOOKUP: &str = "GET /user/api-keys (looking up the key to revoke)";

impl Client {
    /// Whether a key given as a string to revoke is a token: the client's own, or anything
    /// shaped like one.
    pub(crate) fn is_token(&self, segment: &str) -> bool {
        segment == self.connection.token.expose() || is_token(segment)
    }

    pub(crate) fn prepare(&self, endpoint: Endpoint) -> Result<Prepared, Error> {
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
            look_up_first: None,
        })
    }

    /// The key list that finds whether a token given as a string to revoke is a legacy row's.
    pub(crate) fn lookup(&self) -> Result<Prepared, Error> {
        let mut list = self.prepare(Endpoint::ListApiKeys)?;
        list.what = LOOKUP;
        Ok(list)
    }

    /// The `DELETE` of a key given as a token or hash (`legacy_row`: see [`crate::KeyRef`]).
    pub(crate) fn revoke(&self, segment: Secret, legacy_row: bool) -> Result<Prepared, Error> {
        // No token travels in a URL but a legacy row's: the node matches a key's hash as
        // well as its token (docs/estuary-node.md "DELETE /user/api-keys/{key_or_hash}"), so
        // the client's own token and anything shaped like a token go as their hash. A legacy
        // row has no hash to match: its token must go as it is.
        let (key_or_hash, look_up_first) = if !legacy_row && self.is_token(&segment.0) {
            (token_hash(&segment.0), Some(segment))
        } else {
            (segment.0, None)
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
            look_up_first,
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
    pub(crate) fn after_sending(&self, error: Error) -> Error {
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
