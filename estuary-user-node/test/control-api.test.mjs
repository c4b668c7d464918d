// The control API is closed to web pages (issue 26): no CORS, no preflights, no other origin,
// no rebound Host, JSON bodies only, at most 1 MiB, and fault specs checked in full when they
// are queued. The Estuary API keeps a real node's CORS. Run: node --test estuary-user-node/test/
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startNode } from '../src/index.mjs';
import { rawRequest } from '../test-fixtures/raw-http.mjs';

const PAGE = 'http://127.0.0.1:5173';
let node;
before(async () => {
  node = await startNode({ port: 0 });
});
after(() => node.close());
beforeEach(() => node.reset());

const info = (headers = {}) => rawRequest(node.baseUrl, { path: '/__test/info', headers: { host: `127.0.0.1:${node.port}`, ...headers } });
const post = (path, headers, body) => rawRequest(node.baseUrl, { method: 'POST', path, headers: { host: `127.0.0.1:${node.port}`, ...headers }, body });

describe('what a web page gets from the control API', () => {
  test('a tool on this machine (no Origin) reads it; no CORS header on it', async () => {
    const r = await info();
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).tokens.user, node.tokens.user);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });

  test('another origin is refused, and its preflight too; nothing of the answer names a token', async () => {
    for (const origin of [PAGE, 'https://evil.example', 'null']) {
      const r = await info({ origin });
      assert.equal(r.status, 403, origin);
      assert.equal(r.headers['access-control-allow-origin'], undefined);
      assert.ok(!r.text.includes(node.tokens.user));
    }
    const pre = await rawRequest(node.baseUrl, {
      method: 'OPTIONS',
      path: '/__test/faults',
      headers: { host: `127.0.0.1:${node.port}`, origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(pre.status, 403);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-methods'], undefined);
    // A page's request without Origin still names its site.
    assert.equal((await info({ 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await info({ 'sec-fetch-site': 'none' })).status, 200, 'typed into the address bar');
  });

  test('a form POST from a page (text/plain, a CORS "simple" request) changes nothing', async () => {
    node.fault({ path: '/user/stats', status: 503, count: 5 });
    const r = await post('/__test/reset', { origin: PAGE, 'content-type': 'text/plain' }, '{}');
    assert.equal(r.status, 403);
    assert.equal(node.faults().length, 1, 'not reset');
    // Without an Origin, only JSON is taken: 415 for text/plain, a form, or no type at all.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const s = await post('/__test/faults', type ? { 'content-type': type } : {}, JSON.stringify({ status: 500 }));
      assert.equal(s.status, 415, String(type));
    }
    assert.equal((await post('/__test/reset', { 'content-type': 'text/plain' })).status, 415);
    assert.equal(node.faults().length, 1);
    assert.equal((await post('/__test/reset', { 'content-type': 'application/json; charset=utf-8' })).status, 200);
    assert.equal(node.faults().length, 0);
  });

  test('a rebound Host (DNS rebinding) is refused; this node\'s own names are taken', async () => {
    for (const host of [`evil.example:${node.port}`, `127.0.0.1.nip.io:${node.port}`, '127.0.0.1', `127.0.0.1:${node.port + 1}`, '']) {
      const r = await info({ host });
      assert.equal(r.status, 403, host);
      assert.ok(!r.text.includes(node.tokens.user));
    }
    for (const host of [`127.0.0.1:${node.port}`, `localhost:${node.port}`, `LOCALHOST:${node.port}`, `[::1]:${node.port}`]) {
      assert.equal((await info({ host })).status, 200, host);
    }
  });

  test('bodies stop at 1 MiB: 413, and a huge one is not read', async () => {
    const big = JSON.stringify({ body: 'x'.repeat(1024 * 1024) });
    const r = await post('/__test/faults', { 'content-type': 'application/json' }, big);
    assert.equal(r.status, 413);
    // Declared 50 MB, none of it sent: the answer comes from the headers alone.
    const declared = await rawRequest(node.baseUrl, {
      method: 'POST',
      path: '/__test/faults',
      headers: { host: `127.0.0.1:${node.port}`, 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      bodyStream: (req) => req.flushHeaders(),
    });
    assert.equal(declared.status, 413);
    // Chunked, no length given: it stops reading past the limit.
    const chunked = await rawRequest(node.baseUrl, {
      method: 'POST',
      path: '/__test/faults',
      headers: { host: `127.0.0.1:${node.port}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      bodyStream: (req) => {
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        const more = () => {
          while (!req.destroyed && req.write(chunk));
        };
        req.on('drain', more);
        req.on('error', () => {}); // the node closes the connection under it
        more();
      },
    });
    assert.equal(chunked.status, 413);
    assert.deepEqual(node.faults(), []);
    // A body just under the limit is taken.
    assert.equal((await post('/__test/faults', { 'content-type': 'application/json' }, JSON.stringify({ status: 500, body: 'y'.repeat(1000 * 1000) }))).status, 200);
  });

  test('the Estuary API keeps a real node\'s CORS for every origin', async () => {
    const r = await rawRequest(node.baseUrl, { path: '/user/stats', headers: { origin: PAGE, authorization: `Bearer ${node.tokens.user}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    const pre = await rawRequest(node.baseUrl, { method: 'OPTIONS', path: '/user/stats', headers: { origin: 'https://evil.example', 'access-control-request-headers': 'authorization' } });
    assert.deepEqual([pre.status, pre.headers['access-control-allow-headers']], [204, 'authorization']);
  });
});

test('controlOrigins: the named pages (a test harness) get CORS and preflights, no other', async () => {
  const harness = await startNode({ port: 0, controlOrigins: [PAGE] });
  try {
    const host = `127.0.0.1:${harness.port}`;
    const pre = await rawRequest(harness.baseUrl, { method: 'OPTIONS', path: '/__test/faults', headers: { host, origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], PAGE);
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
    const r = await rawRequest(harness.baseUrl, { method: 'POST', path: '/__test/faults', headers: { host, origin: PAGE, 'content-type': 'application/json' }, body: '{"status": 500}' });
    assert.deepEqual([r.status, r.headers['access-control-allow-origin']], [200, PAGE]);
    const other = await rawRequest(harness.baseUrl, { path: '/__test/info', headers: { host, origin: 'http://127.0.0.1:5174' } });
    assert.equal(other.status, 403);
    // Still no rebound Host, even for the named page.
    assert.equal((await rawRequest(harness.baseUrl, { path: '/__test/info', headers: { host: `evil.example:${harness.port}`, origin: PAGE } })).status, 403);
  } finally {
    await harness.close();
  }
  for (const o of [['http://a.test/path'], ['ftp://a.test'], ['a.test'], 'http://a.test', [5]]) {
    await assert.rejects(startNode({ port: 0, controlOrigins: o }), TypeError, JSON.stringify(o));
  }
  await assert.rejects(startNode({ port: 0, control: false, controlOrigins: [PAGE] }), TypeError);
});

describe('fault specs are checked in full when queued', () => {
  test('each bad spec: a TypeError in-process, a 400 over HTTP, nothing queued', async () => {
    const bad = [
      { path: 'user/stats' }, // no leading slash
      { path: '/user/stats?x=1' },
      { path: '/user/api-*' }, // * is a whole segment
      { path: 5 },
      { method: 'GE T' },
      { method: 'OPTIONS' },
      { headers: { 'bad name': 'x' } },
      { headers: { 'X-A': 'line\nbreak' } },
      { headers: { 'X-A': 5 } },
      { headers: { 'Content-Length': '3' } },
      { status: 99 },
      { status: 600 },
      { drop: 'yes' },
      { drop: true, status: 500 },
      { preset: 'stall', body: 'x' },
      { truncate: true, cut: true },
      { json: {}, body: 'x' },
      { reason: 'ERR_X' }, // reason goes with preset legacy
      { cors: false }, // nothing of its own to send without CORS
    ];
    for (const spec of bad) {
      assert.throws(() => node.fault(spec), TypeError, JSON.stringify(spec));
      const r = await post('/__test/faults', { 'content-type': 'application/json' }, JSON.stringify(spec));
      assert.equal(r.status, 400, JSON.stringify(spec));
      assert.match(JSON.parse(r.text).error, /\S/);
    }
    assert.deepEqual(node.faults(), []);
  });
});
