//! The bearer token: checked once, never printed, and hashed like the node hashes it.

use core::fmt;

use sha2::{Digest, Sha256};

use crate::error::Error;

/// An API key or session token. Its `Debug` output is redacted; it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Token(String);

impl Token {
    /// Checks a token: non-empty printable ASCII without whitespace.
    ///
    /// The node does not check the format (docs/estuary-node.md "Authentication"), but a token with
    /// whitespace could never authenticate (`Bearer  x` is `ERR_INVALID_AUTH`) and a non-ASCII
    /// one cannot be sent in a header. The message never repeats the token.
    pub(crate) fn new(token: &str) -> Result<Token, Error> {
        if token.is_empty() {
            return Err(Error::invalid("token must not be empty"));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                "token must be printable ASCII without whitespace or control characters",
            ));
        }
        Ok(Token(token.to_owned()))
    }

    /// The token itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of this token replaced by `[redacted]`: a proxy or a
    /// buggy node could echo the request in an error body, and the token never leaves this
    /// crate. Square brackets, because the excerpt of an HTML body strips anything that looks
    /// like a tag.
    pub(crate) fn redact(&self, text: String) -> String {
        redact(text, &self.0)
    }

    /// The node's hash of this token (see [`token_hash`]).
    pub(crate) fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// `text` with everything shaped like an Estuary token (`EST`, hex digits and dashes, `ARY`:
/// docs/estuary-node.md "Authentication") replaced by `[redacted]`, also where a letter is
/// spelled as a JSON `\uXXXX` escape. For text the platform or a server wrote about a request
/// whose URL may hold a token (a legacy row's revoke): Deno's fetch errors quote the URL, and a
/// proxy may echo the path in its error page. Whoever's token it is, it is not shown.
pub(crate) fn mask_tokens(text: String) -> String {
    replace_matches(text, token_end)
}

/// Whether all of `text` is shaped like an Estuary token (see [`mask_tokens`]).
pub(crate) fn is_token(text: &str) -> bool {
    token_end(text.as_bytes(), 0) == Some(text.len())
}

/// `text` with every occurrence of `secret` (ASCII: a token, or a path segment as sent)
/// replaced by `[redacted]`.
pub(crate) fn redact(text: String, secret: &str) -> String {
    let secret = secret.as_bytes();
    if secret.is_empty() {
        return text;
    }
    replace_matches(text, |bytes, at| {
        bytes
            .get(at..)?
            .starts_with(secret)
            .then_some(at + secret.len())
    })
}

/// `text` with each match replaced by `[redacted]`, where `match_end(bytes, at)` says where a
/// match starting at `at` ends. A plain byte scan rather than `str::replace`, whose substring
/// searcher costs the package 793 B gzip (issue 27, docs/benchmarks.md). Matches start and
/// end at ASCII bytes, so the text is copied as `&str` slices with no UTF-8 check to link; it
/// is copied only once a match is found.
fn replace_matches(text: String, match_end: impl Fn(&[u8], usize) -> Option<usize>) -> String {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut at, mut copied) = (0, 0);
    while at < bytes.len() {
        match match_end(bytes, at) {
            Some(end) => {
                let replaced = out.get_or_insert_with(|| String::with_capacity(text.len()));
                replaced.push_str(text.get(copied..at).unwrap_or_default());
                replaced.push_str("[redacted]");
                (at, copied) = (end, end);
            }
            None => at += 1,
        }
    }
    match out {
        None => text,
        Some(mut replaced) => {
            replaced.push_str(text.get(copied..).unwrap_or_default());
            replaced
        }
    }
}

/// The character at `at`, as an ASCII byte, and where the next one starts: a plain byte, or a
/// JSON escape `\uXXXX` of an ASCII character.
fn char_at(bytes: &[u8], at: usize) -> Option<(u8, usize)> {
    let first = *bytes.get(at)?;
    if first == b'\\' && bytes.get(at + 1) == Some(&b'u') {
        let mut code = 0;
        for &digit in bytes.get(at + 2..at + 6)? {
            code = code * 16 + char::from(digit).to_digit(16)?;
        }
        return u8::try_from(code)
            .ok()
            .filter(u8::is_ascii)
            .map(|c| (c, at + 6));
    }
    Some((first, at + 1))
}

/// Where a token that starts at `at` ends, if one does: `EST`, then at least one hex digit or
/// dash, then `ARY` (whose `A` is itself a hex digit, so it is the last of the run); or `EST`
/// and at least 8 hex digits or dashes without the `ARY`, as a cut-off echo leaves it.
fn token_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    for expected in *b"EST" {
        let (c, next) = char_at(bytes, at)?;
        if c != expected {
            return None;
        }
        at = next;
    }
    let (mut run, mut last) = (0, 0);
    while let Some((c, next)) = char_at(bytes, at) {
        if !(c.is_ascii_hexdigit() || c == b'-') {
            break;
        }
        (run, last, at) = (run + 1, c, next);
    }
    let cut_off = (run >= 8).then_some(at);
    if run < 2 || last != b'A' {
        return cut_off;
    }
    for expected in *b"RY" {
        match char_at(bytes, at) {
            Some((c, next)) if c == expected => at = next,
            _ => return cut_off,
        }
    }
    Some(at)
}

/// SHA-256 of the token's UTF-8 bytes, base64url without padding: the `tokenHash` the node
/// stores and lists (docs/estuary-node.md "Authentication"). Revoking by hash keeps the secret out
/// of URLs and access logs.
pub fn token_hash(token: &str) -> String {
    base64url(&Sha256::digest(token.as_bytes()))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_tokens_are_recognised_and_nothing_else() {
        for token in [
            "ESTc0ffee00-0000-4000-8000-000000000001ARY",
            "EST0123ARY",
            "EST0123456789",
        ] {
            assert!(is_token(token), "{token}");
        }
        for other in [
            "",
            "abc",
            "my-old-secret",
            "oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI",
            " ESTc0ffee00ARY",
            "ESTc0ffee00ARY/x",
            "ESTxARY",
        ] {
            assert!(!is_token(other), "{other}");
        }
    }

    #[test]
    fn any_token_shape_is_masked_also_when_json_escapes_it() {
        let token = "ESTc0ffee00-0000-4000-8000-000000000006ARY";
        for (text, shown) in [
            (
                format!("error sending request for url (http://n/user/api-keys/{token})"),
                "error sending request for url (http://n/user/api-keys/[redacted])",
            ),
            (format!("{token}{token}"), "[redacted][redacted]"),
            (format!("\\u0045ST{}", &token[3..]), "[redacted]"),
            (
                "x\\u0045\\u0053\\u0054c0ffee00-0000-4000-8000-0000000000\\u0041RY y".to_owned(),
                "x[redacted] y",
            ),
            (
                "ESTABLISHED ARY, EST-ARY is no token".to_owned(),
                "ESTABLISHED ARY, [redacted] is no token",
            ),
            (
                "ESTARY ESTxARY ESTab ESTÄARY".to_owned(),
                "ESTARY ESTxARY ESTab ESTÄARY",
            ),
            ("ünïcode ESTabcARY ✓".to_owned(), "ünïcode [redacted] ✓"),
        ] {
            assert_eq!(mask_tokens(text.clone()), shown, "{text}");
        }
    }

    #[test]
    fn hash_matches_the_vector_in_the_node_document() {
        assert_eq!(
            token_hash("EST00000000-0000-0000-0000-000000000000ARY"),
            "oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI"
        );
    }

    #[test]
    fn sha256_matches_nist_vectors() {
        let hex = |data: &[u8]| {
            Sha256::digest(data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(
            hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn base64url_has_no_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn bad_tokens_are_refused_without_echoing_them() {
        for bad in ["", "EST x", "ESTx\n", "EST\u{7f}", "ESTé", "\tEST"] {
            let err = Token::new(bad).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
            if !bad.trim().is_empty() {
                assert!(!err.to_string().contains(bad.trim()), "{err}");
            }
        }
    }

    #[test]
    fn echoed_tokens_are_redacted() {
        let token = Token::new("ESTabcARY").unwrap();
        assert_eq!(
            token.redact("x ESTabcARY yé ESTabcARYESTabcARY ESTab".into()),
            "x [redacted] yé [redacted][redacted] ESTab"
        );
        assert_eq!(token.redact("é".into()), "é");
    }

    #[test]
    fn debug_output_is_redacted() {
        let token = Token::new("ESTsecretARY").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }
}
