//! What every request of a client shares: the token, the base URL, the limits, and the
//! `RequestInit` that carries the `Authorization` header.

use js_sys::{Object, Reflect};
use web_sys::{RequestCredentials, RequestInit};

use crate::text::cat;
use crate::token::Token;

/// Whether the global `fetch` that gloo-net calls exists: calling a missing one would throw
/// through wasm instead of failing the call.
pub(crate) fn has_fetch() -> bool {
    Reflect::get(&js_sys::global(), &"fetch".into()).is_ok_and(|f| f.is_function())
}

/// What every request needs from the client.
pub(crate) struct Connection {
    pub(crate) token: Token,
    pub(crate) base_url: String,
    pub(crate) timeout_ms: u32,
    pub(crate) max_retries: u32,
    /// The `RequestInit` of every try, made once: `{ headers: { Authorization: "Bearer …" },
    /// credentials: "omit" }`, with `method` and `signal` set per try. A `Request` copies
    /// what it needs from it when it is made, so one object serves every call.
    pub(crate) init: RequestInit,
}

impl Connection {
    pub(crate) fn new(token: Token, base_url: String, timeout_ms: u32, max_retries: u32) -> Self {
        // A record of header names to values, as `fetch` takes it.
        let headers = Object::new();
        let _ = Reflect::set(
            &headers,
            &"Authorization".into(),
            &cat!("Bearer ", token.expose()).into(),
        );
        let init = RequestInit::new();
        init.set_headers_record_from_str_to_str(&headers);
        // docs/estuary-node.md "CORS": the node allows any origin but no credentials.
        init.set_credentials(RequestCredentials::Omit);
        Connection {
            token,
            base_url,
            timeout_ms,
            max_retries,
            init,
        }
    }
}
