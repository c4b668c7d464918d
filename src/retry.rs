//! When to retry, and how long to wait: pure rules, so they are tested natively.

use crate::error::Error;
use crate::text::parse_digits;

/// Network errors (a body cut off mid-read included) and the statuses that mean "try again
/// later" (docs/estuary-node.md "Rate limit": 429 above 200 requests/s; proxies in front of
/// nodes answer 502/503/504).
pub(crate) fn retryable(error: &Error) -> bool {
    match error {
        Error::Network { .. } => true,
        Error::Status { status, .. } => retryable_status(*status),
        _ => false,
    }
}

/// The statuses that are retried: the rate limit's 429 and a gateway's answers.
pub(crate) fn retryable_status(status: u16) -> bool {
    status == 429 || is_gateway(status)
}

/// A proxy's 502, 503 or 504: an answer that says nothing of what the node did.
pub(crate) fn is_gateway(status: u16) -> bool {
    matches!(status, 502..=504)
}

/// First backoff window; it doubles with each retry.
pub(crate) const BACKOFF_BASE_MS: f64 = 300.0;
/// The largest backoff window.
pub(crate) const BACKOFF_CAP_MS: f64 = 8_000.0;
/// A server's `Retry-After` is honoured up to this long.
pub(crate) const RETRY_AFTER_CAP_MS: f64 = 60_000.0;

/// The wait before retry number `attempt + 1`: the server's `Retry-After` when it was
/// readable (capped at 60 s), else "full jitter" — uniform in `[0, min(8 s, 300 ms · 2^attempt))`
/// — so that many clients throttled together do not come back together. `random` is in `[0, 1)`.
pub(crate) fn backoff_ms(attempt: u32, random: f64, retry_after_ms: Option<f64>) -> f64 {
    if let Some(ms) = retry_after_ms.filter(|ms| ms.is_finite()) {
        return ms.clamp(0.0, RETRY_AFTER_CAP_MS);
    }
    let window = (BACKOFF_BASE_MS * 2f64.powi(attempt.min(30) as i32)).min(BACKOFF_CAP_MS);
    random.clamp(0.0, 1.0) * window
}

/// `Retry-After` given in seconds (the HTTP-date form is parsed by the platform).
pub(crate) fn retry_after_seconds_ms(value: &str) -> Option<f64> {
    parse_digits::<u32>(value.trim()).map(|s| f64::from(s) * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_double_from_300_ms_and_stop_at_8_s() {
        let windows: Vec<f64> = (0..8).map(|a| backoff_ms(a, 1.0, None)).collect();
        assert_eq!(
            windows,
            [300.0, 600.0, 1200.0, 2400.0, 4800.0, 8000.0, 8000.0, 8000.0]
        );
        assert_eq!(backoff_ms(u32::MAX, 1.0, None), 8000.0);
        assert_eq!(backoff_ms(3, 0.0, None), 0.0);
        assert_eq!(backoff_ms(1, 0.5, None), 300.0);
    }

    #[test]
    fn retry_after_wins_and_is_bounded() {
        assert_eq!(backoff_ms(0, 0.9, Some(2000.0)), 2000.0);
        assert_eq!(backoff_ms(0, 0.9, Some(1e9)), 60_000.0);
        assert_eq!(backoff_ms(0, 0.9, Some(-5.0)), 0.0);
        assert_eq!(backoff_ms(0, 1.0, Some(f64::NAN)), 300.0);
    }

    #[test]
    fn retry_after_seconds_parse() {
        assert_eq!(retry_after_seconds_ms("3"), Some(3000.0));
        assert_eq!(retry_after_seconds_ms(" 0 "), Some(0.0));
        assert_eq!(
            retry_after_seconds_ms("Wed, 21 Oct 2026 07:28:00 GMT"),
            None
        );
        assert_eq!(retry_after_seconds_ms("-1"), None);
        assert_eq!(retry_after_seconds_ms("+1"), None);
        assert_eq!(retry_after_seconds_ms(""), None);
    }
}
