// The node's clock: what "now" is for key expiries, the expired-key 401 (ERR_TOKEN_EXPIRED),
// revokes and the export's `Date`. By default it follows the wall clock; `startNode({ now })`
// (`--now`) or `clock.set()` stops it at a given instant, so answers are the same on every run,
// and `clock.advance()` moves it on, so an expiry test needs no sleep. The rate limiter and the
// call record's times stay on real time: they measure the client, not the data.

import { BadInput } from './bad-input.mjs';
import { msToNs, nowNs as wallClockNs } from './go-compat.mjs';

const NS_PER_MS = 1_000_000n;
// Kept within what the node formats as a 4-digit year, with room for a 100-year key.
const MIN_NS = msToNs(Date.UTC(1970, 0, 1));
const MAX_NS = msToNs(Date.UTC(2900, 0, 1));
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d\d):(\d\d))$/;

/**
 * An RFC 3339 date-time (`2030-01-02T03:04:05.123456789Z`, or with an offset) as BigInt ns since
 * the epoch, exactly (a Date would keep milliseconds only); a Date as its milliseconds. Throws
 * BadInput for anything else, or outside 1970..2899.
 */
export function toNs(value, what = 'the time') {
  let ns;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new BadInput(`${what} is an invalid Date`);
    ns = msToNs(value.getTime());
  } else if (typeof value === 'string') {
    const m = RFC3339.exec(value);
    const [y, mo, d, h, mi, s] = m ? m.slice(1, 7).map(Number) : [];
    const ms = m ? Date.UTC(y, mo - 1, d, h, mi, s) : NaN;
    const back = new Date(ms);
    // Date.UTC rolls 2030-02-30 over into March: a round trip catches fields out of range.
    if (!m || back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59 || +m[10] > 23 || +m[11] > 59) {
      throw new BadInput(`${what} must be an RFC 3339 date-time such as 2030-01-02T03:04:05Z (got ${JSON.stringify(value)})`);
    }
    ns = msToNs(ms, Number((m[7] ?? '').padEnd(9, '0')));
    if (m[9]) ns -= BigInt((m[9] === '-' ? -1 : 1) * (+m[10] * 60 + +m[11])) * 60_000n * NS_PER_MS;
  } else {
    throw new BadInput(`${what} must be a Date or an RFC 3339 string`);
  }
  if (ns < MIN_NS || ns >= MAX_NS) throw new BadInput(`${what} must be between 1970 and 2899`);
  return ns;
}

export class Clock {
  #start; // BigInt ns, or null for the wall clock
  #fixed = null; // BigInt ns while stopped
  #offset = 0n; // added to the wall clock while running

  /** @param {Date | string | undefined} start where the clock stands still; undefined: the wall clock */
  constructor(start) {
    this.#start = start === undefined ? null : toNs(start, 'now');
    this.restore();
  }

  /** Back to how the node started (node.reset()). */
  restore() {
    this.#fixed = this.#start;
    this.#offset = 0n;
  }

  /** The node's time, ns since the epoch (BigInt), like Go's time.Now(). */
  nowNs() {
    return this.#fixed ?? wallClockNs() + this.#offset;
  }

  /** The node's time as a Date (milliseconds). */
  now() {
    return new Date(Number(this.nowNs() / NS_PER_MS));
  }

  /** Whether the clock stands still (it was given a time) or follows the wall clock. */
  get frozen() {
    return this.#fixed !== null;
  }

  /** Stops the clock at `date` (a Date, or an RFC 3339 string kept to the nanosecond). */
  set(date) {
    this.#fixed = toNs(date, 'the clock');
  }

  /** Moves the clock `ms` milliseconds forward (an integer >= 0), stopped or running. */
  advance(ms) {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new BadInput('advance takes an integer number of milliseconds >= 0');
    const next = this.nowNs() + BigInt(ms) * NS_PER_MS;
    if (next >= MAX_NS) throw new BadInput('the clock must stay before 2900');
    if (this.#fixed === null) this.#offset += BigInt(ms) * NS_PER_MS;
    else this.#fixed = next;
  }
}
