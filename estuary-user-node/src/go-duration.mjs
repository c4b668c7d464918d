// A faithful port of Go's time.ParseDuration (Go 1.17+), including its error messages.
// docs/estuary-node.md "POST /user/api-keys": the node feeds `expiry` straight into
// time.ParseDuration and answers 500 with err.Error() as `details`, so clients see these exact
// strings (`time: invalid duration "abc"`, `time: missing unit in duration "1"`,
// `time: unknown unit "d" in duration "30d"`).
//
// Input is a byte string (see go-compat.mjs): Go walks the value byte by byte, so a unit may
// contain any non-digit bytes ("h 30m" in "1h 30m" is one unknown unit).

import { timeQuote } from './go-compat.mjs';

const UNITS = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\xc2\xb5s', 1_000n], // "µs", U+00B5 MICRO SIGN, as UTF-8 bytes
  ['\xce\xbcs', 1_000n], // "μs", U+03BC GREEK SMALL LETTER MU, as UTF-8 bytes
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const TWO_63 = 1n << 63n;
const isDigit = (c) => c >= 48 && c <= 57;

class DurationError extends Error {}

/** leadingInt: consume [0-9]*; overflow past 1<<63 is an error. */
function leadingInt(s, i) {
  let x = 0n;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    if (x > TWO_63 / 10n) return null; // overflow
    x = x * 10n + BigInt(c - 48);
    if (x > TWO_63) return null; // overflow
  }
  return { x, i };
}

/** leadingFraction: consume [0-9]*; stops gaining precision instead of failing on overflow. */
function leadingFraction(s, i) {
  let x = 0n;
  let scale = 1;
  let overflow = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    if (overflow) continue;
    if (x > (TWO_63 - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = x * 10n + BigInt(c - 48);
    if (y > TWO_63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return { x, scale, i };
}

/**
 * Parse a Go duration. Returns the duration in nanoseconds as a BigInt (int64 range), or throws
 * an Error whose message is exactly Go's err.Error().
 * @param {string} orig byte string (plain ASCII input is fine as is)
 */
export function parseDuration(orig) {
  const invalid = () => new DurationError('time: invalid duration ' + timeQuote(orig));
  let s = orig;
  let i = 0;
  let d = 0n;
  let neg = false;

  // Consume [-+]?
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      i = 1;
    }
  }
  // Special case: if all that is left is "0", this is zero.
  if (s.slice(i) === '0') return 0n;
  if (s.slice(i) === '') throw invalid();

  while (i < s.length) {
    let v;
    let f = 0n; // integers before, after the decimal point
    let scale = 1; // value = v + f/scale

    // The next character must be [0-9.]
    const c0 = s.charCodeAt(i);
    if (!(c0 === 46 || isDigit(c0))) throw invalid();

    // Consume [0-9]*
    const pl = i;
    const li = leadingInt(s, i);
    if (li === null) throw invalid();
    v = li.x;
    i = li.i;
    const pre = pl !== i; // whether we consumed anything before a period

    // Consume (\.[0-9]*)?
    let post = false;
    if (i < s.length && s[i] === '.') {
      i++;
      const fl = i;
      const lf = leadingFraction(s, i);
      f = lf.x;
      scale = lf.scale;
      i = lf.i;
      post = fl !== i;
    }
    if (!pre && !post) throw invalid(); // no digits (e.g. ".s" or "-.s")

    // Consume unit: everything up to the next digit or '.'.
    let j = i;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === 46 || isDigit(c)) break;
    }
    if (j === i) throw new DurationError('time: missing unit in duration ' + timeQuote(orig));
    const u = s.slice(i, j);
    i = j;
    const unit = UNITS.get(u);
    if (unit === undefined) {
      throw new DurationError('time: unknown unit ' + timeQuote(u) + ' in duration ' + timeQuote(orig));
    }
    if (v > TWO_63 / unit) throw invalid(); // overflow
    v *= unit;
    if (f > 0n) {
      // Go uses float64 here: v += uint64(float64(f) * (float64(unit) / scale)).
      // The product is below one unit (< 3.6e12), so truncating it to an integer is exact.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) throw invalid(); // overflow
    }
    d += v;
    if (d > TWO_63) throw invalid(); // overflow
  }
  if (neg) return -d;
  if (d > TWO_63 - 1n) throw invalid();
  return d;
}

/** Like parseDuration but returns {ns} or {error: message} instead of throwing. */
export function tryParseDuration(s) {
  try {
    return { ns: parseDuration(s) };
  } catch (e) {
    if (e instanceof DurationError) return { error: e.message };
    throw e;
  }
}
