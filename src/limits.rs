//! The bounds of timeouts and retries, checked before anything is sent.

use std::time::Duration;

use crate::error::Error;

/// The default timeout of a call, retries and their waits included: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// [`DEFAULT_TIMEOUT`] in milliseconds.
pub(crate) const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The default number of retries of GET and DELETE calls.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The most retries a client or a call may ask for.
pub const MAX_RETRIES: u32 = 10;
/// The longest timeout: what `setTimeout` accepts (2^31 − 1 ms, about 24.8 days). A longer
/// one would fire at once, so it is refused rather than passed on.
pub const MAX_TIMEOUT: Duration = Duration::from_millis(2_147_483_647);

/// A timeout as the whole milliseconds given to `setTimeout`; `None` means none (`0`).
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> Result<u32, Error> {
    match timeout {
        None => Ok(0),
        Some(t) if t > MAX_TIMEOUT => Err(Error::invalid(
            "timeout must be at most 2147483647 ms (about 24.8 days); use no timeout instead",
        )),
        Some(t) if t.is_zero() => Err(Error::invalid(
            "timeout must be longer than 0 ms; use no timeout instead",
        )),
        // Rounded up, so that 0.5 ms does not become "no timeout".
        Some(t) => Ok(u32::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(u32::MAX)),
    }
}

pub(crate) fn check_retries(retries: u32) -> Result<u32, Error> {
    if retries > MAX_RETRIES {
        return Err(Error::invalid("maxRetries must be at most 10"));
    }
    Ok(retries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_timeout_in_milliseconds_is_the_default_timeout() {
        assert_eq!(timeout_ms(Some(DEFAULT_TIMEOUT)), Ok(DEFAULT_TIMEOUT_MS));
    }

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
}
