// The call record (issue 26): each request's method, path, query, status, the hash of the
// token used (never the token or the Authorization header), its real start time and duration;
// node.waitForRequest(); faults matched by path pattern and method. Run:
//   node --test estuary-user-node/test/
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startNode, tokenHash } from '../src/index.mjs';
import { fetchJson } from '../test-fixtures/http.mjs';

let node;
before(async () => {
  node = await startNode({ port: 0 });
});
after(() => node.close());
beforeEach(() => node.reset());

const call = (method, path, auth, init = {}) => fetchJson(node.baseUrl + path, { method, headers: auth === undefined ? {} : { authorization: auth }, ...init });
const bearer = (token) => `Bearer ${token}`;

describe('entries', () => {
  test('method, path, query, status, the token\'s hash; never the token nor the Authorization header', async () => {
    const { user, expired } = node.tokens;
    await call('POST', '/user/api-keys?label=a+b', bearer(user));
    await call('GET', '/user/stats', bearer(expired));
    await call('GET', '/user/stats');
    await call('GET', '/user/stats', `Basic ${user}`);
    const log = node.requests();
    assert.deepEqual(
      log.map((e) => [e.method, e.path, e.query, e.status, e.tokenHash]),
      [
        ['POST', '/user/api-keys', 'label=a+b', 200, tokenHash(user)],
        ['GET', '/user/stats', '', 401, tokenHash(expired)],
        ['GET', '/user/stats', '', 401, null],
        ['GET', '/user/stats', '', 401, null], // not a Bearer token: no token was used
      ],
    );
    for (const e of log) assert.equal(e.headers.authorization, undefined);
    const http = await fetchJson(`${node.baseUrl}/__test/requests`);
    for (const text of [JSON.stringify(log), http.text]) {
      assert.ok(!text.includes(user) && !text.includes(expired), 'no token anywhere in the record');
    }
    assert.deepEqual(http.json.map((e) => e.tokenHash), log.map((e) => e.tokenHash));
  });

  test('start time (real clock, ms since the epoch) and duration; a delayed answer takes at least its delay', async () => {
    node.clock.set('2040-01-01T00:00:00Z'); // the node's clock does not move the record's times
    const before = Date.now();
    node.fault({ path: '/user/stats', delayMs: 120 });
    await call('GET', '/user/stats', bearer(node.tokens.legacy));
    await call('GET', '/user/stats', bearer(node.tokens.legacy));
    const [slow, fast] = node.requests();
    assert.ok(slow.startedAt >= before - 1 && slow.startedAt <= Date.now() + 1, `${slow.startedAt} is now, by the real clock`);
    // Timers may fire a millisecond early by performance.now(): a margin, not a timing test.
    assert.ok(slow.durationMs >= 100, `the fault's delay is part of the duration (${slow.durationMs})`);
    assert.ok(fast.startedAt >= slow.startedAt + slow.durationMs, 'the second call started after the first was answered');
    assert.equal(typeof fast.durationMs, 'number');
  });

  test('a dropped request: status null, its duration once the connection is gone', async () => {
    node.fault({ path: '/user/stats', drop: true });
    await assert.rejects(call('GET', '/user/stats', bearer(node.tokens.user)), TypeError);
    const entry = await node.waitForRequest((e) => e.durationMs !== null);
    assert.equal(entry.status, null);
  });
});

describe('waitForRequest', () => {
  test('resolves with a request already recorded, or one still to come', async () => {
    await call('GET', '/user/stats', bearer(node.tokens.user));
    assert.equal((await node.waitForRequest({ path: '/user/stats' })).status, 200);
    const later = node.waitForRequest({ method: 'delete', path: '/user/api-keys/*' });
    await call('DELETE', `/user/api-keys/${tokenHash(node.tokens.expired)}`, bearer(node.tokens.user));
    const entry = await later;
    // Resolved as the request arrived: before the node answered it.
    assert.deepEqual([entry.method, entry.path, entry.status], ['DELETE', `/user/api-keys/${tokenHash(node.tokens.expired)}`, null]);
  });

  test('a held request is seen as it arrives (status null); a status match waits for the answer', async () => {
    node.fault({ path: '/user/export', preset: 'stall' });
    const controller = new AbortController();
    const held = call('GET', '/user/export', bearer(node.tokens.user), { signal: controller.signal }).catch((e) => e.name);
    const arrived = await node.waitForRequest({ path: '/user/export' });
    assert.equal(arrived.status, null);
    controller.abort();
    assert.equal(await held, 'AbortError');

    node.fault({ path: '/user/stats', delayMs: 50, status: 429 });
    const limited = node.waitForRequest({ path: '/user/stats', status: 429 });
    await call('GET', '/user/stats', bearer(node.tokens.user));
    assert.equal((await limited).status, 429);
  });

  test('a predicate; a timeout rejects; a bad match rejects; close() rejects what still waits', async () => {
    const mine = node.waitForRequest((e) => e.tokenHash === tokenHash(node.tokens.session));
    await call('GET', '/user/stats', bearer(node.tokens.user));
    await call('GET', '/user/stats', bearer(node.tokens.session));
    assert.equal((await mine).tokenHash, tokenHash(node.tokens.session));
    await assert.rejects(node.waitForRequest({ path: '/user/export' }, { timeoutMs: 30 }), /no matching request within 30 ms/);
    for (const bad of [{ pathh: '/x' }, { path: 'user' }, null, 'GET /x']) await assert.rejects(node.waitForRequest(bad), TypeError, JSON.stringify(bad));
    await assert.rejects(node.waitForRequest({}, { timeoutMs: -1 }), TypeError);
    const other = await startNode({ port: 0 });
    const pending = other.waitForRequest({ path: '/never' });
    await other.close();
    await assert.rejects(pending, /the node was closed/);
  });
});

describe('faults by path pattern and method', () => {
  test('"*" is one whole segment', async () => {
    node.fault({ method: 'DELETE', path: '/user/api-keys/*', status: 503, count: 3 });
    const { user } = node.tokens;
    assert.equal((await call('GET', '/user/api-keys', bearer(user))).status, 200, 'not the list');
    assert.equal((await call('DELETE', '/user/api-keys/abc', bearer(user))).status, 503);
    assert.equal((await call('DELETE', '/user/api-keys/abc/', bearer(user))).status, 503, 'a trailing slash is dropped first');
    assert.equal((await call('DELETE', '/user/api-keys/a/b', bearer(user))).status, 404, 'two segments: no match');
    assert.equal((await call('GET', '/user/api-keys/abc', bearer(user))).status, 405, 'another method: no match');
    assert.deepEqual(node.faults().map((f) => [f.path, f.remaining]), [['/user/api-keys/*', 1]]);
    node.clearFaults();
    node.fault({ path: '/user/*', status: 502, count: 2 });
    assert.equal((await call('GET', '/user/stats', bearer(user))).status, 502);
    assert.equal((await call('GET', '/user/export', bearer(user))).status, 502);
    assert.equal((await call('GET', '/user/stats', bearer(user))).status, 200);
  });
});
