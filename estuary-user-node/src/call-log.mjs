// The call record: one entry per request to the Estuary API (control requests excepted), in
// arrival order, with its real start time and duration, so a test can assert what its client
// sent and when (e.g. a backoff). It holds the hash of the token used, never the token: the
// Authorization header is left out of the recorded headers.

import { performance } from 'node:perf_hooks';

import { BadInput } from './bad-input.mjs';
import { authorizationWords } from './estuary-api.mjs';
import { compilePathPattern, pathMatches } from './path-pattern.mjs';
import { tokenHashOfByteString } from './store.mjs';

const CAP = 100_000; // oldest entries are dropped past this, to bound memory
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** The token the node would authenticate (`Bearer <token>`, as authenticate() splits it), or null. */
export function bearerToken(header) {
  const parts = authorizationWords(header);
  return parts.length === 2 && parts[0] === 'Bearer' && parts[1] !== '' ? parts[1] : null;
}

/** Milliseconds since the epoch on the real clock, with sub-millisecond precision. */
const realNowMs = () => performance.timeOrigin + performance.now();
const round3 = (ms) => Math.round(ms * 1000) / 1000;

/** Turns waitForRequest's `match` into a predicate over entries; throws BadInput. */
function compileMatch(match) {
  if (typeof match === 'function') return match;
  if (match === null || typeof match !== 'object' || Array.isArray(match)) throw new BadInput('waitForRequest: match must be an object or a function');
  for (const k of Object.keys(match)) if (!['method', 'path', 'status'].includes(k)) throw new BadInput(`waitForRequest: unknown match field "${k}"`);
  const { method, status } = match;
  if (method !== undefined && typeof method !== 'string') throw new BadInput('waitForRequest: "method" must be a string');
  if (status !== undefined && status !== null && !Number.isInteger(status)) throw new BadInput('waitForRequest: "status" must be an integer or null');
  const path = match.path === undefined ? null : compilePathPattern(match.path, 'waitForRequest: "path"');
  return (e) => (method === undefined || e.method === method.toUpperCase()) && (path === null || pathMatches(path, e.path)) && (status === undefined || e.status === status);
}

export class CallLog {
  #entries = [];
  #waiters = new Set();

  /** Records a request as it arrives; returns its entry, which the server completes. */
  begin(req, { rawUrl, rawPath, rawQuery }) {
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!SECRET_HEADERS.has(k)) headers[k] = v;
    const token = bearerToken(req.headers.authorization);
    const started = realNowMs();
    const entry = {
      method: req.method,
      url: rawUrl,
      path: rawPath,
      query: rawQuery,
      tokenHash: token === null ? null : tokenHashOfByteString(token),
      headers,
      bodyLength: 0,
      origin: req.headers.origin ?? null,
      status: null, // stays null when a fault dropped or stalled the request
      startedAt: round3(started),
      durationMs: null, // set when the exchange ends (answered, dropped, or the client left)
    };
    if (this.#entries.length >= CAP) this.#entries.shift();
    this.#entries.push(entry);
    this.#notify(entry);
    return {
      entry,
      /** The exchange is over: the duration is known, and a waiter for a status may match now. */
      end: () => {
        entry.durationMs = round3(realNowMs() - started);
        this.#notify(entry);
      },
    };
  }

  /** Deep copies of the entries. */
  list() {
    return this.#entries.map((e) => structuredClone(e));
  }

  clear() {
    this.#entries.length = 0;
  }

  /**
   * Resolves with (a copy of) the first entry, already recorded or still to come, that `match`
   * accepts; rejects after `timeoutMs` or when the node closes. `match` is checked when a request
   * arrives and again when its exchange ends (so `{ status: 429 }` can match).
   */
  waitFor(match, options = {}) {
    let accepts;
    let found;
    const timeoutMs = options?.timeoutMs ?? 5_000;
    try {
      accepts = compileMatch(match);
      if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) throw new BadInput('waitForRequest: timeoutMs must be an integer >= 0');
      found = this.#entries.find((e) => accepts(structuredClone(e)));
    } catch (e) {
      return Promise.reject(e);
    }
    if (found) return Promise.resolve(structuredClone(found));
    return new Promise((resolve, reject) => {
      const waiter = {
        accepts,
        resolve: (e) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(e);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.reject(new Error(`waitForRequest: no matching request within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Rejects every pending waitFor (the node is closing). */
  abandon() {
    for (const w of this.#waiters) w.reject(new Error('waitForRequest: the node was closed'));
  }

  #notify(entry) {
    for (const w of this.#waiters) {
      const copy = structuredClone(entry);
      try {
        if (w.accepts(copy)) w.resolve(copy);
      } catch (e) {
        w.reject(e); // a predicate that throws fails its own wait, not the request
      }
    }
  }
}
