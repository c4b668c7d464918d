//! Property tests (native `cargo test`): the pure input paths never panic, and encodings
//! round-trip. Each property runs proptest's default 256 cases; `PROPTEST_CASES` raises it.
//! Compiled as a unit-test module of the crate (`src/lib.rs`, `#[path]`), so it reaches the
//! internal paths through the small wrappers below, and nothing is made public for it.

use crate::{token_hash, Expiry, UserStats};
use paths::{
    check_token, encode_component, excerpt, go_duration_nanos, normalize_base_url, path_segment,
    query_string,
};

/// The pure input paths, each as the properties call it.
mod paths {
    use crate::Error;

    /// A Go duration in nanoseconds, if it is one.
    pub fn go_duration_nanos(input: &str) -> Option<i64> {
        crate::expiry::parse_go_duration(input).ok()
    }

    /// Whether `token` is accepted as a token; why not, when it is not.
    pub fn check_token(token: &str) -> Result<(), Error> {
        crate::token::Token::new(token).map(drop)
    }

    /// See `url::normalize_base_url`.
    pub fn normalize_base_url(input: &str) -> Result<String, Error> {
        crate::url::normalize_base_url(input)
    }

    /// See `url::encode_component`.
    pub fn encode_component(value: &str) -> String {
        crate::url::encode_component(value)
    }

    /// See `url::path_segment`.
    pub fn path_segment(what: &str, value: &str) -> Result<String, Error> {
        crate::url::path_segment(what, value)
    }

    /// See `url::query_string`.
    pub fn query_string(pairs: &[(&str, &str)]) -> String {
        crate::url::query_string(pairs.iter().copied())
    }

    /// See `error::excerpt`.
    pub fn excerpt(body: &str) -> Option<String> {
        crate::error::excerpt(body)
    }
}
use proptest::prelude::*;

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #[test]
    fn duration_parser_never_panics(s in "\\PC*") {
        let _ = go_duration_nanos(&s);
        let _ = Expiry::parse(&s);
    }

    #[test]
    fn duration_parser_never_panics_on_duration_like_text(s in "[-+]?([0-9.]{0,25}(ns|us|µs|μs|ms|s|m|h|d|x)?){1,5}") {
        let _ = go_duration_nanos(&s);
        let _ = Expiry::parse(&s);
    }

    #[test]
    fn whole_hours_parse_to_their_nanoseconds(h in 0i64..2_562_047) {
        prop_assert_eq!(go_duration_nanos(&format!("{h}h")), Some(h * 3_600_000_000_000));
    }

    #[test]
    fn components_round_trip_and_use_only_safe_characters(s in "\\PC*") {
        let encoded = encode_component(&s);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        prop_assert_eq!(percent_decode(&encoded), s.as_bytes());
    }

    #[test]
    fn segments_never_contain_a_slash_or_dot_segment(s in "\\PC*") {
        if let Ok(segment) = path_segment("key", &s) {
            prop_assert!(!segment.contains('/') && !segment.contains('?') && !segment.contains('#'));
            prop_assert!(segment != "." && segment != ".." && !segment.is_empty());
        }
    }

    #[test]
    fn query_strings_round_trip(label in "\\PC*") {
        let q = query_string(&[("label", label.as_str())]);
        let value = q.strip_prefix("?label=").unwrap();
        prop_assert!(!value.contains('&') && !value.contains('='));
        prop_assert_eq!(percent_decode(value), label.as_bytes());
    }

    #[test]
    fn base_url_normalisation_never_panics_and_is_idempotent(s in "\\PC*") {
        if let Ok(url) = normalize_base_url(&s) {
            prop_assert_eq!(normalize_base_url(&url), Ok(url.clone()));
            prop_assert!(!url.ends_with('/'));
        }
    }

    #[test]
    fn valid_base_urls_are_accepted(host in "[a-z][a-z0-9-]{0,20}(\\.[a-z]{2,5})?", port in 1u32..65536, prefix in "(/[a-z0-9]{1,8}){0,3}/?") {
        let url = format!("http://{host}:{port}{prefix}");
        prop_assert!(normalize_base_url(&url).is_ok(), "{}", url);
    }

    #[test]
    fn token_checks_never_echo_the_token(s in "\\PC{3,40}") {
        if let Err(e) = check_token(&s) {
            prop_assert!(!e.to_string().contains(&s));
        }
    }

    #[test]
    fn hashes_are_43_url_safe_characters(s in "\\PC*") {
        let h = token_hash(&s);
        prop_assert_eq!(h.len(), 43);
        prop_assert!(h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn stats_decoder_never_panics(total in proptest::num::f64::ANY, pins in proptest::num::f64::ANY) {
        let json = format!("{{\"totalSize\":{},\"numPins\":{}}}",
            if total.is_finite() { total.to_string() } else { "null".into() },
            if pins.is_finite() { pins.to_string() } else { "null".into() });
        let _ = serde_json::from_str::<UserStats>(&json);
    }

    #[test]
    fn error_body_excerpts_never_panic_and_stay_short(body in "\\PC*") {
        if let Some(d) = excerpt(&body) { prop_assert!(d.chars().count() <= 201); }
    }
}
