//! One try of a call: gloo-net sends the request, and its `Response` gives the status and
//! headers; every outcome (an answer, a rejection, a body cut off) becomes a value or an
//! [`Error`].

use gloo_net::http::{Request, Response};
use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::cancel::CallSignal;
use crate::connection::Connection;
use crate::decode::parse_json;
use crate::error::Error;
use crate::error_body;
use crate::request::Prepared;
use crate::retry::{retry_after_seconds_ms, retryable_status};
use crate::text::cat;
use crate::token::{mask_tokens, redact};

/// A failed try, with what a retry needs.
pub(crate) struct Failure {
    pub(crate) error: Error,
    /// The server's `Retry-After`, in ms, when it was readable.
    pub(crate) retry_after: Option<f64>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            retry_after: None,
        }
    }
}

impl Connection {
    /// One try of `request` at `url`: send, status, then the whole body, so that a
    /// connection that dies mid-body fails the try like any other network error. A 2xx
    /// gives its status and the body as the platform parsed it (`undefined` when the call
    /// discards it).
    pub(crate) async fn try_once(
        &self,
        request: &Prepared,
        url: &str,
        cancel: &mut CallSignal,
    ) -> Result<(u16, JsValue), Failure> {
        self.init.set_method(request.method.as_str());
        self.init.set_signal(Some(&cancel.signal()));
        // Made from a `web_sys::Request` rather than gloo-net's `RequestBuilder`, which
        // builds two `Request`s and parses the URL again on every try (docs/benchmarks.md).
        // A URL the platform refuses throws here, before anything is sent: bad input.
        let request_js =
            web_sys::Request::new_with_str_and_init(url, &self.init).map_err(|_| {
                Error::invalid("baseUrl was refused by this platform's fetch; nothing was sent")
            })?;
        // Never `Debug`-format a gloo-net `Request` or `Headers`: they print `Authorization`.
        //
        // gloo-net is patched (third_party/gloo-net/PATCH.md) so that nothing `fetch` does
        // panics: a rejection with anything (another realm's `TypeError` under Jest or
        // Vitest's vm pools, a string) is a `JsError` with its `name` and `message`, and a
        // value that is not a `Response` is its one `GlooError`.
        let sent = cancel
            .until_cancelled(Request::from(request_js).send())
            .await;
        let response = match sent {
            Some(Ok(response)) => response,
            None => return Err(self.failed(cancel, "", String::new(), request).into()),
            Some(Err(gloo_net::Error::JsError(error))) => {
                return Err(self
                    .failed(cancel, &error.name, error.message, request)
                    .into());
            }
            Some(Err(_)) => return Err(self.not_a_response(cancel, request).into()),
        };
        if !response.ok() {
            // Read only where it matters: on the statuses that are retried.
            let retry_after = if retryable_status(response.status()) {
                retry_after_ms(&response)
            } else {
                None
            };
            let error = error_body::read(response, request, self, cancel).await;
            return Err(Failure { error, retry_after });
        }
        let status = response.status();
        // The underlying `text()` + `JSON.parse`, not gloo-net's `text()`/`json()`: those
        // copy the body into a Rust `String` (a 5 MB export would cross into wasm and back).
        let text = match web_sys::Response::from(response).text() {
            Ok(promise) => cancel
                .until_cancelled(JsFuture::from(promise))
                .await
                .unwrap_or(Err(JsValue::UNDEFINED)),
            Err(_) => Err(JsValue::UNDEFINED),
        }
        .map_err(|rejection| {
            // The body read's rejection, read the way gloo-net reads `fetch`'s.
            let field = |key: &str| {
                Reflect::get(&rejection, &key.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            self.failed(cancel, &field("name"), field("message"), request)
        })?;
        if request.discards_body() {
            return Ok((status, JsValue::UNDEFINED));
        }
        let json = parse_json(&text).map_err(|_| {
            Failure::from(Error::Decode {
                status,
                message: "the body is not valid JSON".into(),
            })
        })?;
        Ok((status, json))
    }

    /// The error of a try whose `fetch` resolved with something that is not a `Response`
    /// (the cancellation's, if the call was cancelled meanwhile). No platform `fetch` does
    /// that, so it is not retried: the next try would get the same.
    fn not_a_response(&self, cancel: &mut CallSignal, request: &Prepared) -> Error {
        if let Some(cause) = cancel.cause() {
            return cancel.error(cause);
        }
        Error::InvalidResponse {
            message: cat!(
                "fetch resolved with a value that is not a Response during ",
                request.what,
                ". Likely cause: a fetch mock that returns a plain object; make it return a \
                 Response, e.g. new Response(JSON.stringify(body), { status: 200 })"
            ),
        }
    }

    /// The error of a try whose `fetch` or body read was rejected: the cancellation's, if
    /// the call was cancelled, else a network error.
    fn failed(
        &self,
        cancel: &mut CallSignal,
        name: &str,
        message: String,
        request: &Prepared,
    ) -> Error {
        if let Some(cause) = cancel.cause() {
            return cancel.error(cause);
        }
        // Deno quotes the request's URL in its fetch errors: a revoke's segment may be a
        // token, and anything shaped like one is masked too.
        let message = match &request.secret {
            Some(secret) => redact(message, secret),
            None => message,
        };
        let detail = mask_tokens(message);
        let detail = if detail.is_empty() {
            "fetch failed".into()
        } else {
            detail
        };
        // gloo-net keeps only the rejection's `name` and `message`: the cause is a new error
        // with those two (and the secret masked).
        let cause: js_sys::Error = if name == "TypeError" {
            js_sys::TypeError::new(&detail).into()
        } else {
            let error = js_sys::Error::new(&detail);
            if !name.is_empty() {
                error.set_name(name);
            }
            error
        };
        Error::Network {
            cause: crate::error::Cause::js(cause.into()),
            message: cat!(
                "network error during ",
                request.what,
                " at ",
                self.base_url,
                " (",
                detail,
                "). Likely causes: the node is offline or unreachable, the baseUrl is wrong, \
                 or the browser blocked the request (CORS: the node must allow this page's \
                 origin)"
            ),
        }
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
