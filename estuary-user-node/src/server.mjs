// startNode(): the local Estuary node, an HTTP server that answers the five /user/* endpoints
// and their auth like an Estuary node (estuary-api.mjs), plus a control API under /__test/
// that a real node does not have (control.mjs), faults (faults.mjs), a call record
// (call-log.mjs) and a clock tests control (clock.mjs). Node standard library only.
// See ../README.md; the command line is in cli.mjs.

import http from 'node:http';
import { performance } from 'node:perf_hooks';

import { CallLog } from './call-log.mjs';
import { Clock } from './clock.mjs';
import { CONTROL_BODY_LIMIT, controlApi, isControlPath, parseOrigins } from './control.mjs';
import { estuaryApi } from './estuary-api.mjs';
import { FaultQueue, runFault } from './faults.mjs';
import { isLoopback, localBaseUrl } from './hosts.mjs';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limit.mjs';
import { BadInput } from './bad-input.mjs';
import { bodyBytes, httpError, preflightReply, wireHeaders } from './replies.mjs';
import { FIRST_FRESH_USER_ID, TEST_TOKENS, addFreshUser, checkFreshUserOptions, makeSeedSecrets, seedStore, tokenHash, tokenSource } from './store.mjs';

export { DEFAULT_RATE_LIMIT, RateLimiter, TEST_TOKENS, isLoopback, tokenHash };
export { stripTrailingSlash } from './path-pattern.mjs';

export const DEFAULT_PORT = 3004;

const OPTIONS = new Set(['port', 'host', 'seed', 'token', 'rateLimit', 'fixtures', 'test', 'control', 'controlOrigins', 'now', 'log']);

/** Throws a TypeError when `options` has a field startNode does not know or a bad value. */
function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError('startNode: options must be an object');
  for (const k of Object.keys(options)) if (!OPTIONS.has(k)) throw new TypeError(`startNode: unknown option "${k}"`);
  const { port, host, seed, token, rateLimit, log } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new TypeError('startNode: port must be an integer 0..65535');
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw new TypeError('startNode: host must be a non-empty string');
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) throw new TypeError('startNode: seed must be a non-negative integer');
  if (token !== undefined && (typeof token !== 'string' || token === '')) throw new TypeError('startNode: token must be a non-empty string');
  if (rateLimit !== undefined && !(typeof rateLimit === 'number' && rateLimit >= 0 && Number.isFinite(rateLimit))) throw new TypeError('startNode: rateLimit must be a number >= 0');
  for (const k of ['fixtures', 'test', 'control']) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new TypeError(`startNode: ${k} must be a boolean`);
  }
  if (log !== undefined && typeof log !== 'function') throw new TypeError('startNode: log must be a function');
  if (options.control === false && options.controlOrigins?.length) throw new TypeError('startNode: controlOrigins needs the control API (control: false turns it off)');
}

/**
 * Reads a request body to its end. Keeps the bytes when `keep` (control requests, at most
 * `limit` bytes: past that it stops and resolves `{ tooLarge: true }`); else only counts them.
 * Resolves null when the client goes away first.
 */
function readBody(req, { keep = false, limit = Infinity } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let length = 0;
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (c) => {
      length += c.length;
      if (length > limit) {
        req.pause(); // read no more: the 413 closes the connection
        finish({ tooLarge: true });
      } else if (keep) chunks.push(c);
    });
    req.on('end', () => finish({ length, buf: keep ? Buffer.concat(chunks) : null }));
    req.on('error', () => finish(null));
    req.on('close', () => finish(req.complete ? { length, buf: keep ? Buffer.concat(chunks) : null } : null));
  });
}

const redact = (url) => url.replace(/EST[0-9a-fA-F-]{8,}ARY/g, 'EST…ARY'); // keep secrets out of logs

/**
 * Start a node (see ../README.md and ../index.d.ts). Options: port (default 3004; 0 = a free
 * port), host (127.0.0.1), seed (deterministic tokens), token (the demo user's full key),
 * rateLimit (requests/s per client IP; 0 = off; default 200), fixtures (alias test: the
 * project's fixed test users), control (the HTTP control API; default: on iff host is
 * loopback), controlOrigins (pages allowed to use it), now (a stopped clock), log (called
 * with one line per request).
 */
export async function startNode(options = {}) {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const fixtures = options.fixtures === true || options.test === true;
  const control = options.control ?? isLoopback(host);
  const origins = parseOrigins(options.controlOrigins ?? [], 'startNode: controlOrigins');
  const seed = options.seed;
  const initialRateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const log = options.log ?? (() => {});
  let clock;
  try {
    clock = new Clock(options.now);
  } catch (e) {
    throw new TypeError(`startNode: ${e.message}`);
  }

  const secrets = makeSeedSecrets(options.token, seed);
  const limiter = new RateLimiter(initialRateLimit);
  let rateLimit = initialRateLimit;
  const calls = new CallLog();
  const faults = new FaultQueue();
  const stalled = new Set();
  const state = { store: null };
  let nextFreshUserId;

  function reset() {
    clock.restore();
    // A fresh token stream too, so a seeded node gives the same tokens after every reset.
    state.store = seedStore(secrets, { test: fixtures, now: clock.nowNs(), makeToken: tokenSource(seed, 'keys') });
    nextFreshUserId = FIRST_FRESH_USER_ID;
    calls.clear();
    faults.clear();
    rateLimit = initialRateLimit;
    limiter.setRate(initialRateLimit);
    for (const res of stalled) res.destroy();
    stalled.clear();
  }
  reset();

  function createUser(opts = {}) {
    checkFreshUserOptions(opts);
    return { token: addFreshUser(state.store, nextFreshUserId++, opts, clock.nowNs()).token };
  }

  function setRateLimit(n) {
    if (typeof n !== 'number' || !Number.isFinite(n) || !(n >= 0)) throw new BadInput('"rateLimit" must be a number >= 0');
    rateLimit = n;
    limiter.setRate(n);
  }

  /** The roles of the seeded tokens (../README.md "Seeded tokens"). */
  const tokens = Object.freeze(
    fixtures
      ? {
          user: TEST_TOKENS.full,
          uploadOnly: TEST_TOKENS.uploadOnly,
          expired: TEST_TOKENS.expired,
          session: TEST_TOKENS.session,
          legacy: TEST_TOKENS.legacy,
          otherUser: TEST_TOKENS.other,
          otherUserSecond: TEST_TOKENS.otherSecond,
          oldShape: TEST_TOKENS.oldShape,
          nullStats: TEST_TOKENS.nullStats,
          demo: secrets.demo,
        }
      : {
          user: secrets.demo,
          uploadOnly: secrets.demoUploadOnly,
          expired: secrets.demoExpired,
          session: secrets.demoSession,
          legacy: secrets.demoLegacy,
          otherUser: secrets.otherUser,
        },
  );

  // The node's clock as tests see it: Dates and milliseconds (clock.mjs keeps nanoseconds).
  const publicClock = Object.freeze({
    now: () => clock.now(),
    set: (date) => clock.set(date),
    advance: (ms) => clock.advance(ms),
    get frozen() {
      return clock.frozen;
    },
  });

  const api = estuaryApi({ state, clock, limiter });
  const ops = {
    reset,
    requests: () => calls.list(),
    clearRequests: () => calls.clear(),
    faults: () => faults.list(),
    fault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    rateLimit: () => rateLimit,
    setRateLimit,
    createUser,
    stalled: () => stalled.size,
    clock,
    info: () => ({ demoToken: secrets.demo, testTokens: fixtures ? TEST_TOKENS : null, tokens, config: { rateLimit } }),
  };
  let port = 0;
  const ctl = controlApi({ ops, bindHost: host, port: () => port, origins });

  // --- request plumbing -------------------------------------------------------------------

  function send(ctx, reply) {
    const { res } = ctx;
    if (res.destroyed || res.headersSent) return;
    const body = bodyBytes(reply.body);
    const noBody = reply.status === 204 || reply.status === 304 || (reply.status >= 100 && reply.status < 200);
    if (ctx.entry) {
      // Recorded before the client can see the answer, so a test that got it finds it logged.
      ctx.entry.status = reply.status;
      ctx.end();
    }
    res.writeHead(reply.status, wireHeaders(reply, noBody ? undefined : body.length));
    // Header and body go out in one write (with TCP_NODELAY) so small replies don't stall.
    res.end(noBody ? undefined : body);
  }

  async function onControl(ctx) {
    const early = ctl.early(ctx.req);
    if (early) return send(ctx, early);
    const body = await readBody(ctx.req, { keep: true, limit: CONTROL_BODY_LIMIT });
    if (body === null) return; // client went away mid-request
    send(ctx, body.tooLarge ? ctl.tooLarge() : ctl.reply(ctx.req, ctx.rawPath, body.buf));
  }

  async function onRequest(req, res) {
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    const ctx = { req, res, rawPath, rawQuery, entry: null, end: () => {} };
    if (control && isControlPath(rawPath)) return onControl(ctx);

    const record = calls.begin(req, { rawUrl, rawPath, rawQuery });
    ctx.entry = record.entry;
    ctx.end = record.end;
    res.once('close', () => {
      record.end();
      // One short line per request; never the Authorization header.
      const status = res.headersSent ? res.statusCode : '-';
      log(`${req.method} ${redact(rawUrl)} ${status} ${(performance.now() - started).toFixed(1)}ms`);
    });

    const body = await readBody(req);
    if (body === null) return; // client went away mid-request
    ctx.entry.bodyLength = body.length;

    try {
      if (req.method === 'OPTIONS') return send(ctx, preflightReply(req));
      const fault = faults.take(req.method, rawPath);
      if (fault) return await runFault(ctx, fault, { realReply: () => api.reply(ctx), send: (reply) => send(ctx, reply), stalled });
      send(ctx, api.reply(ctx));
    } catch (e) {
      // Estuary's error handler turns any other error into a 500 envelope.
      send(ctx, httpError(500, String(e?.message ?? e)));
    }
  }

  const server = http.createServer({ noDelay: true, keepAliveTimeout: 5_000 }, (req, res) => {
    onRequest(req, res).catch((e) => {
      console.error('estuary-user-node: unexpected error', e);
      if (!res.headersSent) res.destroy();
    });
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = server.address().port;
  const baseUrl = localBaseUrl(host, port);

  let closing = null;
  function close() {
    closing ??= new Promise((resolve) => {
      calls.abandon();
      server.close(() => resolve());
      server.closeAllConnections(); // includes stalled and keep-alive connections
    });
    return closing;
  }

  return {
    baseUrl,
    port,
    host,
    tokens,
    controlUrl: control ? `${baseUrl}/__test/` : null,
    clock: publicClock,
    close,
    reset,
    fault: ops.fault,
    faults: ops.faults,
    clearFaults: ops.clearFaults,
    requests: ops.requests,
    clearRequests: ops.clearRequests,
    waitForRequest: (match, opts) => calls.waitFor(match, opts),
    createUser,
    setRateLimit,
    rateLimit: ops.rateLimit,
    stalled: ops.stalled,
  };
}
