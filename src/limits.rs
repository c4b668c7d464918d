//! The limits of the client, defined once: the Rust builder, the per-call settings, the JS
//! options and every message that names a limit use these.

use std::time::Duration;

use crate::error::Error;
use crate::text::{cat, decimal};

/// The default timeout of a call, retries and their waits included: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default number of retries of GET and DELETE calls.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The most retries a client or a call may ask for.
pub const MAX_RETRIES: u32 = 10;
/// The longest timeout: what `setTimeout` accepts (2^31 − 1 ms, about 24.8 days). A longer
/// one would fire at once, so it is refused rather than passed on.
pub const MAX_TIMEOUT: Duration = Duration::from_millis(MAX_TIMEOUT_MS as u64);
/// [`MAX_TIMEOUT`] in milliseconds.
const MAX_TIMEOUT_MS: u32 = 2_147_483_647;
/// The most of a non-2xx body that is read: its envelope's two strings and an excerpt fit
/// many times over, and a proxy's multi-megabyte error page is not copied into wasm.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;
/// The longest `reason` or `details` of an error envelope that is kept (UTF-16 code units).
pub(crate) const MAX_ENVELOPE_FIELD: u32 = 2 * 1024;
/// How much of a non-envelope error body is copied into wasm for its excerpt (UTF-16 code
/// units): the excerpt shows 200 characters, and tags and whitespace before them are dropped.
pub(crate) const EXCERPT_SOURCE: u32 = 8 * 1024;

/// A timeout as the whole milliseconds given to `setTimeout`; `None` means none (`0`).
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> Result<u32, Error> {
    match timeout {
        None => Ok(0),
        Some(t) if t > MAX_TIMEOUT => Err(Error::invalid(cat!(
            "the timeout (timeoutMs) must be at most ",
            decimal(MAX_TIMEOUT_MS.into()),
            " ms (about 24.8 days); use no timeout instead"
        ))),
        Some(t) if t.is_zero() => Err(Error::invalid(
            "the timeout must be longer than 0 ms; use no timeout instead",
        )),
        // Rounded up, so that 0.5 ms does not become "no timeout".
        Some(t) => Ok(u32::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(u32::MAX)),
    }
}

/// A timeout given in milliseconds by JavaScript (`timeoutMs`): a whole number, `0` for none.
#[cfg_attr(not(feature = "js"), allow(dead_code))] // the JS facade's; tested natively
pub(crate) fn timeout_ms_from_js(ms: f64) -> Result<u32, Error> {
    if ms.fract() != 0.0 || ms < 0.0 {
        return Err(Error::invalid(cat!(
            "timeoutMs must be a whole number of milliseconds from 0 (no timeout) to ",
            decimal(MAX_TIMEOUT_MS.into())
        )));
    }
    // `as` saturates (and NaN is refused above), so a huge number is refused as too long.
    timeout_ms((ms > 0.0).then(|| Duration::from_millis(ms as u64)))
}

/// A retry count (`maxRetries`), at most [`MAX_RETRIES`].
pub(crate) fn check_retries(retries: u32) -> Result<u32, Error> {
    if retries > MAX_RETRIES {
        return Err(retries_error());
    }
    Ok(retries)
}

/// A retry count given by JavaScript: a whole number from 0 to [`MAX_RETRIES`].
#[cfg_attr(not(feature = "js"), allow(dead_code))] // the JS facade's; tested natively
pub(crate) fn retries_from_js(retries: f64) -> Result<u32, Error> {
    if retries.fract() != 0.0 || !(0.0..=f64::from(MAX_RETRIES)).contains(&retries) {
        return Err(retries_error());
    }
    check_retries(retries as u32)
}

fn retries_error() -> Error {
    Error::invalid(cat!(
        "maxRetries must be a whole number from 0 to ",
        decimal(MAX_RETRIES.into())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_whole_milliseconds_within_set_timeout() {
        assert_eq!(timeout_ms(None), Ok(0));
        assert_eq!(timeout_ms(Some(Duration::from_secs(30))), Ok(30_000));
        assert_eq!(timeout_ms(Some(Duration::from_micros(1))), Ok(1));
        assert_eq!(timeout_ms(Some(MAX_TIMEOUT)), Ok(2_147_483_647));
        for bad in [
            Duration::ZERO,
            MAX_TIMEOUT + Duration::from_millis(1),
            Duration::MAX,
        ] {
            assert!(timeout_ms(Some(bad)).is_err(), "{bad:?}");
        }
        assert!(check_retries(11).is_err());
        assert_eq!(check_retries(10), Ok(10));
    }

    #[test]
    fn javascript_numbers_meet_the_same_limits() {
        assert_eq!(timeout_ms_from_js(0.0), Ok(0));
        assert_eq!(timeout_ms_from_js(30_000.0), Ok(30_000));
        assert_eq!(timeout_ms_from_js(2_147_483_647.0), Ok(2_147_483_647));
        for bad in [-1.0, 0.5, 2_147_483_648.0, 1e300, f64::INFINITY, f64::NAN] {
            assert!(timeout_ms_from_js(bad).is_err(), "{bad}");
        }
        assert_eq!(retries_from_js(10.0), Ok(10));
        for bad in [-1.0, 1.5, 11.0, f64::NAN, 1e300] {
            let message = retries_from_js(bad).unwrap_err().to_string();
            assert_eq!(message, "maxRetries must be a whole number from 0 to 10");
        }
        let too_long = timeout_ms_from_js(1e10).unwrap_err().to_string();
        assert!(too_long.contains("at most 2147483647 ms"), "{too_long}");
    }
}
