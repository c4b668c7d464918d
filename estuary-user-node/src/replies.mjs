// Replies the node sends. Handlers return {status, headers, body, cors}; the server writes each
// in one res.end(). The node's own answers are shaped like Echo v4's (docs/estuary-node.md).

import http from 'node:http';

import { goJson } from './go-compat.mjs';

export const JSON_CT = 'application/json; charset=UTF-8'; // Echo's MIMEApplicationJSONCharsetUTF8
export const STATUS_TEXT = http.STATUS_CODES; // same texts as Go's http.StatusText for the codes we use

export const json = (status, value, headers = {}) => ({ status, headers: { 'Content-Type': JSON_CT, ...headers }, body: goJson(value) });

/** The node's error envelope (docs/estuary-node.md "Error bodies"). */
export const envelope = (status, reason, details, headers) => json(status, { error: { code: status, reason, details } }, headers);

/** An Echo HTTPError through Estuary's error handler: reason is the status text. */
export const httpError = (status, details = STATUS_TEXT[status], headers) => envelope(status, STATUS_TEXT[status], details, headers);

/** Merge header objects; later names override earlier ones case-insensitively. */
export function mergeHeaders(...objs) {
  const byLower = new Map();
  for (const o of objs) {
    for (const [k, v] of Object.entries(o ?? {})) {
      if (v === undefined || v === null) byLower.delete(k.toLowerCase());
      else byLower.set(k.toLowerCase(), [k, String(v)]);
    }
  }
  return Object.fromEntries(byLower.values());
}

// docs/estuary-node.md "CORS": `Access-Control-Allow-Origin: *` on every response of the
// Estuary API, errors included. Echo's CORS middleware also always adds `Vary: Origin`.
export const CORS_HEADERS = { 'Access-Control-Allow-Origin': '*', Vary: 'Origin' };
const CORS_ALLOW_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE'; // Echo CORS middleware default

/** Answer a CORS preflight: 204, before auth, rate limiting and faults (docs/estuary-node.md "CORS"). */
export function preflightReply(req, allowMethods = CORS_ALLOW_METHODS) {
  const requested = req.headers['access-control-request-headers'];
  return {
    status: 204,
    headers: {
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      'Access-Control-Allow-Methods': allowMethods,
      // Echoed verbatim; no Access-Control-Max-Age and no Allow-Credentials.
      ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
    },
    body: null,
  };
}

/** A reply body as bytes. */
export const bodyBytes = (body) => (body == null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));

/** The headers a reply goes out with: CORS (unless `cors: false`), its own, then Content-Length. */
export const wireHeaders = (reply, length) => mergeHeaders(reply.cors === false ? {} : CORS_HEADERS, reply.headers, length === undefined ? {} : { 'Content-Length': length });
