// The Estuary API itself: the five /user/* endpoints and their auth, answered exactly like an
// Estuary node (application-research/estuary, Go + Echo v4) as the repository's
// docs/estuary-node.md describes it.

import { bytesToUtf8, formatGoTimeString, formatRFC3339Nano, parseQuery, pathUnescape, queryGet, strconvQuote } from './go-compat.mjs';
import { tryParseDuration } from './go-duration.mjs';
import { stripTrailingSlash } from './path-pattern.mjs';
import { realIp } from './rate-limit.mjs';
import { JSON_CT, envelope, httpError, json } from './replies.mjs';
import { DEFAULT_EXPIRY_NS, PERMANENT_EXPIRY_NS } from './store.mjs';

// Routing. Estuary registers GET/POST /user/api-keys, DELETE /user/api-keys/:key_or_hash,
// GET /user/stats and GET /user/export in an Echo group whose auth middleware also covers any
// other path under /user (so an unknown /user/* path is 401 without a valid token, else 404).
const ROUTES = {
  '/user/api-keys': { GET: 'list', POST: 'create', allow: 'OPTIONS, GET, POST' },
  '/user/stats': { GET: 'stats', allow: 'OPTIONS, GET' },
  '/user/export': { GET: 'export', allow: 'OPTIONS, GET' },
};
const REVOKE_PREFIX = '/user/api-keys/';

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

/** Go's net/http answer to a request line whose path has a malformed %-escape (before Echo runs). */
const goBadRequest = () => ({
  status: 400,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
  body: '400 Bad Request',
});

function keyJson(row) {
  const expiry = formatRFC3339Nano(row.expiry, row.expiryOffsetMin);
  if (row.oldShape) return { token: row.token, expiry }; // old nodes: no label/tokenHash/isSession
  return { token: row.token, tokenHash: row.tokenHash, label: row.label, expiry, isSession: row.isSession };
}

/**
 * The Authorization header `header` (or undefined) split on single spaces, as the node reads it:
 * Node hands header values over as latin1 (i.e. raw bytes), the node trims surrounding blanks like
 * Go's textproto and keeps only the first Authorization header like Header.Get. An absent or
 * blank header gives [''].
 */
export function authorizationWords(header) {
  return (header ?? '').replace(/^[ \t]+|[ \t]+$/g, '').split(' ');
}

/**
 * The node's answers. `state.store` is the current store (a reset replaces it), `clock` the
 * node's clock (clock.mjs), `limiter` its rate limiter. `reply(ctx)` is everything a real node
 * does with a (non-OPTIONS) request.
 */
export function estuaryApi({ state, clock, limiter }) {
  // util.ExtractAuth + checkTokenAuth + AuthRequired(PermLevelUser).
  function authenticate(req) {
    const parts = authorizationWords(req.headers.authorization);
    // The web UI sends the literal `undefined` when its cookie is gone.
    if (parts.length === 1 && (parts[0] === '' || parts[0] === 'undefined')) return { reply: envelope(401, 'ERR_AUTH_MISSING', 'no api key was specified') };
    // docs/estuary-node.md "Authentication" table: a first word other than `Bearer` (including
    // a bare token) is ERR_AUTH_MISSING_BEARER; `Bearer` alone or `Bearer  x` is ERR_INVALID_AUTH.
    if (parts[0] !== 'Bearer') return { reply: envelope(401, 'ERR_AUTH_MISSING_BEARER', 'invalid api key was specified') };
    if (parts.length !== 2) return { reply: envelope(401, 'ERR_INVALID_AUTH', 'invalid api key was specified') };
    // No 10 s token cache here: a revoked token stops working at once (see README).
    const row = state.store.findByBearer(parts[1]);
    if (!row) return { reply: envelope(401, 'ERR_INVALID_TOKEN', 'api key does not exist') };
    if (row.expiry < clock.nowNs()) {
      const when = formatGoTimeString(row.expiry, row.expiryOffsetMin);
      return { reply: envelope(401, 'ERR_TOKEN_EXPIRED', `token for user ${row.userId} expired ${when}`) };
    }
    if (row.uploadOnly) return { reply: envelope(403, 'ERR_NOT_AUTHORIZED', 'api key is upload only') };
    return { user: state.store.users.get(row.userId), row };
  }

  function handleCreate(user, rawQuery) {
    // Query parameters only; the body is ignored (docs/estuary-node.md "POST /user/api-keys").
    const q = parseQuery(rawQuery);
    const now = clock.nowNs();
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
    const token = state.store.makeToken();
    const { row } = state.store.addKey(user, { token, label, expiry, uploadOnly: perms[0] === 'upload' });
    // The only response that ever carries the plaintext token.
    return json(200, { token, tokenHash: row.tokenHash, label, expiry: formatRFC3339Nano(expiry), isSession: false });
  }

  const handlers = {
    // A flat array, never null; expired keys, sessions and the caller's own key included.
    list: (user) => json(200, state.store.liveRows(user).map(keyJson)),
    create: (user, ctx) => handleCreate(user, ctx.rawQuery),
    revoke: (user, ctx, route) => {
      state.store.revoke(user, pathUnescape(route.seg), clock.nowNs());
      // c.NoContent(200): empty body and no Content-Type, whether or not anything matched.
      return { status: 200, headers: {}, body: '' };
    },
    stats: (user) => json(200, state.store.stats(user)),
    export: (user) => ({ status: 200, headers: { 'Content-Type': JSON_CT }, body: state.store.exportJson(user, clock.nowNs()) }),
    // Authenticated, but no such route.
    groupNotFound: () => httpError(404),
  };

  function reply(ctx) {
    // Go's net/http rejects a malformed %-escape in the path before Echo ever sees it.
    if (pathUnescape(ctx.rawPath) === null) return goBadRequest();
    if (!limiter.allow(realIp(ctx.req))) return httpError(429, 'rate limit exceeded');
    const route = resolveRoute(ctx.req.method, stripTrailingSlash(ctx.rawPath));
    if (route.kind === 'notFound') return httpError(404);
    // Echo answers 405 from the router, before group middleware (auth) runs.
    if (route.kind === 'methodNotAllowed') return httpError(405, undefined, { Allow: route.allow });
    const auth = authenticate(ctx.req);
    if (auth.reply) return auth.reply;
    return handlers[route.kind](auth.user, ctx, route);
  }

  return { reply };
}
