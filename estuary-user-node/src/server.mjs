// The local Estuary node: an HTTP server that answers the five /user/* endpoints and their
// auth exactly like an Estuary node (application-research/estuary, Go + Echo v4), as
// described by the repository's docs/estuary-node.md. Node standard library only.
//
// Besides the node's own routes it serves a control API under /__test/ (faults, request log,
// reset, fresh users) that a real node does not have: only on a loopback address, unless
// `control: true` says otherwise. startNode() gives the same control in-process. See
// ../README.md; the command line is in cli.mjs.

import http from 'node:http';
import { performance } from 'node:perf_hooks';

import { formatGoTimeString, formatRFC3339Nano, goJson, nowNs, bytesToUtf8, parseQuery, pathUnescape, queryGet, strconvQuote } from './go-compat.mjs';
import { tryParseDuration } from './go-duration.mjs';
import {
  DEFAULT_EXPIRY_NS,
  FIRST_FRESH_USER_ID,
  PERMANENT_EXPIRY_NS,
  TEST_TOKENS,
  addFreshUser,
  makeSeedSecrets,
  seedStore,
  tokenHash,
  tokenSource,
} from './store.mjs';

export { TEST_TOKENS, tokenHash };

export const DEFAULT_PORT = 3004;
export const DEFAULT_RATE_LIMIT = 200;

const JSON_CT = 'application/json; charset=UTF-8'; // Echo's MIMEApplicationJSONCharsetUTF8
const CORS_ALLOW_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE'; // Echo CORS middleware default
const STATUS_TEXT = http.STATUS_CODES; // same texts as Go's http.StatusText for the codes we use
const REQUEST_LOG_CAP = 100_000; // oldest entries are dropped past this, to bound memory

// ---------------------------------------------------------------------------------------------
// Replies. Handlers return {status, headers, body, cors}; send() writes them in one res.end().

const json = (status, value, headers = {}) => ({ status, headers: { 'Content-Type': JSON_CT, ...headers }, body: goJson(value) });

/** The node's error envelope (docs/estuary-node.md "Error bodies"). */
const envelope = (status, reason, details, headers) => json(status, { error: { code: status, reason, details } }, headers);

/** An Echo HTTPError through Estuary's error handler: reason is the status text. */
const httpError = (status, details = STATUS_TEXT[status], headers) => envelope(status, STATUS_TEXT[status], details, headers);

/** Merge header objects; later names override earlier ones case-insensitively. */
function mergeHeaders(...objs) {
  const byLower = new Map();
  for (const o of objs) {
    for (const [k, v] of Object.entries(o ?? {})) {
      if (v === undefined || v === null) byLower.delete(k.toLowerCase());
      else byLower.set(k.toLowerCase(), [k, String(v)]);
    }
  }
  return Object.fromEntries(byLower.values());
}

// docs/estuary-node.md "CORS": `Access-Control-Allow-Origin: *` on every response, errors included.
// Echo's CORS middleware also always adds `Vary: Origin`.
const CORS_HEADERS = { 'Access-Control-Allow-Origin': '*', Vary: 'Origin' };

/** Answer a CORS preflight: 204, before auth, rate limiting and faults (docs/estuary-node.md "CORS"). */
function preflightReply(req) {
  const requested = req.headers['access-control-request-headers'];
  return {
    status: 204,
    headers: {
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
      // Echoed verbatim; no Access-Control-Max-Age and no Allow-Credentials.
      ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
    },
    body: null,
  };
}

/** Go's net/http answer to a request line whose path has a malformed %-escape (before Echo runs). */
const goBadRequest = () => ({
  status: 400,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
  body: '400 Bad Request',
});

// ---------------------------------------------------------------------------------------------
// Rate limiting: Echo's RateLimiterMemoryStore (x/time/rate token bucket, burst = rate) keyed
// by c.RealIP(). docs/estuary-node.md "Rate limit": 429 above 200 req/s, no Retry-After.

export class RateLimiter {
  /** @param {number} rate requests per second (burst = rate); @param clock ms timer (for tests) */
  constructor(rate, clock = () => performance.now()) {
    this.clock = clock;
    this.setRate(rate);
  }

  setRate(rate) {
    this.rate = Number(rate) || 0;
    this.burst = Math.max(1, Math.ceil(this.rate));
    this.buckets = new Map();
  }

  allow(id) {
    if (!(this.rate > 0)) return true; // 0 = off
    const now = this.clock();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size > 10_000) this.prune(now);
      b = { tokens: this.burst, last: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.last) / 1000) * this.rate);
      b.last = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  prune(now) {
    // Echo expires idle visitors after 3 minutes; a full bucket is equivalent to a new one.
    for (const [id, b] of this.buckets) if (now - b.last > 180_000) this.buckets.delete(id);
  }
}

/** Echo's c.RealIP() without an IP extractor: X-Forwarded-For, then X-Real-IP, then the peer. */
function realIp(req) {
  const xff = req.headers['x-forwarded-for'];
  if (xff) {
    const i = xff.indexOf(',');
    if (i > 0) return xff.slice(0, i).trim().replace(/^\[/, '').replace(/\]$/, '');
    return xff;
  }
  const xrip = req.headers['x-real-ip'];
  if (xrip) return xrip.replace(/^\[/, '').replace(/\]$/, '');
  return req.socket.remoteAddress ?? '';
}

// ---------------------------------------------------------------------------------------------
// Routing. Estuary registers GET/POST /user/api-keys, DELETE /user/api-keys/:key_or_hash,
// GET /user/stats and GET /user/export in an Echo group whose auth middleware also covers any
// other path under /user (so an unknown /user/* path is 401 without a valid token, else 404).

const ROUTES = {
  '/user/api-keys': { GET: 'list', POST: 'create', allow: 'OPTIONS, GET, POST' },
  '/user/stats': { GET: 'stats', allow: 'OPTIONS, GET' },
  '/user/export': { GET: 'export', allow: 'OPTIONS, GET' },
};
const REVOKE_PREFIX = '/user/api-keys/';

/** Echo's RemoveTrailingSlash (a Pre middleware): drop one trailing slash, except for "/". */
export const stripTrailingSlash = (p) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

function resolveRoute(method, path) {
  const r = ROUTES[path];
  if (r) {
    if (r[method]) return { kind: r[method] };
    // `DELETE /user/api-keys/` with an empty key is a 404 after auth (docs/estuary-node.md
    // "Routing"); the trailing slash is already stripped, so that is DELETE /user/api-keys.
    if (path === '/user/api-keys' && method === 'DELETE') return { kind: 'groupNotFound' };
    return { kind: 'methodNotAllowed', allow: r.allow };
  }
  if (path.startsWith(REVOKE_PREFIX)) {
    const seg = path.slice(REVOKE_PREFIX.length);
    if (seg === '' || seg.includes('/')) return { kind: 'groupNotFound' };
    if (method === 'DELETE') return { kind: 'revoke', seg };
    return { kind: 'methodNotAllowed', allow: 'OPTIONS, DELETE' };
  }
  if (path === '/user' || path.startsWith('/user/')) return { kind: 'groupNotFound' };
  return { kind: 'notFound' };
}

// ---------------------------------------------------------------------------------------------
// Faults (control API): what a proxy or a sick node in front of the client might do.

const FAULT_FIELDS = new Set(['method', 'path', 'count', 'status', 'body', 'json', 'headers', 'delayMs', 'drop', 'truncate', 'cut', 'bodyBytes', 'preset', 'reason', 'details', 'cors']);

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx/1.18.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n';

/** A fault spec or control request the node refuses (HTTP 400; thrown by the in-process API). */
class BadInput extends TypeError {}

function normalizeFault(b) {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new BadInput('fault must be a JSON object');
  for (const k of Object.keys(b)) if (!FAULT_FIELDS.has(k)) throw new BadInput(`unknown fault field "${k}"`);
  const int = (name, min, max) => {
    const v = b[name];
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < min || v > max) throw new BadInput(`"${name}" must be an integer in [${min}, ${max}]`);
    return v;
  };
  const f = {
    method: b.method ? String(b.method).toUpperCase() : null,
    path: b.path ? stripTrailingSlash(String(b.path)) : null,
    remaining: int('count', 1, Number.MAX_SAFE_INTEGER) ?? 1,
    delayMs: int('delayMs', 0, 600_000) ?? 0,
    drop: b.drop === true,
    stall: false,
    truncate: b.truncate === true,
    cut: b.cut === true,
    reply: null, // a synthesized reply, or null to serve the real one
  };
  if (b.headers !== undefined && (b.headers === null || typeof b.headers !== 'object' || Array.isArray(b.headers))) {
    throw new BadInput('"headers" must be an object');
  }
  if (b.body !== undefined && typeof b.body !== 'string') throw new BadInput('"body" must be a string');
  let status = int('status', 100, 599);
  const cors = b.cors !== false;
  let headers = b.headers ?? {};
  let body = b.body;
  const bodyBytes = int('bodyBytes', 0, 64 * 1024 * 1024);
  if (bodyBytes !== undefined) {
    // A large error page from a proxy: the given body (or 'x') repeated to exactly this size.
    const unit = body || 'x';
    body = unit.repeat(Math.ceil(bodyBytes / unit.length)).slice(0, bodyBytes);
  }
  if (b.json !== undefined) {
    body = JSON.stringify(b.json);
    headers = mergeHeaders({ 'Content-Type': JSON_CT }, headers);
  }
  switch (b.preset) {
    case undefined:
      break;
    case 'html502':
      status ??= 502;
      body ??= NGINX_502;
      headers = mergeHeaders({ 'Content-Type': 'text/html', Server: 'nginx/1.18.0 (Ubuntu)' }, headers);
      break;
    case 'empty504':
      status ??= 504;
      body ??= '';
      break;
    case 'legacy':
      // Nodes older than mid-2022: `error` is a string (docs/estuary-node.md "Error bodies").
      status ??= 401;
      body ??= JSON.stringify({ error: b.reason ?? 'ERR_INVALID_TOKEN', details: b.details ?? 'api key does not exist' }) + '\n';
      headers = mergeHeaders({ 'Content-Type': JSON_CT }, headers);
      break;
    case 'stall':
      f.stall = true;
      break;
    default:
      throw new BadInput(`unknown preset "${b.preset}" (html502, empty504, legacy, stall)`);
  }
  if (status !== undefined || body !== undefined) {
    if (body !== undefined && body !== '' && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers = mergeHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }, headers);
    }
    f.reply = { status: status ?? 200, headers, body: body ?? '', cors };
  }
  f.spec = b; // echoed by GET /__test/faults
  return f;
}

/** Wait ms, unless the client goes away first (then resolve false). */
function delayUnlessClosed(res, ms) {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

// ---------------------------------------------------------------------------------------------

/** Whether `host` names a loopback address: only this machine can reach a node bound there. */
export function isLoopback(host) {
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/** A wildcard bind address (all interfaces): clients on this machine reach it on loopback. */
const isWildcard = (host) => host === '0.0.0.0' || host === '::' || host === '[::]';

/** Throws a TypeError when `options` has a field startNode does not know or a bad value. */
function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError('startNode: options must be an object');
  const known = new Set(['port', 'host', 'seed', 'token', 'rateLimit', 'fixtures', 'test', 'control', 'log']);
  for (const k of Object.keys(options)) if (!known.has(k)) throw new TypeError(`startNode: unknown option "${k}"`);
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
}

/**
 * Start a node (see ../README.md and ../index.d.ts). Options: port (default 3004; 0 = a free
 * port), host (127.0.0.1), seed (deterministic tokens), token (the demo user's full key),
 * rateLimit (requests/s per client IP; 0 = off; default 200), fixtures (alias test: the
 * project's fixed test users), control (the HTTP control API; default: on iff host is
 * loopback), log (called with one line per request).
 */
export async function startNode(options = {}) {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const fixtures = options.fixtures === true || options.test === true;
  const control = options.control ?? isLoopback(host);
  const seed = options.seed;
  const initialRateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const log = options.log ?? (() => {});

  const secrets = makeSeedSecrets(options.token, seed);
  const limiter = new RateLimiter(initialRateLimit);
  const config = { rateLimit: initialRateLimit };
  const requests = []; // the request log
  const faults = [];
  const stalled = new Set();
  let store;
  let nextFreshUserId;

  function reset() {
    // A fresh token stream too, so a seeded node gives the same tokens after every reset.
    store = seedStore(secrets, { test: fixtures, now: nowNs(), makeToken: tokenSource(seed, 'keys') });
    nextFreshUserId = FIRST_FRESH_USER_ID;
    requests.length = 0;
    faults.length = 0;
    config.rateLimit = initialRateLimit;
    limiter.setRate(initialRateLimit);
    for (const res of stalled) res.destroy();
    stalled.clear();
  }
  reset();

  function createUser(opts = {}) {
    checkUserOptions(opts);
    return addFreshUser(store, nextFreshUserId++, opts, nowNs()).token;
  }

  /** The roles of the seeded tokens (../README.md "Seeded tokens"). */
  const tokens = fixtures
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
      };
  Object.freeze(tokens);

  // --- authentication: util.ExtractAuth + checkTokenAuth + AuthRequired(PermLevelUser) ------

  function authenticate(req) {
    // Node hands header values over as latin1 (i.e. raw bytes), trims surrounding blanks like
    // Go's textproto, and keeps only the first Authorization header like Header.Get.
    const auth = (req.headers.authorization ?? '').replace(/^[ \t]+|[ \t]+$/g, '');
    // The web UI sends the literal `undefined` when its cookie is gone.
    if (auth === '' || auth === 'undefined') return { reply: envelope(401, 'ERR_AUTH_MISSING', 'no api key was specified') };
    const parts = auth.split(' ');
    // docs/estuary-node.md "Authentication" table: a first word other than `Bearer` (including
    // a bare token) is ERR_AUTH_MISSING_BEARER; `Bearer` alone or `Bearer  x` is ERR_INVALID_AUTH.
    if (parts[0] !== 'Bearer') return { reply: envelope(401, 'ERR_AUTH_MISSING_BEARER', 'invalid api key was specified') };
    if (parts.length !== 2) return { reply: envelope(401, 'ERR_INVALID_AUTH', 'invalid api key was specified') };
    // No 10 s token cache here: a revoked token stops working at once (see README).
    const row = store.findByBearer(parts[1]);
    if (!row) return { reply: envelope(401, 'ERR_INVALID_TOKEN', 'api key does not exist') };
    if (row.expiry < nowNs()) {
      const when = formatGoTimeString(row.expiry, row.expiryOffsetMin);
      return { reply: envelope(401, 'ERR_TOKEN_EXPIRED', `token for user ${row.userId} expired ${when}`) };
    }
    if (row.uploadOnly) return { reply: envelope(403, 'ERR_NOT_AUTHORIZED', 'api key is upload only') };
    return { user: store.users.get(row.userId), row };
  }

  // --- the five handlers ----------------------------------------------------------------------

  function keyJson(row) {
    const expiry = formatRFC3339Nano(row.expiry, row.expiryOffsetMin);
    if (row.oldShape) return { token: row.token, expiry }; // old nodes: no label/tokenHash/isSession
    return { token: row.token, tokenHash: row.tokenHash, label: row.label, expiry, isSession: row.isSession };
  }

  function handleList(user) {
    // A flat array, never null; expired keys, sessions and the caller's own key included.
    return json(200, store.liveRows(user).map(keyJson));
  }

  function handleCreate(user, rawQuery) {
    // Query parameters only; the body is ignored (docs/estuary-node.md "POST /user/api-keys").
    const q = parseQuery(rawQuery);
    const now = nowNs();
    let expiry = now + DEFAULT_EXPIRY_NS;
    const exp = queryGet(q, 'expiry');
    if (exp !== '') {
      if (exp === 'false') {
        expiry = now + PERMANENT_EXPIRY_NS;
      } else {
        const d = tryParseDuration(exp);
        // A plain Go error: 500 with err.Error() as details (never 400).
        if (d.error) return httpError(500, bytesToUtf8(d.error));
        expiry = now + d.ns; // zero or negative: a key that is already expired
      }
    }
    const p = queryGet(q, 'perms');
    const perms = p === '' ? [] : p.split(',');
    if (perms.length > 1) return httpError(500, 'invalid perms');
    if (perms.length === 1 && perms[0] !== 'all' && perms[0] !== 'upload') {
      return httpError(500, bytesToUtf8(`invalid perm: ${strconvQuote(perms[0])}`));
    }
    const label = bytesToUtf8(queryGet(q, 'label'));
    const token = store.makeToken();
    const { row } = store.addKey(user, { token, label, expiry, uploadOnly: perms[0] === 'upload' });
    // The only response that ever carries the plaintext token.
    return json(200, { token, tokenHash: row.tokenHash, label, expiry: formatRFC3339Nano(expiry), isSession: false });
  }

  function handleRevoke(user, seg) {
    store.revoke(user, pathUnescape(seg), nowNs());
    // c.NoContent(200): empty body and no Content-Type, whether or not anything matched.
    return { status: 200, headers: {}, body: '' };
  }

  const handleStats = (user) => json(200, store.stats(user));

  const handleExport = (user) => ({ status: 200, headers: { 'Content-Type': JSON_CT }, body: store.exportJson(user, nowNs()) });

  /** Everything a real node would do with a (non-OPTIONS) request. */
  function nodeReply(ctx) {
    // Go's net/http rejects a malformed %-escape in the path before Echo ever sees it.
    if (pathUnescape(ctx.rawPath) === null) return goBadRequest();
    if (!limiter.allow(realIp(ctx.req))) return httpError(429, 'rate limit exceeded');
    const route = resolveRoute(ctx.req.method, stripTrailingSlash(ctx.rawPath));
    if (route.kind === 'notFound') return httpError(404);
    // Echo answers 405 from the router, before group middleware (auth) runs.
    if (route.kind === 'methodNotAllowed') return httpError(405, undefined, { Allow: route.allow });
    const auth = authenticate(ctx.req);
    if (auth.reply) return auth.reply;
    switch (route.kind) {
      case 'list':
        return handleList(auth.user);
      case 'create':
        return handleCreate(auth.user, ctx.rawQuery);
      case 'revoke':
        return handleRevoke(auth.user, route.seg);
      case 'stats':
        return handleStats(auth.user);
      case 'export':
        return handleExport(auth.user);
      default:
        return httpError(404); // groupNotFound: authenticated, but no such route
    }
  }

  // --- control API (loopback only unless `control: true`) ----------------------------------

  const ctlJson = (status, value) => ({ status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) + '\n' });
  const ctlError = (status, message) => ctlJson(status, { error: message });

  function controlReply(ctx, bodyBuf) {
    const path = stripTrailingSlash(ctx.rawPath);
    const method = ctx.req.method;
    let body = {};
    if (bodyBuf.length > 0) {
      try {
        body = JSON.parse(bodyBuf.toString('utf8'));
      } catch {
        return ctlError(400, 'body is not valid JSON');
      }
    }
    const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
    try {
      switch (`${method} ${path}`) {
        case 'POST /__test/reset':
          reset();
          return ctlJson(200, {});
        case 'GET /__test/requests':
          return ctlJson(200, requests);
        case 'DELETE /__test/requests':
          requests.length = 0;
          return ctlJson(200, {});
        case 'GET /__test/faults':
          return ctlJson(200, faults.map((f) => ({ ...f.spec, remaining: f.remaining })));
        case 'POST /__test/faults':
          addFault(body);
          return ctlJson(200, {});
        case 'DELETE /__test/faults':
          faults.length = 0;
          return ctlJson(200, {});
        case 'GET /__test/config':
          return ctlJson(200, config);
        case 'POST /__test/config': {
          if (!isObject) throw new BadInput('config must be a JSON object');
          if (body.rateLimit !== undefined) setRateLimit(body.rateLimit);
          return ctlJson(200, {});
        }
        case 'POST /__test/users':
          return ctlJson(200, { token: createUser(body) });
        case 'GET /__test/stalled':
          // How many stalled requests are still open: a client that aborts its fetch closes
          // the connection, which takes the request out of this set.
          return ctlJson(200, { open: stalled.size });
        case 'GET /__test/info':
          return ctlJson(200, { demoToken: secrets.demo, testTokens: fixtures ? TEST_TOKENS : null, tokens, config });
        default:
          return ctlError(404, `no control endpoint ${method} ${path}`);
      }
    } catch (e) {
      if (e instanceof BadInput) return ctlError(400, e.message);
      throw e;
    }
  }

  // --- request plumbing -------------------------------------------------------------------

  function send(ctx, reply) {
    const { res } = ctx;
    if (res.destroyed || res.headersSent) return;
    const body = reply.body == null ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
    const noBody = reply.status === 204 || reply.status === 304 || (reply.status >= 100 && reply.status < 200);
    const headers = mergeHeaders(reply.cors === false ? {} : CORS_HEADERS, reply.headers, noBody ? {} : { 'Content-Length': body.length });
    if (ctx.entry) ctx.entry.status = reply.status; // set before the client can see the reply
    res.writeHead(reply.status, headers);
    // Header and body go out in one write (with TCP_NODELAY) so small replies don't stall.
    res.end(noBody ? undefined : body);
  }

  async function runFault(ctx, f) {
    if (f.delayMs > 0 && !(await delayUnlessClosed(ctx.res, f.delayMs))) return;
    if (f.drop) {
      ctx.req.socket.destroy(); // no response at all
      return;
    }
    if (f.stall) {
      // Never answer; forget the response once the client gives up (or on reset/close).
      stalled.add(ctx.res);
      ctx.res.once('close', () => stalled.delete(ctx.res));
      return;
    }
    let reply = f.reply ? { ...f.reply } : nodeReply(ctx);
    if (f.truncate && reply.body) {
      const buf = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
      reply = { ...reply, body: buf.subarray(0, Math.floor(buf.length / 2)) };
    }
    if (f.cut) {
      // The connection dies mid-body: the headers promise the whole body, half of it is
      // written, then the socket is destroyed.
      const body = reply.body == null ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
      const { res } = ctx;
      if (ctx.entry) ctx.entry.status = reply.status;
      res.writeHead(reply.status, mergeHeaders(reply.cors === false ? {} : CORS_HEADERS, reply.headers, { 'Content-Length': body.length }));
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => ctx.req.socket.destroy(), 20));
      return;
    }
    send(ctx, reply);
  }

  function takeFault(method, rawPath) {
    const path = stripTrailingSlash(rawPath);
    const i = faults.findIndex((f) => (f.method === null || f.method === method) && (f.path === null || f.path === path));
    if (i < 0) return null;
    const f = faults[i];
    if (--f.remaining <= 0) faults.splice(i, 1);
    return f;
  }

  function readBody(req, keep) {
    return new Promise((resolve) => {
      const chunks = [];
      let length = 0;
      let done = false;
      const finish = (ok) => {
        if (done) return;
        done = true;
        resolve(ok ? { length, buf: keep ? Buffer.concat(chunks) : null } : null);
      };
      req.on('data', (c) => {
        length += c.length;
        if (keep) chunks.push(c);
      });
      req.on('end', () => finish(true));
      req.on('error', () => finish(false));
      req.on('close', () => finish(req.complete));
    });
  }

  const redact = (url) => url.replace(/EST[0-9a-fA-F-]{8,}ARY/g, 'EST…ARY'); // keep secrets out of logs

  async function onRequest(req, res) {
    const started = performance.now();
    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    const isControl = control && (rawPath === '/__test' || rawPath.startsWith('/__test/'));
    const ctx = { req, res, rawPath, rawQuery, entry: null };

    if (!isControl) {
      ctx.entry = {
        method: req.method,
        url: rawUrl,
        path: rawPath,
        query: rawQuery,
        headers: { ...req.headers },
        bodyLength: 0,
        origin: req.headers.origin ?? null,
        status: null, // stays null when a fault dropped or stalled the request
      };
      if (requests.length >= REQUEST_LOG_CAP) requests.shift();
      requests.push(ctx.entry);
    }
    if (!isControl) {
      // One short line per request; never the Authorization header.
      res.once('close', () => {
        const status = res.headersSent ? res.statusCode : '-';
        log(`${req.method} ${redact(rawUrl)} ${status} ${(performance.now() - started).toFixed(1)}ms`);
      });
    }

    const body = await readBody(req, isControl);
    if (body === null) return; // client went away mid-request
    if (ctx.entry) ctx.entry.bodyLength = body.length;

    try {
      if (req.method === 'OPTIONS') return send(ctx, preflightReply(req));
      if (isControl) return send(ctx, controlReply(ctx, body.buf));
      const fault = takeFault(req.method, rawPath);
      if (fault) return await runFault(ctx, fault);
      send(ctx, nodeReply(ctx));
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
  const port = server.address().port;
  // A wildcard bind is reached on loopback from this machine; any other host as given.
  const urlHost = isWildcard(host) ? (host === '0.0.0.0' ? '127.0.0.1' : '[::1]') : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const baseUrl = `http://${urlHost}:${port}`;

  function setRateLimit(n) {
    if (typeof n !== 'number' || !Number.isFinite(n) || !(n >= 0)) throw new BadInput('"rateLimit" must be a number >= 0');
    config.rateLimit = n;
    limiter.setRate(n);
  }

  function addFault(spec) {
    faults.push(normalizeFault(spec));
  }

  let closing = null;
  function close() {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // includes stalled and keep-alive connections
    });
    return closing;
  }

  // Deep copies: what a caller does with them never reaches the node's own state.
  const copy = (v) => JSON.parse(JSON.stringify(v));

  return {
    baseUrl,
    port,
    host,
    tokens,
    controlUrl: control ? `${baseUrl}/__test/` : null,
    close,
    reset,
    fault: addFault,
    faults: () => faults.map((f) => copy({ ...f.spec, remaining: f.remaining })),
    clearFaults() {
      faults.length = 0;
    },
    requests: () => copy(requests),
    clearRequests() {
      requests.length = 0;
    },
    createUser: (opts = {}) => ({ token: createUser(opts) }),
    setRateLimit,
    rateLimit: () => config.rateLimit,
    stalled: () => stalled.size,
  };
}

/** Checks the body of POST /__test/users and the options of createUser(). */
function checkUserOptions(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadInput('users body must be a JSON object');
  for (const k of Object.keys(body)) if (!['keys', 'contents', 'exportBytes', 'stats'].includes(k)) throw new BadInput(`unknown user field "${k}"`);
  for (const k of ['keys', 'contents', 'exportBytes']) {
    const v = body[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 50_000_000)) throw new BadInput(`"${k}" must be a non-negative integer`);
  }
  if (body.keys > 1_000_000 || body.contents > 1_000_000) throw new BadInput('at most 1000000 keys or contents');
  const { stats } = body;
  if (stats !== undefined && stats !== null) {
    if (typeof stats !== 'object' || Array.isArray(stats)) throw new BadInput('"stats" must be an object');
    for (const k of ['totalSize', 'numPins']) {
      const v = stats[k];
      const ok = v === undefined || v === null || Number.isSafeInteger(v) || (typeof v === 'string' && /^-?\d{1,19}$/.test(v));
      if (!ok) throw new BadInput(`"stats.${k}" must be an integer, a string of digits or null`);
    }
  }
}
