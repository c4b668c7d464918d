//! The one place that talks HTTP: every request is a `gloo_net::http::Request` and every
//! answer a `gloo_net::http::Response`; this module turns every outcome (answers, rejections,
//! bodies) into `Result<_, Error>`.

use gloo_net::http::{Request, Response};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::cancel::CallSignal;
use crate::decode::ReadEnvelope;
use crate::error::Error;
use crate::retry::{backoff_ms, retry_after_seconds_ms};
use crate::text::cat;
use crate::token::{mask_tokens, Token};

#[wasm_bindgen]
extern "C" {
    // `JSON.parse` of a JS string: `Response.text()` + this does what `Response.json()`
    // does, and error bodies share it; the text never has to be copied into wasm.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// The methods the five endpoints use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// What one call asks of [`Connection::send`], beyond its URL.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// Cancels the call when it fires (error kind `aborted`).
    pub(crate) signal: Option<AbortSignal>,
    /// Overrides the client's timeout for this call, in ms; `Some(0)` means none. The
    /// timeout covers the whole call, retries and their waits included.
    pub(crate) timeout_ms: Option<u32>,
    /// Overrides the client's retry count for this call (GET and DELETE only).
    pub(crate) max_retries: Option<u32>,
}

/// What every request needs from the client.
pub(crate) struct Connection {
    pub(crate) token: Token,
    pub(crate) base_url: String,
    pub(crate) timeout_ms: u32,
    pub(crate) max_retries: u32,
    /// The `RequestInit` of every try, made once: `{ headers: { Authorization: "Bearer …" },
    /// credentials: "omit" }`, with `method` and `signal` set per try. A `Request` copies
    /// what it needs from it when it is made, so one object serves every call (one fewer
    /// object and three fewer string conversions per try, before `fetch`).
    init: Object,
}

impl Connection {
    pub(crate) fn new(token: Token, base_url: String, timeout_ms: u32, max_retries: u32) -> Self {
        let headers = Object::new();
        set(
            &headers,
            "Authorization",
            &cat!("Bearer ", token.expose()).into(),
        );
        let init = Object::new();
        set(&init, "headers", &headers);
        // docs/estuary-node.md "CORS": the node allows any origin but no credentials.
        set(&init, "credentials", &"omit".into());
        Connection {
            token,
            base_url,
            timeout_ms,
            max_retries,
            init,
        }
    }
}

/// A failed try, with what a retry needs.
struct Failure {
    error: Error,
    retry_after: Option<f64>,
    cancel: CallSignal,
}

impl Failure {
    fn new(error: Error, cancel: CallSignal) -> Failure {
        Failure {
            error,
            retry_after: None,
            cancel,
        }
    }
}

/// Network errors and the statuses that mean "try again later" (docs/estuary-node.md "Rate limit": 429 above
/// 200 requests/s; proxies in front of nodes answer 502/503/504).
fn retryable(error: &Error) -> bool {
    match error {
        Error::Network { .. } => true,
        Error::Status { status, .. } => matches!(status, 429 | 502 | 503 | 504),
        _ => false,
    }
}

/// `Retry-After` in ms, as seconds or an HTTP date, when the response exposes it (the node
/// sends none, and a cross-origin page cannot read it unless the server exposes it).
fn retry_after_ms(response: &Response) -> Option<f64> {
    let value = response.headers().get("Retry-After")?;
    retry_after_seconds_ms(&value).or_else(|| {
        let at = js_sys::Date::parse(value.trim());
        (!at.is_nan()).then(|| at - js_sys::Date::now())
    })
}

/// A 2xx answer, with the cancellation still armed while its body is read.
pub(crate) struct Answer {
    response: Response,
    cancel: CallSignal,
    connection_base: String,
    /// A path segment that may be a token (see `Connection::send`).
    secret: Option<String>,
}

impl Connection {
    /// Sends `method` to `path_and_query` (already encoded, starting with `/`) and returns
    /// the answer if it is a 2xx; any other status becomes an [`Error::Status`]. `what`
    /// names the call in messages ("GET /user/stats"): never the path itself, whose
    /// segment may be a token.
    ///
    /// GET and DELETE are idempotent and are retried on network errors, 429, 502, 503 and
    /// 504; POST never is (a create sent twice makes two keys, docs/estuary-node.md "POST /user/api-keys").
    ///
    /// `secret`: a path segment that may be a token (a revoke's, unless it is a hash). The
    /// platform may quote the URL in its errors (Deno in the message, Bun in `path`), and a
    /// proxy may echo it in an error body: that text is redacted wherever it appears.
    pub(crate) async fn send<E: ReadEnvelope>(
        &self,
        method: Method,
        path_and_query: &str,
        what: &'static str,
        secret: Option<&str>,
        options: &CallOptions,
    ) -> Result<Answer, Error> {
        let timeout = options.timeout_ms.unwrap_or(self.timeout_ms);
        let mut cancel = CallSignal::new(options.signal.as_ref(), timeout)?;
        let retries = match method {
            Method::Get | Method::Delete => options.max_retries.unwrap_or(self.max_retries),
            Method::Post => 0,
        };
        let url = cat!(self.base_url, path_and_query);
        let mut attempt = 0;
        loop {
            let failure = match self.attempt::<E>(method, &url, what, secret, cancel).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            if attempt >= retries || !retryable(&failure.error) {
                return Err(failure.error);
            }
            let wait = backoff_ms(attempt, js_sys::Math::random(), failure.retry_after);
            cancel = failure.cancel;
            cancel.sleep(wait, failure.error).await?;
            attempt += 1;
        }
    }

    /// One try; on failure the cancellation comes back for the next try.
    async fn attempt<E: ReadEnvelope>(
        &self,
        method: Method,
        url: &str,
        what: &'static str,
        secret: Option<&str>,
        mut cancel: CallSignal,
    ) -> Result<Answer, Failure> {
        // A plain object as the `RequestInit`: web-sys's typed setters would each add an
        // import to the JS glue every user downloads.
        let init = &self.init;
        set(init, "method", &method.as_str().into());
        set(init, "signal", &cancel.signal());
        // One `Request` per try, built from the URL as it is (gloo-net's `RequestBuilder`
        // builds two and parses the URL again on every call). A URL the platform refuses
        // throws here, before anything is sent: bad input, not a network failure.
        let request = match web_sys::Request::new_with_str_and_init(url, init.unchecked_ref()) {
            Ok(request) => Request::from(request),
            Err(_) => {
                let error = Error::invalid(
                    "baseUrl was refused by this platform's fetch; nothing was sent",
                );
                return Err(Failure::new(error, cancel));
            }
        };
        let response = match send(request, secret).await {
            Ok(response) => response,
            Err(Unsent::Refused(error)) => return Err(Failure::new(error, cancel)),
            Err(Unsent::Rejected(rejection)) => {
                let error = self.failure(&mut cancel, &rejection, what, secret);
                return Err(Failure::new(error, cancel));
            }
        };
        // Read only where it matters: on the statuses that are retried.
        let retry_after = match response.status() {
            429 | 502 | 503 | 504 => retry_after_ms(&response),
            _ => None,
        };
        let answer = Answer {
            response,
            cancel,
            connection_base: self.base_url.clone(),
            secret: secret.map(str::to_owned),
        };
        if answer.response.ok() {
            return Ok(answer);
        }
        let (error, cancel) = answer.read_error::<E>(self).await;
        Err(Failure {
            error,
            retry_after,
            cancel,
        })
    }

    /// The error for a rejected `fetch` or body read.
    fn failure(
        &self,
        cancel: &mut CallSignal,
        rejection: &JsValue,
        what: &str,
        secret: Option<&str>,
    ) -> Error {
        if let Some(cause) = cancel.cause() {
            return cancel.error(cause);
        }
        network_error(&self.base_url, rejection, what, secret)
    }
}

/// Why [`send`] got no `Response`.
enum Unsent {
    /// `fetch` threw before returning a promise, or is missing: nothing was sent.
    Refused(Error),
    /// The promise rejected (or resolved with something that is not a `Response`).
    Rejected(JsValue),
}

/// Sends a gloo-net `Request` with the platform's `fetch`, as `Request::send` does, minus
/// its two traps: gloo-net 0.7 reaches `unreachable!` when `fetch` rejects with a value that
/// is not an `Error` and `panic!`s when it resolves with something that is not a `Response`
/// (a patched or polyfilled `fetch` can do either), and a trap poisons the whole module.
async fn send(request: Request, secret: Option<&str>) -> Result<Response, Unsent> {
    let request = web_sys::Request::from(request);
    let global = js_sys::global();
    let fetch = Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Unsent::Refused(Error::invalid("this JavaScript environment has no fetch"))
        })?;
    let returned = fetch.call1(&global, &request).map_err(|thrown| {
        let detail = error_message(&thrown, secret).unwrap_or_else(|| "it threw".into());
        Unsent::Refused(Error::invalid(cat!(
            "fetch refused the request before sending it (",
            detail,
            ")"
        )))
    })?;
    // `Promise.resolve` also copes with a `fetch` that returns a plain value or a thenable.
    let value = JsFuture::from(Promise::resolve(&returned))
        .await
        .map_err(Unsent::Rejected)?;
    value
        .dyn_into::<web_sys::Response>()
        .map(Response::from)
        .map_err(|_| {
            Unsent::Rejected(
                js_sys::TypeError::new("fetch resolved with something that is not a Response")
                    .into(),
            )
        })
}

impl Answer {
    /// The body parsed as JSON by the platform, without copying it into wasm.
    pub(crate) async fn json(self) -> Result<JsValue, Error> {
        let status = self.response.status();
        let text = self.text(status).await?;
        parse_json(&text).map_err(|_| Error::Decode {
            status,
            message: "the body is not valid JSON".into(),
        })
    }

    /// Reads and discards the body (DELETE answers 200 with an empty body, docs/estuary-node.md "DELETE /user/api-keys/{key_or_hash}").
    pub(crate) async fn empty(self) -> Result<(), Error> {
        let status = self.response.status();
        self.text(status).await.map(drop)
    }

    /// The whole body as a JS string, with the call still cancellable. Not gloo-net's
    /// `Response::text`: it copies the body into a Rust `String` (a 5 MB export would cross
    /// into wasm and back) and `unwrap`s when the body was already read.
    async fn text(self, status: u16) -> Result<JsValue, Error> {
        let Answer {
            response,
            mut cancel,
            connection_base,
            secret,
        } = self;
        let promise = web_sys::Response::from(response)
            .text()
            .map_err(|_| body_used(status))?;
        let text = JsFuture::from(promise).await.map_err(|rejection| {
            if let Some(cause) = cancel.cause() {
                return cancel.error(cause);
            }
            network_error(
                &connection_base,
                &rejection,
                "reading the answer",
                secret.as_deref(),
            )
        })?;
        cancel.settle();
        Ok(text)
    }

    /// Reads a non-2xx body once and decodes the node's error envelope from it; gives the
    /// cancellation back for a retry.
    async fn read_error<E: ReadEnvelope>(self, connection: &Connection) -> (Error, CallSignal) {
        let status = self.response.status();
        let mut cancel = self.cancel;
        // The underlying `text()`, not gloo-net's: see `Answer::text`.
        let text = match web_sys::Response::from(self.response).text() {
            Ok(promise) => match JsFuture::from(promise).await {
                Ok(text) => text.as_string().unwrap_or_default(),
                // A body cut short still leaves the status to report, unless the call was
                // cancelled meanwhile.
                Err(_) => match cancel.cause() {
                    Some(cause) => return (cancel.error(cause), cancel),
                    None => String::new(),
                },
            },
            Err(_) => String::new(),
        };
        // JSON can spell the token with escapes (`"\u0045ST…"`), which a plain scan of the
        // text misses: what is shown of a JSON body is its parsed form, redacted.
        let token = &connection.token;
        let (envelope, shown) = match parse_json(&JsValue::from_str(&text)) {
            Ok(json) => {
                let normal = js_sys::JSON::stringify(&json)
                    .ok()
                    .and_then(|s| s.as_string());
                (E::envelope(json), normal.unwrap_or(text))
            }
            Err(_) => (None, text),
        };
        // The client's own token, whatever its shape, and anything shaped like a token (a
        // proxy's error page may echo a legacy revoke's path).
        let secret = self.secret.as_deref();
        let hide = |text: String| mask_tokens(redact(token.redact(text), secret));
        let envelope = envelope.map(|e| e.map(hide));
        let shown = hide(shown);
        (Error::from_response(status, envelope, &shown), cancel)
    }
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

fn body_used(status: u16) -> Error {
    Error::Decode {
        status,
        message: "the body was already read".into(),
    }
}

/// The message of an error the platform threw or rejected with, with `secret` (a path
/// segment that may be a token) and anything shaped like a token masked: Deno quotes the
/// request's URL in its fetch errors.
fn error_message(value: &JsValue, secret: Option<&str>) -> Option<String> {
    let message = js_sys::Reflect::get(value, &JsValue::from_str("message"))
        .ok()?
        .as_string()?;
    // Node's undici puts the useful part ("connect ECONNREFUSED …") in `cause`.
    let cause = js_sys::Reflect::get(value, &JsValue::from_str("cause"))
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("message")).ok())
        .and_then(|m| m.as_string());
    let message = match cause {
        Some(cause) if !cause.is_empty() => cat!(message, ": ", cause),
        _ => message,
    };
    Some(mask_tokens(redact(message, secret)))
}

/// `text` with `secret` replaced by `[redacted]`, when there is one.
fn redact(text: String, secret: Option<&str>) -> String {
    match secret {
        Some(secret) => crate::token::redact(text, secret),
        None => text,
    }
}

/// `secret`: see `Connection::send`. The platform's error may carry the URL in fields of its
/// own (Bun: `path`), so with a secret in the URL the cause is a new `TypeError` with the
/// masked message rather than the original.
fn network_error(base_url: &str, rejection: &JsValue, what: &str, secret: Option<&str>) -> Error {
    let detail = error_message(rejection, secret).unwrap_or_else(|| "fetch failed".into());
    let cause = if secret.is_some() {
        js_sys::TypeError::new(&detail).into()
    } else {
        rejection.clone()
    };
    Error::Network {
        cause: crate::error::Cause::js(cause),
        message: cat!(
            "network error during ",
            what,
            " at ",
            base_url,
            " (",
            detail,
            "). Likely causes: the node is offline or unreachable, the baseUrl is wrong, or the \
             browser blocked the request (CORS: the node must allow this page's origin)"
        ),
    }
}
