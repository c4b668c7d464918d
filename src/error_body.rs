//! A non-2xx answer made into an [`Error::Status`]: its body read up to a bound, the node's
//! error envelope read from it, secrets redacted, and a redirect explained.

use gloo_net::http::Response;
use js_sys::{Array, JsString, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableStreamDefaultReader};

use crate::cancel::{CallSignal, Cause};
use crate::connection::Connection;
use crate::decode::{envelope, parse_json};
use crate::error::{excerpt, Error};
use crate::limits::{EXCERPT_SOURCE, MAX_ERROR_BODY};
use crate::request::Prepared;
use crate::text::cat;
use crate::token::{mask_tokens, redact};

/// The error of a non-2xx `response`; the cancellation's error if the call was cancelled
/// while the body was read.
pub(crate) async fn read(
    response: Response,
    request: &Prepared,
    connection: &Connection,
    cancel: &mut CallSignal,
) -> Error {
    let status = response.status();
    let mut note = redirect_note(&response, request, &connection.base_url);
    let text = match read_bounded(web_sys::Response::from(response), cancel).await {
        Ok(text) => text,
        // A body cut short still leaves the status to report: a clear answer (a 401 to a
        // create) is what the call got, even when a timeout or abort cut its body. A
        // retried status still ends in the cancellation, in the wait before the retry.
        Err(()) => {
            if let Some(cause) = cancel.cause() {
                let cut = match cause {
                    Cause::Timeout => "its body was not read: the call timed out",
                    Cause::Aborted | Cause::Dropped => {
                        "its body was not read: the call was aborted"
                    }
                };
                note = Some(match note {
                    Some(note) => cat!(note, ". ", cut),
                    None => cut.into(),
                });
            }
            JsValue::from_str("")
        }
    };
    // The client's own token, a revoke's segment, and anything shaped like a token (a
    // proxy's error page may echo a legacy revoke's path) are never shown.
    let hide = |text: String| {
        let text = connection.token.redact(text);
        let text = match &request.secret {
            Some(secret) => redact(text, secret),
            None => text,
        };
        mask_tokens(text)
    };
    // Parsed where it is, in JS: only the envelope's two strings, or the text for an
    // excerpt, are copied into wasm.
    let found = parse_json(&text).ok().and_then(|json| envelope(&json));
    let (reason, details) = match found {
        Some(envelope) => (envelope.reason.map(hide), envelope.details.map(hide)),
        // JSON escapes (`\u0045ST…`) are matched by `mask_tokens` too.
        None => {
            let head = JsString::from(text).slice(0, EXCERPT_SOURCE);
            (None, excerpt(&hide(head.as_string().unwrap_or_default())))
        }
    };
    Error::Status {
        status,
        reason,
        details,
        note,
    }
}

/// At most [`MAX_ERROR_BODY`] bytes of the body, as a JS string; the rest is cancelled, unread. Two
/// strings and an excerpt are all an error shows, and a proxy's multi-megabyte error page
/// must not grow the module's memory for good (wasm memory never shrinks). The chunks stay in
/// JS and become text there (a `Blob`): none of it is copied into wasm here. `Err`
/// when the body could not be read to its end or the bound.
async fn read_bounded(response: web_sys::Response, cancel: &CallSignal) -> Result<JsValue, ()> {
    let Some(body) = response.body() else {
        return Ok(JsValue::from_str(""));
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let chunks = Array::new();
    let mut room = MAX_ERROR_BODY as u32;
    let done = JsValue::from_str("done");
    let value = JsValue::from_str("value");
    while room > 0 {
        let chunk = cancel
            .until_cancelled(JsFuture::from(reader.read()))
            .await
            .ok_or(())?
            .map_err(drop)?;
        if Reflect::get(&chunk, &done).ok().and_then(|d| d.as_bool()) != Some(false) {
            break;
        }
        let Ok(chunk) = Reflect::get(&chunk, &value).and_then(|v| v.dyn_into::<Uint8Array>())
        else {
            break;
        };
        let take = room.min(chunk.length());
        chunks.push(&chunk.subarray(0, take));
        room -= take;
    }
    if room == 0 {
        // Whatever is left, possibly megabytes, is never read. Awaited, so that a rejection
        // (a stream that failed meanwhile) is handled rather than reported as unhandled.
        let _ = JsFuture::from(reader.cancel()).await;
    }
    let blob = Blob::new_with_u8_array_sequence(&chunks).map_err(drop)?;
    JsFuture::from(blob.text()).await.map_err(drop)
}

/// What to tell the user when the answer followed or is a redirect: fetch drops the
/// `Authorization` header when a redirect leaves the origin (http → https is one), so the
/// node then answers 401 for a token that is fine.
fn redirect_note(response: &Response, request: &Prepared, base_url: &str) -> Option<String> {
    const DROPPED: &str =
        ", and fetch drops the Authorization header when a redirect leaves the origin";
    if !response.redirected() {
        return (300..400).contains(&response.status()).then(|| {
            cat!(
                "the node answered with a redirect that fetch did not follow",
                DROPPED,
                ": use the URL it redirects to as baseUrl"
            )
        });
    }
    // The base URL the redirect points at: where it went, without the path that was asked
    // for; else that URL's origin, as the platform's URL parser reads it.
    let to = response.url();
    let target = match to.strip_suffix(request.path.as_str()) {
        Some(base) if base != base_url => base.to_owned(),
        _ => web_sys::Url::new(&to).map_or(to, |url| url.origin()),
    };
    Some(cat!(
        "the request was redirected",
        DROPPED,
        ": use \"",
        mask_tokens(target),
        "\" as baseUrl"
    ))
}
