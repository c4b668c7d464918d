//! Key lifetimes: Go's duration grammar, checked before anything is sent.
//!
//! The node parses `expiry` with Go's `time.ParseDuration` and answers a bad value with a
//! 500 (docs/estuary-node.md "POST /user/api-keys"), so the client checks the exact same grammar first
//! and says what is wrong instead.

use crate::error::{quoted, Error};
use crate::text::{cat, push_decimal};

/// The lifetime of a new API key. Made only by parsing ([`Expiry::parse`] or `str::parse`),
/// so every value holds a duration the node will accept; [`Expiry::default`] is the node's
/// default of 30 days.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Expiry(Lifetime);

#[derive(Clone, Debug, PartialEq, Eq, Default)]
enum Lifetime {
    /// The node's default: 30 days (no `expiry` parameter is sent).
    #[default]
    Default,
    /// A key that never expires (the node makes it last 100 years; sent as `expiry=false`).
    Never,
    /// A Go duration such as `720h`, `1h30m`, `1.5h` or `90m`, already validated.
    Duration(String),
}

impl Expiry {
    /// Parses what a user typed: `"never"`, or a Go duration. An empty string is the default.
    /// `"false"`, the node's own wire value for "never", is accepted too.
    pub fn parse(input: &str) -> Result<Expiry, Error> {
        Ok(Expiry(match input {
            "" => Lifetime::Default,
            "never" | "false" => Lifetime::Never,
            _ => match parse_go_duration(input) {
                Ok(_) => Lifetime::Duration(input.to_owned()),
                Err(problem) => return Err(Error::invalid(problem.message(input))),
            },
        }))
    }

    /// The value of the `expiry` query parameter, if one is sent (`"false"` for never).
    pub(crate) fn query_value(&self) -> Option<&str> {
        match &self.0 {
            Lifetime::Default => None,
            // docs/estuary-node.md "POST /user/api-keys": the literal `false` makes a "permanent" (100-year) key.
            Lifetime::Never => Some("false"),
            Lifetime::Duration(d) => Some(d),
        }
    }
}

impl core::str::FromStr for Expiry {
    type Err = Error;

    fn from_str(input: &str) -> Result<Expiry, Error> {
        Expiry::parse(input)
    }
}

/// Why a string is not a Go duration.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DurationError {
    /// Not of the shape `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`.
    Invalid,
    /// A number without a unit (`"1"`).
    MissingUnit,
    /// A unit Go does not know (`"d"`, `"w"`, `"y"`…).
    UnknownUnit(String),
    /// Beyond ±2562047h47m16.854775807s.
    Overflow,
}

impl DurationError {
    fn message(&self, input: &str) -> String {
        let input_q = quoted(input);
        const FORMS: &str = "use a Go duration such as \"720h\", \"1h30m\", \"1.5h\" or \"90m\" (units ns, us, µs, ms, s, m, h), or \"never\"";
        match self {
            DurationError::UnknownUnit(unit) if unit == "d" => {
                let hint = match input.strip_suffix('d') {
                    Some(days) => match parse_go_duration_hours(days) {
                        Some(duration) => cat!(days, " days is ", duration),
                        None => "1 day is 24h".to_owned(),
                    },
                    None => "1 day is 24h".to_owned(),
                };
                cat!(
                    "invalid expiry ",
                    input_q,
                    ": Go durations have no \"d\" unit; ",
                    hint
                )
            }
            DurationError::UnknownUnit(unit) => {
                cat!(
                    "invalid expiry ",
                    input_q,
                    ": unknown unit ",
                    quoted(unit),
                    "; ",
                    FORMS
                )
            }
            DurationError::MissingUnit => {
                cat!("invalid expiry ", input_q, ": missing unit; ", FORMS)
            }
            DurationError::Overflow => {
                cat!(
                    "invalid expiry ",
                    input_q,
                    ": too large (the maximum is 2562047h)"
                )
            }
            DurationError::Invalid => cat!("invalid expiry ", input_q, ": ", FORMS),
        }
    }
}

/// For the "30d" hint: `days` times 24 hours as a Go duration (`720h`, `36h`, `2h24m`), when
/// `days` is a plain decimal. Integer arithmetic only (float formatting costs the `.wasm` KBs).
fn parse_go_duration_hours(days: &str) -> Option<String> {
    let nanos = parse_go_duration(&cat!(days, "h")).ok()?.checked_mul(24)?;
    let (sign, nanos) = if nanos < 0 {
        ("-", nanos.unsigned_abs())
    } else {
        ("", nanos as u64)
    };
    let (hours, rest) = (nanos / HOUR, nanos % HOUR);
    let (minutes, rest) = (rest / MINUTE, rest % MINUTE);
    let mut out = String::from(sign);
    push_decimal(&mut out, hours, 1);
    out.push('h');
    if minutes > 0 {
        push_decimal(&mut out, minutes, 1);
        out.push('m');
    }
    if rest > 0 {
        let mut fraction = String::new();
        push_decimal(&mut fraction, rest % SECOND, 9);
        let fraction = fraction.trim_end_matches('0');
        push_decimal(&mut out, rest / SECOND, 1);
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
        out.push('s');
    }
    Some(out)
}

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1000 * NANOSECOND;
const MILLISECOND: u64 = 1000 * MICROSECOND;
const SECOND: u64 = 1000 * MILLISECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const LIMIT: u64 = 1 << 63;

fn unit(name: &str) -> Option<u64> {
    Some(match name {
        "ns" => NANOSECOND,
        // Go accepts both micro signs: U+00B5 and U+03BC.
        "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
        "ms" => MILLISECOND,
        "s" => SECOND,
        "m" => MINUTE,
        "h" => HOUR,
        _ => return None,
    })
}

/// Go's `time.ParseDuration`, step for step (Go's `src/time/format.go`), in nanoseconds.
pub(crate) fn parse_go_duration(input: &str) -> Result<i64, DurationError> {
    let mut s = input.as_bytes();
    let mut neg = false;
    if let Some((&c, rest)) = s.split_first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = rest;
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(DurationError::Invalid);
    }
    let mut total: u64 = 0;
    while let Some(&first) = s.first() {
        if !(first == b'.' || first.is_ascii_digit()) {
            return Err(DurationError::Invalid);
        }
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or(DurationError::Invalid)?;
        s = rest;
        let pre = before != s.len();
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = s.get(1..).unwrap_or_default();
            let before = s.len();
            let (ff, sc, rest) = leading_fraction(s);
            (f, scale, s) = (ff, sc, rest);
            post = before != s.len();
        }
        if !pre && !post {
            return Err(DurationError::Invalid);
        }
        let unit_len = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(DurationError::MissingUnit);
        }
        // The unit as `&str`: it is cut at ASCII bytes, so always on character boundaries
        // (`get`, not a lossy conversion, which costs the `.wasm` its own decoder).
        let at = input.len() - s.len();
        let name = input.get(at..at + unit_len).ok_or(DurationError::Invalid)?;
        s = s.get(unit_len..).unwrap_or_default();
        let unit = unit(name).ok_or_else(|| DurationError::UnknownUnit(name.to_owned()))?;
        if v > LIMIT / unit {
            return Err(DurationError::Overflow);
        }
        v *= unit;
        if f > 0 {
            // As in Go: float64 keeps fractions of hours nanosecond-accurate.
            v = v.saturating_add((f as f64 * (unit as f64 / scale)) as u64);
            if v > LIMIT {
                return Err(DurationError::Overflow);
            }
        }
        total = total.saturating_add(v);
        if total > LIMIT {
            return Err(DurationError::Overflow);
        }
    }
    if neg {
        // total <= 2^63 here, so the negation always fits.
        return Ok((total as i64).wrapping_neg());
    }
    if total > LIMIT - 1 {
        return Err(DurationError::Overflow);
    }
    Ok(total as i64)
}

fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut x: u64 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(s[i] - b'0');
        if x > LIMIT {
            return None;
        }
        i += 1;
    }
    Some((x, s.get(i..).unwrap_or_default()))
}

fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let (mut x, mut scale, mut overflow) = (0u64, 1f64, false);
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if !overflow {
            if x > (LIMIT - 1) / 10 {
                overflow = true;
            } else {
                let y = x * 10 + u64::from(s[i] - b'0');
                if y > LIMIT {
                    overflow = true;
                } else {
                    x = y;
                    scale *= 10.0;
                }
            }
        }
        i += 1;
    }
    (x, scale, s.get(i..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = SECOND as i64;
    const MS: i64 = MILLISECOND as i64;
    const US: i64 = MICROSECOND as i64;
    const MIN: i64 = MINUTE as i64;
    const H: i64 = HOUR as i64;

    /// Go's own `parseDurationTests` (src/time/time_test.go).
    #[test]
    fn go_valid_vectors() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("5s", 5 * S),
            ("30s", 30 * S),
            ("1478s", 1478 * S),
            ("-5s", -5 * S),
            ("+5s", 5 * S),
            ("-0", 0),
            ("+0", 0),
            ("5.0s", 5 * S),
            ("5.6s", 5 * S + 600 * MS),
            ("5.s", 5 * S),
            (".5s", 500 * MS),
            ("1.0s", S),
            ("1.00s", S),
            ("1.004s", S + 4 * MS),
            ("1.0040s", S + 4 * MS),
            ("100.00100s", 100 * S + MS),
            ("10ns", 10),
            ("11us", 11 * US),
            ("12µs", 12 * US),
            ("12μs", 12 * US),
            ("13ms", 13 * MS),
            ("14s", 14 * S),
            ("15m", 15 * MIN),
            ("16h", 16 * H),
            ("3h30m", 3 * H + 30 * MIN),
            ("10.5s4m", 4 * MIN + 10 * S + 500 * MS),
            ("-2m3.4s", -(2 * MIN + 3 * S + 400 * MS)),
            ("1h2m3s4ms5us6ns", H + 2 * MIN + 3 * S + 4 * MS + 5 * US + 6),
            ("39h9m14.425s", 39 * H + 9 * MIN + 14 * S + 425 * MS),
            ("52763797000ns", 52763797000),
            ("0.3333333333333333333h", 20 * MIN),
            ("9007199254740993ns", (1 << 53) + 1),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-9223372036s854ms775us808ns", i64::MIN),
            ("-2562047h47m16.854775808s", i64::MIN),
            ("0.100000000000000000000h", 6 * MIN),
            ("0.830103483285477580700h", 49 * MIN + 48 * S + 372539827),
        ];
        for (input, want) in cases {
            assert_eq!(parse_go_duration(input), Ok(*want), "{input}");
        }
    }

    #[test]
    fn go_invalid_vectors() {
        for input in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "\u{85}\u{85}",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "9223372036s854ms775us808ns",
            "-9223372036854775809ns",
        ] {
            assert!(parse_go_duration(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn errors_are_classified_like_go() {
        assert_eq!(parse_go_duration("1"), Err(DurationError::MissingUnit));
        assert_eq!(
            parse_go_duration("30d"),
            Err(DurationError::UnknownUnit("d".into()))
        );
        assert_eq!(
            parse_go_duration("1h 30m"),
            Err(DurationError::UnknownUnit("h ".into()))
        );
        assert_eq!(parse_go_duration("abc"), Err(DurationError::Invalid));
        assert_eq!(
            parse_go_duration("9999999999h"),
            Err(DurationError::Overflow)
        );
    }

    #[test]
    fn thirty_days_is_rejected_with_the_hours_it_means() {
        let err = Expiry::parse("30d").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        let msg = err.to_string();
        assert!(msg.contains("no \"d\" unit"), "{msg}");
        assert!(msg.contains("30 days is 720h"), "{msg}");
        let msg = Expiry::parse("1.5d").unwrap_err().to_string();
        assert!(msg.contains("1.5 days is 36h"), "{msg}");
        let msg = Expiry::parse("0.1d").unwrap_err().to_string();
        assert!(msg.contains("0.1 days is 2h24m"), "{msg}");
        let msg = Expiry::parse("0.00001d").unwrap_err().to_string();
        assert!(msg.contains("0.00001 days is 0h0.864s"), "{msg}");
        let msg = Expiry::parse("-2d").unwrap_err().to_string();
        assert!(msg.contains("-2 days is -48h"), "{msg}");
        let msg = Expiry::parse("1d12h").unwrap_err().to_string();
        assert!(msg.contains("1 day is 24h"), "{msg}");
    }

    #[test]
    fn never_and_default_map_to_the_servers_values() {
        assert_eq!(Expiry::parse("never").unwrap().query_value(), Some("false"));
        assert_eq!(Expiry::parse("").unwrap().query_value(), None);
        assert_eq!(Expiry::parse("720h").unwrap().query_value(), Some("720h"));
        assert_eq!(
            Expiry::parse("false").unwrap(),
            Expiry::parse("never").unwrap()
        );
        assert_eq!(Expiry::parse("").unwrap(), Expiry::default());
        assert_eq!(
            "1h30m".parse::<Expiry>().unwrap().query_value(),
            Some("1h30m")
        );
    }

    #[test]
    fn accepted_forms_from_the_issue() {
        for ok in [
            "720h", "1h30m", "1.5h", "90m", "300ms", "1µs", "1μs", "-1h", "0",
        ] {
            assert!(Expiry::parse(ok).is_ok(), "{ok}");
        }
    }
}
