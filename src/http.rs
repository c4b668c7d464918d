//! The one place that talks HTTP: URL joining, the `Authorization` header, cancellation,
//! and turning every outcome (answers, rejections, bodies) into `Result<_, Error>`.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::cancel::CallSignal;
use crate::error::Error;
use crate::retry::{backoff_ms, retry_after_seconds_ms};
use crate::token::Token;

#[wasm_bindgen]
extern "C" {
    // The global `fetch` (windows, workers, Node 18+), given a URL and a plain init object,
    // as a hand-written JS client would call it. Not through gloo-net: its builder makes two
    // `Request`s and parses the URL on every call, and its `send()` panics when a fetch
    // rejects with a value that is not an `Error` (as `controller.abort("why")` makes it do),
    // which would poison the whole module. `catch`: a synchronous throw is an error too.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_with_init(url: &str, init: &Object) -> Result<Promise, JsValue>;

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

/// Per-call options.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// Cancels the call when it fires (error kind `aborted`).
    pub signal: Option<AbortSignal>,
    /// Overrides the client's timeout for this call; `Some(0)` means none. The timeout
    /// covers the whole call, retries and their waits included.
    pub timeout_ms: Option<u32>,
    /// Overrides the client's retry count for this call (GET and DELETE only).
    pub max_retries: Option<u32>,
}

/// What every request needs from the client.
pub(crate) struct Connection {
    pub(crate) token: Token,
    pub(crate) base_url: String,
    pub(crate) timeout_ms: u32,
    pub(crate) max_retries: u32,
    /// `{ Authorization: "Bearer <token>" }`, made once, as a hand-written fetch client
    /// would: `fetch` only reads it.
    headers: Object,
}

impl Connection {
    pub(crate) fn new(token: Token, base_url: String, timeout_ms: u32, max_retries: u32) -> Self {
        let headers = Object::new();
        set(
            &headers,
            "Authorization",
            &format!("Bearer {}", token.expose()).into(),
        );
        Connection {
            token,
            base_url,
            timeout_ms,
            max_retries,
            headers,
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

/// Network errors and the statuses that mean "try again later" (BEHAVIOUR.md: 429 above
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
fn retry_after_ms(response: &web_sys::Response) -> Option<f64> {
    let value = response.headers().get("Retry-After").ok()??;
    retry_after_seconds_ms(&value).or_else(|| {
        let at = js_sys::Date::parse(value.trim());
        (!at.is_nan()).then(|| at - js_sys::Date::now())
    })
}

/// A 2xx answer, with the cancellation still armed while its body is read.
pub(crate) struct Answer {
    response: web_sys::Response,
    cancel: CallSignal,
    connection_base: String,
}

impl Connection {
    /// Sends `method` to `path_and_query` (already encoded, starting with `/`) and returns
    /// the answer if it is a 2xx; any other status becomes an [`Error::Status`].
    ///
    /// GET and DELETE are idempotent and are retried on network errors, 429, 502, 503 and
    /// 504; POST never is (a create sent twice makes two keys, BEHAVIOUR.md).
    pub(crate) async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        options: &CallOptions,
    ) -> Result<Answer, Error> {
        let timeout = options.timeout_ms.unwrap_or(self.timeout_ms);
        let mut cancel = CallSignal::new(options.signal.as_ref(), timeout)?;
        let retries = match method {
            Method::Get | Method::Delete => options.max_retries.unwrap_or(self.max_retries),
            Method::Post => 0,
        };
        let mut attempt = 0;
        loop {
            let failure = match self.attempt(method, path_and_query, cancel).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            if attempt >= retries || !retryable(&failure.error) {
                return Err(failure.error);
            }
            let wait = backoff_ms(attempt, js_sys::Math::random(), failure.retry_after);
            failure.cancel.sleep(wait).await?;
            cancel = failure.cancel;
            attempt += 1;
        }
    }

    /// One try; on failure the cancellation comes back for the next try.
    async fn attempt(
        &self,
        method: Method,
        path_and_query: &str,
        cancel: CallSignal,
    ) -> Result<Answer, Failure> {
        let url = format!("{}{}", self.base_url, path_and_query);
        let init = Object::new();
        set(&init, "method", &method.as_str().into());
        set(&init, "headers", &self.headers);
        // BEHAVIOUR.md "CORS": the node allows any origin but no credentials.
        set(&init, "credentials", &"omit".into());
        set(&init, "signal", &cancel.signal());
        let sent = fetch_with_init(&url, &init);
        let response = match sent {
            Ok(promise) => JsFuture::from(promise).await,
            Err(thrown) => Err(thrown),
        };
        let response = match response {
            Ok(response) => response,
            Err(rejection) => {
                let error = self.failure(&cancel, &rejection, method, path_and_query);
                return Err(Failure::new(error, cancel));
            }
        };
        let Ok(response) = response.dyn_into::<web_sys::Response>() else {
            let error = Error::Network {
                message: "fetch resolved with something that is not a Response".into(),
            };
            return Err(Failure::new(error, cancel));
        };
        let retry_after = retry_after_ms(&response);
        let answer = Answer {
            response,
            cancel,
            connection_base: self.base_url.clone(),
        };
        if answer.response.ok() {
            return Ok(answer);
        }
        let error = answer.read_error(self).await;
        Err(Failure {
            error,
            retry_after,
            cancel: answer.cancel,
        })
    }

    /// The error for a rejected `fetch` or body read.
    fn failure(
        &self,
        cancel: &CallSignal,
        rejection: &JsValue,
        method: Method,
        path: &str,
    ) -> Error {
        if let Some(cause) = cancel.cause() {
            return cancel.error(cause);
        }
        network_error(
            &self.base_url,
            rejection,
            &format!("{} {}", method.as_str(), path_only(path)),
        )
    }
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

    /// Reads and discards the body (DELETE answers 200 with an empty body, BEHAVIOUR.md).
    pub(crate) async fn empty(self) -> Result<(), Error> {
        let status = self.response.status();
        self.text(status).await.map(drop)
    }

    /// The whole body as a JS string (`Response.text()`), with the call still cancellable.
    async fn text(&self, status: u16) -> Result<JsValue, Error> {
        let promise = self.response.text().map_err(|_| body_used(status))?;
        JsFuture::from(promise).await.map_err(|rejection| {
            if let Some(cause) = self.cancel.cause() {
                return self.cancel.error(cause);
            }
            network_error(&self.connection_base, &rejection, "reading the answer")
        })
    }

    /// Reads a non-2xx body once and decodes the node's error envelope from it.
    async fn read_error(&self, connection: &Connection) -> Error {
        let status = self.response.status();
        let text = match self.response.text() {
            Ok(promise) => match JsFuture::from(promise).await {
                Ok(text) => text.as_string().unwrap_or_default(),
                // A body cut short still leaves the status to report, unless the call was
                // cancelled meanwhile.
                Err(_) => match self.cancel.cause() {
                    Some(cause) => return self.cancel.error(cause),
                    None => String::new(),
                },
            },
            Err(_) => String::new(),
        };
        let text = connection.token.redact(text);
        let envelope = parse_json(&JsValue::from_str(&text))
            .ok()
            .and_then(|json| crate::decode::envelope(&json));
        Error::from_response(status, envelope, &text)
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

fn path_only(path_and_query: &str) -> &str {
    path_and_query
        .split_once('?')
        .map_or(path_and_query, |(path, _)| path)
}

fn error_message(value: &JsValue) -> Option<String> {
    let message = js_sys::Reflect::get(value, &JsValue::from_str("message"))
        .ok()?
        .as_string()?;
    // Node's undici puts the useful part ("connect ECONNREFUSED …") in `cause`.
    let cause = js_sys::Reflect::get(value, &JsValue::from_str("cause"))
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("message")).ok())
        .and_then(|m| m.as_string());
    Some(match cause {
        Some(cause) if !cause.is_empty() => format!("{message}: {cause}"),
        _ => message,
    })
}

fn network_error(base_url: &str, rejection: &JsValue, what: &str) -> Error {
    let detail = error_message(rejection).unwrap_or_else(|| "fetch failed".into());
    Error::Network {
        message: format!(
            "network error during {what} at {base_url} ({detail}). Likely causes: the node is \
             offline or unreachable, the baseUrl is wrong, or the browser blocked the request \
             (CORS: the node must allow this page's origin)"
        ),
    }
}
