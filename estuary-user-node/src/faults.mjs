// Faults: what a proxy or a sick node in front of the client might do to the next matching
// requests (../README.md "Faults"). A spec is checked in full when it is queued, so a mistake
// fails the test that made it rather than a later request.

import http from 'node:http';

import { BadInput } from './bad-input.mjs';
import { compilePathPattern, pathMatches } from './path-pattern.mjs';
import { JSON_CT, bodyBytes, mergeHeaders, wireHeaders } from './replies.mjs';

const FIELDS = new Set(['method', 'path', 'count', 'status', 'body', 'json', 'headers', 'delayMs', 'drop', 'truncate', 'cut', 'bodyBytes', 'preset', 'reason', 'details', 'cors']);
const PRESETS = ['html502', 'empty504', 'legacy', 'stall'];
// RFC 9110 token characters: what a method name may hold.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// The node frames every answer itself; a fault that set these would break the framing.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx/1.18.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n';

function checkHeaders(headers) {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) throw new BadInput('"headers" must be an object of strings');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new BadInput(`"headers.${name}" must be a string`);
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch (e) {
      throw new BadInput(`"headers": ${e.message}`);
    }
    if (FRAMING_HEADERS.has(name.toLowerCase())) throw new BadInput(`"headers": the node sets ${name} itself`);
  }
}

/** Checks a fault spec and turns it into the node's form; throws BadInput. */
export function normalizeFault(b) {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new BadInput('fault must be a JSON object');
  for (const k of Object.keys(b)) if (!FIELDS.has(k)) throw new BadInput(`unknown fault field "${k}"`);
  const int = (name, min, max) => {
    const v = b[name];
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < min || v > max) throw new BadInput(`"${name}" must be an integer in [${min}, ${max}]`);
    return v;
  };
  const given = (name) => b[name] !== undefined;
  for (const k of ['drop', 'truncate', 'cut', 'cors']) if (given(k) && typeof b[k] !== 'boolean') throw new BadInput(`"${k}" must be true or false`);
  for (const k of ['body', 'reason', 'details']) if (given(k) && typeof b[k] !== 'string') throw new BadInput(`"${k}" must be a string`);
  if (given('method') && (typeof b.method !== 'string' || !TOKEN.test(b.method))) throw new BadInput('"method" must be an HTTP method such as "GET"');
  const method = given('method') ? b.method.toUpperCase() : null;
  if (method === 'OPTIONS') throw new BadInput('OPTIONS requests (CORS preflights) are never faulted');
  if (given('headers')) checkHeaders(b.headers);
  if (given('preset') && !PRESETS.includes(b.preset)) throw new BadInput(`unknown preset ${JSON.stringify(b.preset)} (${PRESETS.join(', ')})`);
  if ((given('reason') || given('details')) && b.preset !== 'legacy') throw new BadInput('"reason" and "details" go with preset "legacy"');
  if (given('json') && (given('body') || given('bodyBytes'))) throw new BadInput('"json" is the whole body: leave out "body" and "bodyBytes"');
  if (b.truncate === true && b.cut === true) throw new BadInput('"truncate" and "cut" exclude each other');
  // A fault that never answers can carry nothing about the answer.
  const silent = b.drop === true ? '"drop"' : b.preset === 'stall' ? 'preset "stall"' : null;
  const answerFields = ['status', 'body', 'json', 'headers', 'truncate', 'cut', 'bodyBytes', 'cors'].filter(given);
  if (silent && (answerFields.length > 0 || (b.drop === true && given('preset')))) {
    throw new BadInput(`${silent} sends no answer: leave out ${[...answerFields, ...(b.drop === true && given('preset') ? ['preset'] : [])].map((k) => `"${k}"`).join(', ')}`);
  }

  const f = {
    method,
    path: given('path') ? compilePathPattern(b.path) : null,
    remaining: int('count', 1, Number.MAX_SAFE_INTEGER) ?? 1,
    delayMs: int('delayMs', 0, 600_000) ?? 0,
    drop: b.drop === true,
    stall: b.preset === 'stall',
    truncate: b.truncate === true,
    cut: b.cut === true,
    reply: null, // a synthesized reply, or null to serve the real one
  };
  let status = int('status', 200, 599);
  let headers = b.headers ?? {};
  let body = b.body;
  const repeatTo = int('bodyBytes', 0, 64 * 1024 * 1024);
  if (repeatTo !== undefined) {
    // A large error page from a proxy: the given body (or 'x') repeated to exactly this size.
    const unit = body || 'x';
    body = unit.repeat(Math.ceil(repeatTo / unit.length)).slice(0, repeatTo);
  }
  if (given('json')) {
    body = JSON.stringify(b.json);
    headers = mergeHeaders({ 'Content-Type': JSON_CT }, headers);
  }
  switch (b.preset) {
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
    default:
      break;
  }
  if (status !== undefined || body !== undefined) {
    if (body !== undefined && body !== '' && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers = mergeHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }, headers);
    }
    f.reply = { status: status ?? 200, headers, body: body ?? '', cors: b.cors !== false };
  } else if (b.cors === false) {
    throw new BadInput('"cors": false needs an answer of the fault\'s own (status, body, json or a preset)');
  }
  try {
    f.spec = structuredClone(b); // echoed by faults() and GET /__test/faults
  } catch {
    throw new BadInput('fault must be plain data (JSON values)');
  }
  return f;
}

/** The queue of faults, checked in the order they were queued. */
export class FaultQueue {
  #faults = [];

  /** Checks and queues a spec (throws BadInput). */
  add(spec) {
    this.#faults.push(normalizeFault(spec));
  }

  /** The first fault matching the request, counted down (and dropped at zero); or null. */
  take(method, rawPath) {
    const i = this.#faults.findIndex((f) => (f.method === null || f.method === method) && (f.path === null || pathMatches(f.path, rawPath)));
    if (i < 0) return null;
    const f = this.#faults[i];
    if (--f.remaining <= 0) this.#faults.splice(i, 1);
    return f;
  }

  /** The pending faults as given, with `remaining` (fresh objects). */
  list() {
    return this.#faults.map((f) => ({ ...structuredClone(f.spec), remaining: f.remaining }));
  }

  clear() {
    this.#faults.length = 0;
  }
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

/**
 * Applies fault `f` to a request: `realReply()` is the node's own answer, `send(reply)` writes
 * an answer, `stalled` the set of responses held open by a stall.
 */
export async function runFault(ctx, f, { realReply, send, stalled }) {
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
  let reply = f.reply ? { ...f.reply } : realReply();
  if (f.truncate && reply.body) {
    const buf = bodyBytes(reply.body);
    reply = { ...reply, body: buf.subarray(0, Math.floor(buf.length / 2)) };
  }
  if (f.cut) {
    // The connection dies mid-body: the headers promise the whole body, half of it is
    // written, then the socket is destroyed.
    const body = bodyBytes(reply.body);
    const { res } = ctx;
    if (ctx.entry) ctx.entry.status = reply.status;
    res.writeHead(reply.status, wireHeaders(reply, body.length));
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => ctx.req.socket.destroy(), 20));
    return;
  }
  send(reply);
}
