// The control API under /__test/: what a test drives over HTTP (faults, the call record, the
// clock, reset, fresh users). A real node does not have it, and it hands out every seeded token,
// so it is closed to web pages: no CORS (unless an origin is named with `controlOrigins`), a
// request from another origin or to a `Host` that is not this node's is refused (which also
// defeats DNS rebinding), POSTs must be `application/json` (a page can send text/plain without
// asking), and bodies stop at 1 MiB.

import { BadInput } from './bad-input.mjs';
import { formatRFC3339Nano } from './go-compat.mjs';
import { bracketed, isLoopback, isWildcard } from './hosts.mjs';
import { stripTrailingSlash } from './path-pattern.mjs';
import { preflightReply } from './replies.mjs';

export const CONTROL_BODY_LIMIT = 1024 * 1024;

export const isControlPath = (rawPath) => rawPath === '/__test' || rawPath.startsWith('/__test/');

const ctlJson = (status, value, headers = {}) => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value) + '\n',
  cors: false, // the Estuary API's `Access-Control-Allow-Origin: *` never applies here
});
const ctlError = (status, message, headers) => ctlJson(status, { error: message }, headers);
/** A refusal sent before the body is read: the connection closes rather than read what is left. */
const refuse = (status, message) => ctlError(status, message, { Connection: 'close' });

/** `host:port` as a Host header names it (IPv6 in brackets), lower case. */
const hostPort = (host, port) => `${bracketed(host)}:${port}`.toLowerCase();

/**
 * The Host values this request may carry: the bound address, the address the request came in
 * on (for a wildcard bind), and on loopback the loopback names; each with the node's port
 * (and without it on port 80).
 */
function allowedHosts(req, bindHost, port) {
  const local = (req.socket.localAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
  const names = [bindHost, local];
  if (isLoopback(local)) names.push('localhost', '127.0.0.1', '::1');
  const out = new Set();
  for (const n of names) {
    if (!n || isWildcard(n)) continue;
    out.add(hostPort(n, port));
    if (port === 80) out.add(hostPort(n, port).replace(/:80$/, ''));
  }
  return out;
}

/** Checks `controlOrigins`: each an http(s) origin such as `http://127.0.0.1:8000`; returns them as a Set. */
export function parseOrigins(list, what = 'controlOrigins') {
  if (!Array.isArray(list)) throw new TypeError(`${what} must be an array of origins`);
  const out = new Set();
  for (const o of list) {
    let url;
    try {
      url = new URL(o);
    } catch {
      url = null;
    }
    if (typeof o !== 'string' || !url || !/^https?:$/.test(url.protocol) || url.origin !== o.replace(/\/$/, '')) {
      throw new TypeError(`${what}: ${JSON.stringify(o)} is not an origin such as http://127.0.0.1:8000`);
    }
    out.add(url.origin);
  }
  return out;
}

/**
 * The control API of one node. `ops` are the node's in-process control methods; `bindHost`
 * and `port()` where it listens; `origins` the pages allowed to use it (a Set, usually empty).
 */
export function controlApi({ ops, bindHost, port, origins }) {
  /** Headers that let an allowed page read the answer; none for anyone else. */
  const corsFor = (req) => {
    const origin = req.headers.origin;
    return origin && origins.has(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
  };

  /** A refusal for a request no page or rebound name may make, or null. */
  function refusal(req) {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts(req, bindHost, port()).has(host)) return refuse(403, `control API: Host ${JSON.stringify(req.headers.host ?? '')} is not this node's address`);
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return refuse(403, `control API: requests from web pages (Origin ${origin}) are refused`);
    // A page's request that carries no Origin (e.g. a GET from an <img>) still says where it comes from.
    const site = req.headers['sec-fetch-site'];
    if (origin === undefined && (site === 'cross-site' || site === 'same-site')) return refuse(403, 'control API: requests from web pages are refused');
    return null;
  }

  /** The 413 for a body over CONTROL_BODY_LIMIT, by its Content-Length or as it arrives. */
  const tooLarge = () => refuse(413, `control API: bodies stop at ${CONTROL_BODY_LIMIT} bytes`);

  /** What to answer before the body is read: a refusal, a preflight, 413 or 415; else null. */
  function early(req) {
    const refused = refusal(req);
    if (refused) return refused;
    if (req.method === 'OPTIONS') {
      // Only a page named in controlOrigins gets past refusal() with an Origin.
      if (req.headers.origin === undefined) return refuse(403, 'control API: no CORS preflights');
      const p = preflightReply(req, 'GET, POST, DELETE');
      return { ...p, headers: { ...p.headers, ...corsFor(req) }, cors: false };
    }
    if (Number(req.headers['content-length'] ?? 0) > CONTROL_BODY_LIMIT) return tooLarge();
    if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return refuse(415, 'control API: POST bodies must be sent as Content-Type: application/json');
    }
    return null;
  }

  function route(method, path, body) {
    switch (`${method} ${path}`) {
      case 'POST /__test/reset':
        ops.reset();
        return {};
      case 'GET /__test/requests':
        return ops.requests();
      case 'DELETE /__test/requests':
        ops.clearRequests();
        return {};
      case 'GET /__test/faults':
        return ops.faults();
      case 'POST /__test/faults':
        ops.fault(body);
        return {};
      case 'DELETE /__test/faults':
        ops.clearFaults();
        return {};
      case 'GET /__test/config':
        return { rateLimit: ops.rateLimit() };
      case 'POST /__test/config':
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadInput('config must be a JSON object');
        for (const k of Object.keys(body)) if (k !== 'rateLimit') throw new BadInput(`unknown config field "${k}"`);
        if (body.rateLimit !== undefined) ops.setRateLimit(body.rateLimit);
        return {};
      case 'GET /__test/clock':
        return clockJson();
      case 'POST /__test/clock':
        setClock(body);
        return clockJson();
      case 'POST /__test/users':
        return ops.createUser(body);
      case 'GET /__test/stalled':
        // How many stalled requests are still open: a client that aborts its fetch closes
        // the connection, which takes the request out of this set.
        return { open: ops.stalled() };
      case 'GET /__test/info':
        return ops.info();
      default:
        return null;
    }
  }

  const clockJson = () => ({ now: formatRFC3339Nano(ops.clock.nowNs()), frozen: ops.clock.frozen });

  function setClock(body) {
    const ok = body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 1 && ('now' in body || 'advanceMs' in body);
    if (!ok) throw new BadInput('clock: send {"now": "<RFC 3339>"} or {"advanceMs": N}');
    if ('now' in body) ops.clock.set(body.now);
    else ops.clock.advance(body.advanceMs);
  }

  /** The answer to a control request whose body (at most CONTROL_BODY_LIMIT bytes) is `bodyBuf`. */
  function reply(req, rawPath, bodyBuf) {
    const path = stripTrailingSlash(rawPath);
    let body = {};
    if (bodyBuf.length > 0) {
      try {
        body = JSON.parse(bodyBuf.toString('utf8'));
      } catch {
        return ctlError(400, 'body is not valid JSON', corsFor(req));
      }
    }
    try {
      const value = route(req.method, path, body);
      if (value === null) return ctlError(404, `no control endpoint ${req.method} ${path}`, corsFor(req));
      return ctlJson(200, value, corsFor(req));
    } catch (e) {
      if (e instanceof BadInput) return ctlError(400, e.message, corsFor(req));
      throw e;
    }
  }

  return { early, tooLarge, reply };
}
