// The node's clock (issue 26): startNode({ now }) / --now stop it, node.clock.set() and
// advance() (and POST /__test/clock) move it, and key expiries, the expired-key 401 and the
// export's Date follow it, so an expiry test needs no sleep and --seed + --now give the same
// bytes on every run. Run: node --test estuary-user-node/test/
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startNode } from '../src/index.mjs';
import { fetchJson } from '../test-fixtures/http.mjs';
import { startCommand, withNode } from '../test-fixtures/node.mjs';

const START = '2030-01-02T03:04:05.123456789Z';
const DAY_MS = 24 * 3_600_000;

const call = (node, method, path, token, init = {}) => fetchJson(node.baseUrl + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, ...init });
const ctlClock = (node, body) =>
  fetchJson(`${node.baseUrl}/__test/clock`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a stopped clock', () => {
  test('now: created keys, the seeded keys and the export\'s Date are taken from it, to the nanosecond', () =>
    withNode({ now: START }, async (node) => {
      assert.equal(node.clock.frozen, true);
      assert.equal(node.clock.now().toISOString(), '2030-01-02T03:04:05.123Z');
      const created = await call(node, 'POST', '/user/api-keys?expiry=1h', node.tokens.user);
      assert.equal(created.json.expiry, '2030-01-02T04:04:05.123456789Z');
      const listed = (await call(node, 'GET', '/user/api-keys', node.tokens.user)).json;
      assert.ok(listed.some((k) => k.label === 'demo' && k.expiry === '2030-02-01T03:04:05.123456789Z'), 'seeded: 30 days from the start');
      assert.ok(listed.some((k) => k.label === 'old-ci-key' && k.expiry === '2029-12-30T03:04:05.123456789Z'), 'expired 3 days before the start');
      assert.equal((await call(node, 'GET', '/user/export', node.tokens.user)).json.Date, '2030-01-02T03:04:05.123456789Z');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal((await call(node, 'GET', '/user/export', node.tokens.user)).json.Date, '2030-01-02T03:04:05.123456789Z', 'it does not move by itself');
    }));

  test('advance(): a key expires without sleeping; the 401 says when, by the node\'s clock', () =>
    withNode({ now: '2030-01-01T00:00:00Z' }, async (node) => {
      const key = (await call(node, 'POST', '/user/api-keys?expiry=1h', node.tokens.user)).json.token;
      assert.equal((await call(node, 'GET', '/user/stats', key)).status, 200);
      node.clock.advance(3_600_000); // exactly the expiry: not yet expired (expiry < now)
      assert.equal((await call(node, 'GET', '/user/stats', key)).status, 200);
      node.clock.advance(1);
      const r = await call(node, 'GET', '/user/stats', key);
      assert.equal(r.status, 401);
      assert.deepEqual(r.json.error, { code: 401, reason: 'ERR_TOKEN_EXPIRED', details: 'token for user 1 expired 2030-01-01 01:00:00 +0000 UTC' });
      // The seeded main key lasts 30 days, like a real node's default.
      node.clock.advance(30 * DAY_MS);
      assert.equal((await call(node, 'GET', '/user/stats', node.tokens.user)).json.error.reason, 'ERR_TOKEN_EXPIRED');
      // reset() returns to the start, and the seeded keys with it.
      node.reset();
      assert.equal(node.clock.now().toISOString(), '2030-01-01T00:00:00.000Z');
      assert.equal((await call(node, 'GET', '/user/stats', node.tokens.user)).status, 200);
    }));

  test('set() stops a running clock; a Date or an RFC 3339 string with an offset', () =>
    withNode({}, async (node) => {
      assert.equal(node.clock.frozen, false);
      assert.ok(Math.abs(node.clock.now().getTime() - Date.now()) < 60_000, 'the wall clock');
      node.clock.set(new Date(Date.UTC(2031, 5, 1)));
      assert.equal(node.clock.frozen, true);
      // Years on, the main key (30 days) has expired as on a real node; the legacy key lasts until 2122.
      assert.equal((await call(node, 'GET', '/user/export', node.tokens.user)).json.error.reason, 'ERR_TOKEN_EXPIRED');
      assert.equal((await call(node, 'GET', '/user/export', node.tokens.legacy)).json.Date, '2031-06-01T00:00:00Z');
      node.clock.set('2031-06-01T02:00:00.5+02:00');
      assert.equal((await call(node, 'GET', '/user/export', node.tokens.legacy)).json.Date, '2031-06-01T00:00:00.5Z');
      node.reset();
      assert.equal(node.clock.frozen, false, 'reset: back to the wall clock it started with');
    }));

  test('a running clock moved forward keeps running from there', () =>
    withNode({}, async (node) => {
      node.clock.advance(365 * DAY_MS);
      const year = node.clock.now().getTime() - Date.now();
      assert.ok(year > 364 * DAY_MS && year < 366 * DAY_MS);
      assert.equal(node.clock.frozen, false);
    }));

  test('bad values: a TypeError, and the clock is unchanged', async () => {
    for (const now of ['2030-01-01', '2030-02-30T00:00:00Z', '2030-01-01T24:00:00Z', '1969-12-31T23:59:59Z', '3000-01-01T00:00:00Z', 1_700_000_000_000, new Date(NaN)]) {
      await assert.rejects(startNode({ port: 0, now }), TypeError, String(now));
    }
    await withNode({ now: START }, async (node) => {
      for (const v of ['tomorrow', null, 5]) assert.throws(() => node.clock.set(v), TypeError);
      for (const ms of [-1, 1.5, Number.NaN, '5']) assert.throws(() => node.clock.advance(ms), TypeError);
      assert.equal(node.clock.now().toISOString(), '2030-01-02T03:04:05.123Z');
    });
  });
});

test('the control API: GET and POST /__test/clock', () =>
  withNode({ now: START }, async (node) => {
    assert.deepEqual((await ctlClock(node)).json, { now: START, frozen: true });
    assert.deepEqual((await ctlClock(node, { advanceMs: 1500 })).json, { now: '2030-01-02T03:04:06.623456789Z', frozen: true });
    assert.deepEqual((await ctlClock(node, { now: '2040-01-01T00:00:00Z' })).json, { now: '2040-01-01T00:00:00Z', frozen: true });
    for (const bad of [{}, { now: 'x' }, { advanceMs: -5 }, { now: START, advanceMs: 1 }, { later: 1 }, []]) {
      assert.equal((await ctlClock(node, bad)).status, 400, JSON.stringify(bad));
    }
    assert.equal(node.clock.now().toISOString(), '2040-01-01T00:00:00.000Z');
  }));

test('--seed + --now: byte-identical answers on every run', async () => {
  const run = async () => {
    const node = await startCommand(['--port', '0', '--quiet', '--seed', '9', '--now', '2030-01-01T00:00:00Z']);
    const { baseUrl, tokens } = node.line;
    const texts = [];
    try {
      const get = async (method, path, token) => {
        const r = await fetch(baseUrl + path, { method, headers: { authorization: `Bearer ${token}` } });
        texts.push(`${r.status} ${r.headers.get('content-type')} ${await r.text()}`);
      };
      await get('POST', '/user/api-keys?label=ci&expiry=48h', tokens.user);
      await get('GET', '/user/api-keys', tokens.user);
      await get('GET', '/user/stats', tokens.user);
      await get('GET', '/user/export', tokens.user);
      await get('GET', '/user/stats', tokens.expired);
      await get('DELETE', '/user/api-keys/x', tokens.user);
    } finally {
      assert.deepEqual(await node.stop(), { code: 0, signal: null });
    }
    return { tokens: node.line.tokens, texts };
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(b, a);
  assert.match(a.texts[0], /"expiry":"2030-01-03T00:00:00Z"/);
  assert.match(a.texts[3], /"Date":"2030-01-01T00:00:00Z"/);
  assert.match(a.texts[4], /^401 .*ERR_TOKEN_EXPIRED/);
});
