// Small ports of the Go standard-library behaviour the Estuary node exposes on the wire:
// url.ParseQuery / PathUnescape, strconv.Quote, the time package's private quote(),
// encoding/json string escaping, and time.Time formatting (RFC 3339 and String()).
//
// "Byte strings": Go strings are byte sequences, and what a client sends (header values, the
// decoded query or path) may be any bytes. We model them as JS strings whose char codes are all
// 0..255 (Node already hands us header values this way: it decodes them as latin1). Convert to
// real text with bytesToUtf8() only where Go would turn bytes into text (JSON output).

/** Current wall-clock time in nanoseconds since the Unix epoch (BigInt), like Go's time.Now(). */
const WALL_BASE_NS = BigInt(Date.now()) * 1_000_000n;
const HR_BASE = process.hrtime.bigint();
export function nowNs() {
  return WALL_BASE_NS + (process.hrtime.bigint() - HR_BASE);
}

export const NS_PER_SECOND = 1_000_000_000n;
export const NS_PER_HOUR = 3_600n * NS_PER_SECOND;

/** UTF-8 bytes of a normal JS string, as a byte string. */
export function utf8ToBytes(s) {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Byte string -> JS text. Invalid UTF-8 becomes U+FFFD, as Go's JSON encoder does. */
export function bytesToUtf8(b) {
  return Buffer.from(b, 'latin1').toString('utf8');
}

/**
 * Decode one rune at byte offset i of a byte string, with Go's utf8.DecodeRuneInString rules
 * (no overlongs, no surrogates, max U+10FFFF). Returns [rune, width]; invalid input gives
 * [0xFFFD, 1], exactly like Go.
 */
export function decodeRune(s, i) {
  const n = s.length - i;
  const b0 = s.charCodeAt(i);
  if (b0 < 0x80) return [b0, 1];
  const cont = (k, lo = 0x80, hi = 0xbf) => {
    if (k >= n) return -1;
    const b = s.charCodeAt(i + k);
    return b >= lo && b <= hi ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((b0 & 0x1f) << 6) | c1, 2];
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf; // 0xED A0..BF would be a surrogate
    const c1 = cont(1, lo, hi);
    const c2 = c1 >= 0 ? cont(2) : -1;
    if (c2 >= 0) return [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 >= 0 ? cont(2) : -1;
    const c3 = c2 >= 0 ? cont(3) : -1;
    if (c3 >= 0) return [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

const hex2 = (b) => b.toString(16).padStart(2, '0');

/**
 * The time package's private quote() (Go >= 1.17), used in ParseDuration errors. It is NOT
 * strconv.Quote: every byte of a non-ASCII or control character is written as \xNN.
 */
export function timeQuote(s) {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const [c, w] = decodeRune(s, i);
    if (c >= 0x80 || c < 0x20) {
      let width = w;
      // A literal U+FFFD (EF BF BD) is 3 bytes; an invalid byte decodes as U+FFFD of width 1.
      if (c === 0xfffd) width = s.startsWith('\xef\xbf\xbd', i) ? 3 : 1;
      for (let j = 0; j < width; j++) out += '\\x' + hex2(s.charCodeAt(i + j));
      i += width;
    } else {
      if (c === 0x22 || c === 0x5c) out += '\\';
      out += String.fromCharCode(c);
      i += 1;
    }
  }
  return out + '"';
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.Quote (what fmt's %q prints), e.g. for `invalid perm: %q`. Returns a byte string. */
export function strconvQuote(s) {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const [r, w] = decodeRune(s, i);
    if (w === 1 && r === 0xfffd) {
      out += '\\x' + hex2(s.charCodeAt(i)); // invalid UTF-8 byte
    } else if (r === 0x22 || r === 0x5c) {
      out += '\\' + String.fromCharCode(r);
    } else if (r === 0x20 || (r > 0x20 && r < 0x7f) || (r >= 0x80 && PRINTABLE.test(String.fromCodePoint(r)))) {
      out += s.slice(i, i + w); // printable: copied as is (still UTF-8 bytes)
    } else {
      const named = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' }[r];
      if (named) out += named;
      else if (r < 0x20 || r === 0x7f) out += '\\x' + hex2(r);
      else if (r < 0x10000) out += '\\u' + r.toString(16).padStart(4, '0');
      else out += '\\U' + r.toString(16).padStart(8, '0');
    }
    i += w;
  }
  return out + '"';
}

const isHex = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Go's url unescape(): every '%' must be followed by two hex digits, else the whole value is an
 * error (null here). In query mode '+' means space; in path mode it stays '+'.
 * Input is the raw (ASCII) text from the request line; output is a byte string.
 */
function goUnescape(s, queryMode) {
  if (!s.includes('%') && !(queryMode && s.includes('+'))) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0x25) {
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return null;
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === 0x2b && queryMode) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

export const queryUnescape = (s) => goUnescape(s, true);
export const pathUnescape = (s) => goUnescape(s, false);

/**
 * url.ParseQuery as Echo's c.QueryParam() sees it: pairs split on '&'; a pair containing ';'
 * is dropped (Go >= 1.17); a pair whose key or value has a malformed %-escape is dropped.
 * Returns a Map of byte-string key -> array of byte-string values.
 */
export function parseQuery(raw) {
  const m = new Map();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === null || value === null) continue;
    if (!m.has(key)) m.set(key, []);
    m.get(key).push(value);
  }
  return m;
}

/** Values.Get(): first value or "". */
export function queryGet(q, name) {
  const v = q.get(name);
  return v ? v[0] : '';
}

// ---------------------------------------------------------------------------------------------
// encoding/json

/** A pre-encoded JSON fragment, emitted verbatim (e.g. an int64 that does not fit a double). */
export class RawJson {
  constructor(text) {
    this.text = text;
  }
}

// Go escapes <, >, & (HTML safety) and U+2028/U+2029 in every string, keys included.
const GO_ESCAPES_TEST = /[<>&\u2028\u2029]/;
const GO_ESCAPES = /[<>&\u2028\u2029]/g;
const goEscape = (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

function encodeString(s) {
  const j = JSON.stringify(s);
  return GO_ESCAPES_TEST.test(j) ? j.replace(GO_ESCAPES, goEscape) : j;
}

function encodeValue(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return encodeString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return '[' + v.map(encodeValue).join(',') + ']';
  const parts = [];
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue; // a field an old node does not send
    parts.push(encodeString(k) + ':' + encodeValue(val));
  }
  return '{' + parts.join(',') + '}';
}

/**
 * What Echo's c.JSON() writes: Go's json.Encoder output, i.e. compact JSON with Go's string
 * escaping and a trailing newline. Strings here are normal JS text (not byte strings).
 */
export function goJson(v) {
  return encodeValue(v) + '\n';
}

// ---------------------------------------------------------------------------------------------
// time.Time formatting

const pad = (n, w = 2) => String(n).padStart(w, '0');

function civil(ns, offsetMinutes) {
  const local = ns + BigInt(offsetMinutes) * 60n * NS_PER_SECOND;
  let sec = local / NS_PER_SECOND;
  let frac = local % NS_PER_SECOND;
  if (frac < 0n) {
    frac += NS_PER_SECOND;
    sec -= 1n;
  }
  const d = new Date(Number(sec) * 1000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  // Go's ".999999999" layouts print up to 9 digits and drop trailing zeros (and the dot).
  const digits = frac.toString().padStart(9, '0').replace(/0+$/, '');
  return { date, time, frac: digits ? '.' + digits : '' };
}

function offsetText(offsetMinutes, colon) {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  return sign + pad(Math.floor(a / 60)) + (colon ? ':' : '') + pad(a % 60);
}

/**
 * time.Time's JSON form (RFC3339Nano): `2026-12-22T16:00:00.123456789Z`, or with `+02:00`
 * when the time carries a non-UTC offset (as times read back from some databases do).
 */
export function formatRFC3339Nano(ns, offsetMinutes = 0) {
  const c = civil(ns, offsetMinutes);
  return `${c.date}T${c.time}${c.frac}${offsetMinutes === 0 ? 'Z' : offsetText(offsetMinutes, true)}`;
}

/** time.Time.String(): `2023-01-15 08:00:00 +0000 UTC` (used in the ERR_TOKEN_EXPIRED details). */
export function formatGoTimeString(ns, offsetMinutes = 0) {
  const c = civil(ns, offsetMinutes);
  const zone = offsetMinutes === 0 ? '+0000 UTC' : `${offsetText(offsetMinutes)} ${offsetText(offsetMinutes)}`;
  return `${c.date} ${c.time}${c.frac} ${zone}`;
}

/** Go's zero time.Time as JSON. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Milliseconds since the epoch (e.g. Date.UTC(...)) plus extra nanoseconds -> BigInt ns. */
export function msToNs(ms, extraNs = 0) {
  return BigInt(ms) * 1_000_000n + BigInt(extraNs);
}
