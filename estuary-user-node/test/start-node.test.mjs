// Tests of startNode() as an app's test uses it: the seeded token roles, --seed, where the
// control API is served, and the in-process control methods. Run:
//   node --test estuary-user-node/test/
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { isLoopback, startNode, tokenHash } from '../src/index.mjs';
import { fetchJson } from '../test-fixtures/http.mjs';
import { withNode } from '../test-fixtures/node.mjs';

async function call(node, method, path, token, init = {}) {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return fetchJson(node.baseUrl + path, { method, headers, ...init });
}

const TOKEN = /^EST[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}ARY$/;

describe('seeded tokens, by role', () => {
  test('each role answers as its name says (default data)', () =>
    withNode({}, async (node) => {
      const t = node.tokens;
      assert.deepEqual(Object.keys(t), ['user', 'uploadOnly', 'expired', 'session', 'legacy', 'otherUser']);
      for (const v of Object.values(t)) assert.match(v, TOKEN);
      assert.equal(new Set(Object.values(t)).size, 6);

      const list = await call(node, 'GET', '/user/api-keys', t.user);
      assert.equal(list.status, 200);
      const byHash = new Map(list.json.map((k) => [k.tokenHash, k]));
      assert.ok(byHash.has(tokenHash(t.user)));
      assert.equal(byHash.get(tokenHash(t.session)).isSession, true);
      assert.ok(byHash.has(tokenHash(t.uploadOnly)) && byHash.has(tokenHash(t.expired)));
      assert.ok(list.json.some((k) => k.token === t.legacy && k.tokenHash === ''), 'legacy row listed with its plaintext');
      assert.ok(!byHash.has(tokenHash(t.otherUser)), "another user's key is not listed");

      const up = await call(node, 'GET', '/user/stats', t.uploadOnly);
      assert.deepEqual([up.status, up.json.error.reason], [403, 'ERR_NOT_AUTHORIZED']);
      const ex = await call(node, 'GET', '/user/stats', t.expired);
      assert.deepEqual([ex.status, ex.json.error.reason], [401, 'ERR_TOKEN_EXPIRED']);
      assert.match(ex.json.error.details, /^token for user 1 expired /);
      for (const tok of [t.session, t.legacy, t.otherUser]) assert.equal((await call(node, 'GET', '/user/stats', tok)).status, 200);
      const other = await call(node, 'GET', '/user/api-keys', t.otherUser);
      assert.deepEqual(other.json.map((k) => k.tokenHash), [tokenHash(t.otherUser)]);
      // Revoking the main user's key with the other user's key is a silent no-op.
      assert.equal((await call(node, 'DELETE', `/user/api-keys/${tokenHash(t.user)}`, t.otherUser)).status, 200);
      assert.equal((await call(node, 'GET', '/user/stats', t.user)).status, 200);
    }));

  test('`token` fixes the main key; fixtures name the fixed test users', async () => {
    const fixed = 'EST12345678-1234-4234-8234-123456789012ARY';
    await withNode({ token: fixed }, async (node) => assert.equal(node.tokens.user, fixed));
    await withNode({ fixtures: true, token: fixed }, async (node) => {
      assert.equal(node.tokens.user, 'ESTc0ffee00-0000-4000-8000-000000000001ARY');
      assert.equal(node.tokens.demo, fixed);
      assert.equal((await call(node, 'GET', '/user/stats', node.tokens.nullStats)).text, '{"totalSize":null,"numPins":null}\n');
    });
    await withNode({ test: true }, async (node) => assert.equal(node.tokens.otherUser, 'ESTc0ffee00-0000-4000-8000-000000000004ARY'));
  });

  test('`seed` makes every generated token the same on every run; a reset replays them', async () => {
    const run = (seed) =>
      withNode({ seed }, async (node) => {
        const created = (await call(node, 'POST', '/user/api-keys?label=x', node.tokens.user)).json.token;
        const fresh = node.createUser().token;
        node.reset();
        const again = (await call(node, 'POST', '/user/api-keys?label=x', node.tokens.user)).json.token;
        return { tokens: node.tokens, created, fresh, again };
      });
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    assert.deepEqual(a, b);
    assert.equal(a.again, a.created);
    assert.notEqual(a.created, a.fresh);
    assert.notEqual(c.tokens.user, a.tokens.user);
    assert.notEqual(c.created, a.created);
    for (const v of [...Object.values(a.tokens), a.created, a.fresh]) assert.match(v, TOKEN);
    // Without a seed, two nodes share no token.
    const r1 = await withNode({}, async (node) => node.tokens.user);
    const r2 = await withNode({}, async (node) => node.tokens.user);
    assert.notEqual(r1, r2);
  });
});

describe('where the control API is served', () => {
  const info = async (node) => (await fetch(`${node.baseUrl}/__test/info`)).status;

  test('loopback: served; control: false turns it off', async () => {
    await withNode({}, async (node) => {
      assert.equal(node.controlUrl, `${node.baseUrl}/__test/`);
      assert.equal(await info(node), 200);
    });
    await withNode({ control: false }, async (node) => {
      assert.equal(node.controlUrl, null);
      const r = await call(node, 'GET', '/__test/info');
      assert.deepEqual([r.status, r.json], [404, { error: { code: 404, reason: 'Not Found', details: 'Not Found' } }]);
      // The in-process control works whatever the HTTP control API does.
      node.fault({ path: '/user/stats', status: 429 });
      assert.equal((await call(node, 'GET', '/user/stats', node.tokens.user)).status, 429);
    });
  });

  test('all interfaces: off unless control: true', async () => {
    await withNode({ host: '0.0.0.0' }, async (node) => {
      assert.match(node.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/, 'baseUrl names loopback');
      assert.equal(node.controlUrl, null);
      assert.equal(await info(node), 404);
      assert.equal((await call(node, 'GET', '/user/stats', node.tokens.user)).status, 200);
    });
    await withNode({ host: '0.0.0.0', control: true }, async (node) => assert.equal(await info(node), 200));
  });

  test('isLoopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'example.com', '128.0.0.1']) assert.equal(isLoopback(h), false, h);
  });
});

describe('in-process control', () => {
  test('fault(): 429, html 502, drop, cut; faults() and clearFaults()', () =>
    withNode({}, async (node) => {
      const { user } = node.tokens;
      node.fault({ method: 'GET', path: '/user/api-keys', status: 429, json: { error: { code: 429, reason: 'Too Many Requests', details: 'rate limit exceeded' } } });
      node.fault({ path: '/user/stats', preset: 'html502', count: 2 });
      assert.deepEqual(node.faults().map((f) => [f.path, f.remaining]), [['/user/api-keys', 1], ['/user/stats', 2]]);
      const limited = await call(node, 'GET', '/user/api-keys', user);
      assert.deepEqual([limited.status, limited.json.error.reason], [429, 'Too Many Requests']);
      assert.equal((await call(node, 'GET', '/user/api-keys', user)).status, 200, 'count 1: the next call is normal');
      const bad = await call(node, 'GET', '/user/stats', user);
      assert.equal(bad.status, 502);
      assert.match(bad.text, /502 Bad Gateway/);
      assert.deepEqual(node.faults().map((f) => f.remaining), [1]);
      node.clearFaults();
      assert.deepEqual(node.faults(), []);
      assert.equal((await call(node, 'GET', '/user/stats', user)).status, 200);

      node.fault({ path: '/user/stats', drop: true });
      await assert.rejects(call(node, 'GET', '/user/stats', user), TypeError);
      node.fault({ path: '/user/export', cut: true });
      const res = await fetch(`${node.baseUrl}/user/export`, { headers: { authorization: `Bearer ${user}` } });
      assert.equal(res.status, 200);
      await assert.rejects(res.text(), TypeError);
    }));

  test('fault() refuses bad specs with a TypeError and queues nothing', () =>
    withNode({}, async (node) => {
      for (const spec of [{ bogus: 1 }, { count: 0 }, { preset: 'nope' }, { status: 99 }, { delayMs: -1 }, { body: 5 }, { headers: [] }, null]) {
        assert.throws(() => node.fault(spec), TypeError, JSON.stringify(spec));
      }
      assert.deepEqual(node.faults(), []);
    }));

  test('a stall holds the request until the client gives up; stalled() counts it', () =>
    withNode({}, async (node) => {
      node.fault({ path: '/user/stats', preset: 'stall' });
      const controller = new AbortController();
      const held = call(node, 'GET', '/user/stats', node.tokens.user, { signal: controller.signal });
      while (node.stalled() === 0) await new Promise((r) => setTimeout(r, 5));
      assert.equal(node.stalled(), 1);
      controller.abort();
      await assert.rejects(held, { name: 'AbortError' });
      while (node.stalled() !== 0) await new Promise((r) => setTimeout(r, 5));
      assert.equal(node.requests()[0].status, null);
    }));

  test('requests(), clearRequests(), createUser(), setRateLimit(), reset()', () =>
    withNode({}, async (node) => {
      const { user } = node.tokens;
      await call(node, 'POST', '/user/api-keys?label=a+b', user, { headers: { authorization: `Bearer ${user}`, origin: 'http://app.test' } });
      const [entry] = node.requests();
      assert.deepEqual(
        { method: entry.method, path: entry.path, query: entry.query, origin: entry.origin, status: entry.status, tokenHash: entry.tokenHash, auth: entry.headers.authorization },
        { method: 'POST', path: '/user/api-keys', query: 'label=a+b', origin: 'http://app.test', status: 200, tokenHash: tokenHash(user), auth: undefined },
      );
      node.requests()[0].status = 999; // a copy: the log is not changed
      assert.equal(node.requests()[0].status, 200);
      node.clearRequests();
      assert.deepEqual(node.requests(), []);

      const { token } = node.createUser({ keys: 2, contents: 3 });
      assert.equal((await call(node, 'GET', '/user/api-keys', token)).json.length, 3);
      assert.deepEqual((await call(node, 'GET', '/user/stats', token)).json, { totalSize: 6144, numPins: 3 });
      assert.throws(() => node.createUser({ keys: -1 }), TypeError);
      assert.throws(() => node.createUser({ nope: 1 }), TypeError);

      node.setRateLimit(1);
      assert.equal(node.rateLimit(), 1);
      assert.equal((await call(node, 'GET', '/user/stats', user)).status, 200);
      const limited = await call(node, 'GET', '/user/stats', user);
      assert.deepEqual([limited.status, limited.json.error.details], [429, 'rate limit exceeded']);
      assert.throws(() => node.setRateLimit(-1), TypeError);

      node.fault({ status: 500 });
      node.reset();
      assert.equal(node.rateLimit(), 200);
      assert.deepEqual(node.faults(), []);
      assert.deepEqual(node.requests(), []);
      assert.equal((await call(node, 'GET', '/user/stats', token)).status, 401, 'fresh users are gone after a reset');
      assert.equal((await call(node, 'GET', '/user/stats', user)).status, 200);
    }));

  test('startNode refuses unknown options and bad values; close() is idempotent', async () => {
    for (const o of [{ prot: 0 }, { port: -1 }, { port: '0' }, { seed: -1 }, { seed: 1.5 }, { rateLimit: -1 }, { token: '' }, { control: 'yes' }, { log: 1 }, null]) {
      await assert.rejects(startNode(o), TypeError, JSON.stringify(o));
    }
    const node = await startNode({ port: 0 });
    await node.close();
    await node.close();
    await assert.rejects(fetch(`${node.baseUrl}/user/stats`), TypeError);
  });

  test('log gets one line per request, without the token', () => {
    const lines = [];
    return withNode({ log: (line) => lines.push(line) }, async (node) => {
      await call(node, 'DELETE', `/user/api-keys/${node.tokens.expired}`, node.tokens.user);
      while (lines.length === 0) await new Promise((r) => setTimeout(r, 5));
      assert.match(lines[0], /^DELETE \/user\/api-keys\/EST…ARY 200 \d+\.\dms$/);
      assert.ok(!lines[0].includes(node.tokens.expired) && !lines[0].includes(node.tokens.user));
    });
  });
});
