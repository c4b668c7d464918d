//! Base URL checks, path segments and query strings: every value is percent-encoded here.

use crate::error::Error;
use crate::text::{cat, parse_digits};

/// Checks that `input` is an absolute `http(s)` URL and returns it without trailing slashes.
///
/// A path prefix is kept (`https://example.org/estuary`). Credentials, a query or a fragment
/// are refused: they would leak into every request or change where requests go.
pub(crate) fn normalize_base_url(input: &str) -> Result<String, Error> {
    let bad = base_url_error;
    if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    // `split_once(':')` + `strip_prefix`, not `split_once("://")`: the substring searcher costs
    // the package 642 B gzip (issue 27, docs/benchmarks.md).
    let (scheme, rest) = input
        .split_once(':')
        .and_then(|(scheme, rest)| Some((scheme, rest.strip_prefix("//")?)))
        .ok_or_else(|| bad("it has no http:// or https:// scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("only http and https are supported"));
    }
    if rest.contains(['?', '#']) {
        return Err(bad("it must not have a query or fragment"));
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err(bad("it must not contain credentials"));
    }
    if !valid_authority(authority) {
        return Err(bad("its host or port is not valid"));
    }
    let path = path.trim_end_matches('/');
    Ok(if path.is_empty() {
        cat!(scheme, "://", authority)
    } else {
        cat!(scheme, "://", authority, "/", path)
    })
}

/// The error for a refused base URL, saying why.
pub(crate) fn base_url_error(why: &str) -> Error {
    Error::invalid(cat!(
        "baseUrl must be an absolute http(s) URL such as \"http://localhost:3004\": ",
        why
    ))
}

fn valid_authority(authority: &str) -> bool {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((addr, rest)) if !addr.is_empty() => match rest {
                "" => (addr, None),
                _ => match rest.strip_prefix(':') {
                    Some(port) => (addr, Some(port)),
                    None => return false,
                },
            },
            _ => return false,
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            // Non-ASCII letters (an internationalised name) are left to the platform's URL
            // parser, which checks every base URL after this: `char::is_alphanumeric` would
            // link Unicode's tables into the `.wasm` for them.
            .all(|c| {
                c.is_ascii_alphanumeric() || !c.is_ascii() || matches!(c, '.' | '-' | '_' | ':')
            });
    let port_ok = port.is_none_or(|p| p.len() <= 5 && parse_digits::<u16>(p).is_some());
    host_ok && port_ok
}

/// Percent-encodes every byte except RFC 3986's unreserved `A-Z a-z 0-9 - . _ ~`.
///
/// Used for both path segments and query values, so `/`, `?`, `#`, `&`, `=`, `+`, `%` and
/// spaces can never change the request's structure (the node decodes `%20` as a space).
pub(crate) fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// One encoded path segment. Empty, `.` and `..` are refused: URL parsers resolve dot
/// segments (even encoded ones), which would send the request to another path.
pub(crate) fn path_segment(what: &str, value: &str) -> Result<String, Error> {
    match value {
        "" => Err(Error::invalid(cat!(what, " must not be empty"))),
        "." | ".." => Err(Error::invalid(cat!(what, " must not be \".\" or \"..\""))),
        _ => Ok(encode_component(value)),
    }
}

/// A query string built from `(name, value)` pairs, values encoded: `?a=1&b=x%20y`, or `""`.
pub(crate) fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(&encode_component(name));
        out.push('=');
        out.push_str(&encode_component(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised() {
        let ok = [
            ("http://localhost:3004", "http://localhost:3004"),
            ("http://localhost:3004/", "http://localhost:3004"),
            ("HTTPS://api.example.org//", "https://api.example.org"),
            (
                "https://example.org/estuary/",
                "https://example.org/estuary",
            ),
            ("http://127.0.0.1:3004", "http://127.0.0.1:3004"),
            ("http://[::1]:3004/", "http://[::1]:3004"),
        ];
        for (input, want) in ok {
            assert_eq!(normalize_base_url(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for input in [
            "",
            "localhost:3004",
            "/user",
            "ftp://example.org",
            "http://",
            "http:///path",
            "http://exa mple.org",
            "http://example.org/?x=1",
            "http://example.org/#top",
            "http://user:pw@example.org",
            "http://example.org:99999",
            "http://example.org:",
            "http://example.org:+80",
            "http://ex%41mple.org",
            "javascript://alert(1)",
            " http://example.org",
        ] {
            let err = normalize_base_url(input).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{input:?}");
            assert!(err.to_string().starts_with("baseUrl must be"), "{err}");
        }
    }

    #[test]
    fn components_encode_everything_but_unreserved() {
        assert_eq!(encode_component("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode_component("../x?y#z"), "..%2Fx%3Fy%23z");
        assert_eq!(encode_component("a b&c=d+e%f"), "a%20b%26c%3Dd%2Be%25f");
        assert_eq!(encode_component("é✓"), "%C3%A9%E2%9C%93");
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for bad in ["", ".", ".."] {
            assert!(path_segment("key", bad).is_err(), "{bad:?}");
        }
        assert_eq!(path_segment("key", "...").unwrap(), "...");
        assert_eq!(path_segment("key", "a/b").unwrap(), "a%2Fb");
    }

    #[test]
    fn query_strings_encode_values() {
        assert_eq!(query_string([]), "");
        assert_eq!(
            query_string([("expiry", "720h"), ("label", "ci & deploy=1")]),
            "?expiry=720h&label=ci%20%26%20deploy%3D1"
        );
    }
}
