//! The one error type of the crate, and the decoding of the node's error bodies.

use core::fmt;

use crate::text::{cat, decimal};

/// What went wrong, as a stable machine-readable category.
///
/// In JavaScript this is the `kind` field of an `EstuaryError` (see [`ErrorKind::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was refused before anything was sent.
    InvalidInput,
    /// The node answered 401 (missing, malformed, unknown, revoked or expired token).
    Unauthorized,
    /// The node answered 403 (an upload-only key calling a `/user/*` endpoint).
    Forbidden,
    /// The node answered 404.
    NotFound,
    /// The node answered 429 (more than 200 requests/s from one address).
    RateLimited,
    /// The node (or a proxy in front of it) answered 5xx.
    Server,
    /// The node answered another non-2xx status.
    Http,
    /// `fetch` failed: node offline, wrong base URL, or the browser blocked the request (CORS).
    Network,
    /// The call took longer than its `timeoutMs`.
    Timeout,
    /// The caller's `AbortSignal` aborted the call.
    Aborted,
    /// A 2xx answer whose body is not what the endpoint returns.
    Decode,
    /// `fetch` resolved with something that is not a `Response`: usually a fetch mock.
    InvalidResponse,
}

impl ErrorKind {
    /// The `snake_case` name used as `kind` in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Decode => "decode",
            ErrorKind::InvalidResponse => "invalid_response",
        }
    }

    /// The kind of a non-2xx status.
    pub(crate) fn from_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Http,
        }
    }
}

/// The JavaScript value behind a failure: the `TypeError` a `fetch` rejected with, or the
/// reason a caller's `AbortSignal` fired with. Opaque, and never compared: two errors that
/// differ only in their cause are equal. In JavaScript it is the error's `cause`.
#[derive(Clone, Default)]
pub struct Cause {
    #[cfg(target_arch = "wasm32")]
    pub(crate) value: Option<wasm_bindgen::JsValue>,
}

impl Cause {
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn js(value: wasm_bindgen::JsValue) -> Cause {
        Cause { value: Some(value) }
    }

    /// The JavaScript value, if there is one.
    #[cfg(target_arch = "wasm32")]
    pub fn as_js(&self) -> Option<&wasm_bindgen::JsValue> {
        self.value.as_ref()
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Cause) -> bool {
        true
    }
}

impl Eq for Cause {}

impl fmt::Debug for Cause {
    /// A JS value may hold anything: `Debug` does not print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cause")
    }
}

/// Every failure of this crate. Never contains the token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Bad input (token, base URL, expiry, perms, key…); nothing was sent.
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The node answered with a non-2xx status.
    Status {
        /// The HTTP status.
        status: u16,
        /// `reason` of the node's error envelope (`ERR_INVALID_TOKEN`, `Not Found`…).
        reason: Option<String>,
        /// `details` of the envelope, or a short excerpt of a non-JSON body.
        details: Option<String>,
        /// What the client adds: that the request was redirected and which `baseUrl` to use,
        /// or that a create may have made the key anyway.
        note: Option<String>,
    },
    /// `fetch` itself failed (no HTTP answer was read).
    Network {
        /// What happened, with the likely causes.
        message: String,
        /// What `fetch` rejected with.
        cause: Cause,
    },
    /// The call did not finish within its timeout.
    Timeout {
        /// What happened (and what the last try got, if a try failed before).
        message: String,
        /// The error of the last failed try, when the timeout came after a retry began (in the
        /// wait before it, or in the retried try itself).
        last: Option<Box<Error>>,
    },
    /// The caller aborted the call.
    Aborted {
        /// What happened.
        message: String,
        /// The reason the caller's signal fired with.
        cause: Cause,
    },
    /// A 2xx answer with a body that is not what the endpoint returns.
    Decode {
        /// The HTTP status of the answer.
        status: u16,
        /// What could not be decoded.
        message: String,
    },
    /// `fetch` resolved with something that is not a `Response` (no platform `fetch` does:
    /// usually a fetch mock). Not retried.
    InvalidResponse {
        /// What happened, with the likely cause.
        message: String,
    },
}

impl Error {
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Status { status, .. } => ErrorKind::from_status(*status),
            Error::Network { .. } => ErrorKind::Network,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Aborted { .. } => ErrorKind::Aborted,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::InvalidResponse { .. } => ErrorKind::InvalidResponse,
        }
    }

    /// The HTTP status, when an answer was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The node's `reason` (`ERR_INVALID_TOKEN`, `Not Found`, …), when it sent one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Error::Status { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }

    /// The node's `details`, or an excerpt of a non-JSON error body.
    pub fn details(&self) -> Option<&str> {
        match self {
            Error::Status { details, .. } => details.as_deref(),
            _ => None,
        }
    }

    /// A decode error of an answer with this `status` (the checks of a 2xx body do not know
    /// it); other errors are left as they are.
    pub(crate) fn at_status(self, status: u16) -> Error {
        match self {
            Error::Decode { message, .. } => Error::Decode { status, message },
            other => other,
        }
    }

    /// A 401 `ERR_INVALID_TOKEN`: the node does not know the token (any more).
    pub(crate) fn is_unknown_token(&self) -> bool {
        matches!(self, Error::Status { status: 401, reason: Some(reason), .. } if reason == "ERR_INVALID_TOKEN")
    }

    /// Appends a sentence to the message of a network, timeout, abort, decode or
    /// invalid-response error.
    pub(crate) fn with_note(mut self, note: &str) -> Error {
        match &mut self {
            Error::Network { message, .. }
            | Error::Timeout { message, .. }
            | Error::Aborted { message, .. }
            | Error::InvalidResponse { message } => {
                message.push(' ');
                message.push_str(note);
            }
            Error::Decode { message, .. } => {
                message.push_str(". ");
                message.push_str(note);
            }
            Error::Status { note: old, .. } => {
                *old = Some(match old.take() {
                    Some(old) => cat!(old, ". ", note),
                    None => note.into(),
                });
            }
            Error::InvalidInput { .. } => {}
        }
        self
    }
}

impl Error {
    /// The message, built without `core::fmt` (src/text.rs): the facade's `message`.
    pub(crate) fn message(&self) -> String {
        match self {
            Error::InvalidInput { message }
            | Error::Network { message, .. }
            | Error::Timeout { message, .. }
            | Error::Aborted { message, .. }
            | Error::InvalidResponse { message } => message.clone(),
            Error::Status {
                status,
                reason,
                details,
                note,
            } => {
                let mut out = cat!("Estuary node answered ", decimal(u64::from(*status)));
                if let Some(reason) = reason {
                    out.push(' ');
                    out.push_str(reason);
                }
                if let Some(details) = details {
                    out.push_str(": ");
                    out.push_str(details);
                }
                if let Some(note) = note {
                    out.push_str(". ");
                    out.push_str(note);
                }
                out
            }
            Error::Decode { status, message } => cat!(
                "unexpected body in a ",
                decimal(u64::from(*status)),
                " answer: ",
                message
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {
    /// The last failed try's error of a timeout that came after a retry began.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout {
                last: Some(last), ..
            } => Some(last.as_ref()),
            _ => None,
        }
    }
}

/// The two strings of a node's JSON error body, current or legacy shape (read by
/// `decode::envelope`).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Envelope {
    pub(crate) reason: Option<String>,
    pub(crate) details: Option<String>,
}

/// Appended to the message of a create that failed without a clear answer.
pub(crate) const MAYBE_CREATED: &str =
    "The node may have created the key anyway: list the keys before trying again.";

/// `input` between double quotes, with `"`, `\` and control characters escaped like Rust's
/// `{:?}` does: how messages quote what the user typed, without `{:?}`, whose escaping code
/// (Unicode's printable tables) costs the package 3,609 B gzip (issue 27, docs/benchmarks.md).
pub(crate) fn quoted(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(input.len() + 2);
    out.push('"');
    for c in input.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                out.push_str("\\u{");
                let code = c as u32;
                let digits = (32 - code.leading_zeros()).div_ceil(4).max(1);
                for i in (0..digits).rev() {
                    out.push(char::from(HEX[((code >> (i * 4)) & 0xf) as usize]));
                }
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first characters of a non-JSON body, tags stripped and whitespace collapsed, so an
/// HTML error page from a proxy still says something readable ("502 Bad Gateway nginx").
pub(crate) fn excerpt(body: &str) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let mut out = String::new();
    let mut in_tag = false;
    let mut pending_space = false;
    let mut count = 0;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                pending_space = true;
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                    count += 1;
                }
                pending_space = false;
                if count >= MAX_CHARS {
                    out.push('…');
                    break;
                }
                out.push(c);
                count += 1;
            }
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, reason: Option<&str>, details: Option<&str>) -> Error {
        Error::Status {
            status,
            reason: reason.map(Into::into),
            details: details.map(Into::into),
            note: None,
        }
    }

    #[test]
    fn a_status_error_says_status_reason_details_and_note() {
        let e = status(
            401,
            Some("ERR_INVALID_TOKEN"),
            Some("api key does not exist"),
        );
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(e.status(), Some(401));
        assert_eq!(e.reason(), Some("ERR_INVALID_TOKEN"));
        assert_eq!(e.details(), Some("api key does not exist"));
        assert_eq!(
            e.to_string(),
            "Estuary node answered 401 ERR_INVALID_TOKEN: api key does not exist"
        );
        assert_eq!(
            status(504, None, None).to_string(),
            "Estuary node answered 504"
        );
        assert_eq!(
            status(504, None, None)
                .with_note("a")
                .with_note("b")
                .to_string(),
            "Estuary node answered 504. a. b"
        );
    }

    #[test]
    fn html_body_gives_a_short_readable_excerpt() {
        let body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(
            excerpt(body).as_deref(),
            Some("502 Bad Gateway 502 Bad Gateway nginx")
        );
        assert_eq!(excerpt(""), None);
        assert_eq!(
            excerpt(r#"{"message":"teapot"}"#).as_deref(),
            Some(r#"{"message":"teapot"}"#)
        );
    }

    #[test]
    fn quoting_matches_debug_for_what_users_type() {
        for input in ["30d", "", "a\"b\\c", "1h\n", "µs\u{7f}x", "\u{0}"] {
            assert_eq!(quoted(input), format!("{input:?}"));
        }
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(10_000);
        let details = excerpt(&body).unwrap();
        assert_eq!(details.chars().count(), 201);
        assert!(details.ends_with('…'));
    }

    #[test]
    fn kinds_follow_the_status() {
        let kinds: Vec<&str> = [401, 403, 404, 429, 500, 502, 503, 504, 400, 405, 409, 302]
            .iter()
            .map(|s| ErrorKind::from_status(*s).as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "unauthorized",
                "forbidden",
                "not_found",
                "rate_limited",
                "server",
                "server",
                "server",
                "server",
                "http",
                "http",
                "http",
                "http"
            ]
        );
    }
}
