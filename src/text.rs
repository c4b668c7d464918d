//! Messages built without `core::fmt`. `format!` builds an `Arguments` at every call site and
//! links the formatting machinery (`fmt::write`, `Formatter::pad_integral`, integer `Display`),
//! which the npm package otherwise never needs. Measured (issue 27, docs/benchmarks.md):
//! `format!` everywhere costs the package +1,216 B gzip; `to_string()` for the numbers alone
//! +377 B. The one trick of this kind: every message goes through here.

/// Concatenates string parts (anything `AsRef<str>`): `cat!("a ", name, " b")`.
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {
        $crate::text::concat(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),+])
    };
}
pub(crate) use cat;

/// The parts, one after the other, in one allocation.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `text` as a number when it is ASCII digits only: `str::parse` alone would also take a
/// leading `+`, which neither a port nor `Retry-After` allows.
pub(crate) fn parse_digits<T: core::str::FromStr>(text: &str) -> Option<T> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// `n` in decimal.
pub(crate) fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n, 1);
    out
}

/// Appends `n` in decimal, with leading zeros up to `width` digits (at most 20).
pub(crate) fn push_decimal(out: &mut String, mut n: u64, width: usize) {
    // Lowest digit first; `get_mut`, not indexing, so no bounds-check panic is linked.
    let mut digits = [b'0'; 20];
    let mut len = 0;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0' + (n % 10) as u8;
        }
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = len.max(width).min(digits.len());
    for &d in digits.get(..len).unwrap_or_default().iter().rev() {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_matches_display() {
        for n in [0, 1, 9, 10, 99, 100, 65_535, 2_147_483_647, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn padding_matches_format() {
        for n in [0u64, 5, 123_456_789, 1_000_000_000, 999_999_999] {
            let mut s = String::new();
            push_decimal(&mut s, n, 9);
            assert_eq!(s, format!("{n:09}"));
        }
    }

    #[test]
    fn cat_joins_every_kind_of_string() {
        let owned = String::from("b");
        let borrowed = "c";
        assert_eq!(cat!("a", owned, borrowed, &owned, decimal(4)), "abcb4");
    }
}
