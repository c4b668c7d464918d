// Tests of the node's behaviour, in-process (src/ imported directly). Run:
//   node --test estuary-user-node/test/
// Each expectation cites the repository's docs/estuary-node.md rule it checks where that is not
// obvious. package.test.mjs tests the packed tarball as users install it.

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { USAGE, UsageError, parseArgs } from '../src/cli.mjs';
import { RateLimiter, TEST_TOKENS, isLoopback, startNode, tokenHash } from '../src/server.mjs';
import { formatGoTimeString, formatRFC3339Nano, goJson, msToNs, nowNs, parseQuery, queryGet, strconvQuote, timeQuote } from '../src/go-compat.mjs';
import { tryParseDuration } from '../src/go-duration.mjs';
import { fetchJson } from '../test-fixtures/http.mjs';
import { startCommand } from '../test-fixtures/node.mjs';

const DEMO_TOKEN = 'EST11111111-2222-4333-8444-555555555555ARY';
const T = TEST_TOKENS;
const HOUR = 3_600_000_000_000n;
const DAY = 24n * HOUR;

let srv;
before(async () => {
  srv = await startNode({ port: 0, fixtures: true, token: DEMO_TOKEN });
});
after(() => srv.close());
beforeEach(() => srv.reset());

/** One HTTP call; returns status, headers, raw text and parsed JSON (if any). */
async function call(method, path, { token, auth, headers = {}, body, signal } = {}) {
  const h = { ...headers };
  if (token !== undefined) h.authorization = `Bearer ${token}`;
  if (auth !== undefined) h.authorization = auth;
  return fetchJson(srv.baseUrl + path, { method, headers: h, body, signal });
}
const ctl = (method, path, body) => call(method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

function assertEnvelope(r, code, reason, details) {
  assert.equal(r.status, code, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=UTF-8');
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(r.json, { error: { code, reason, details } });
}

/** RFC 3339 (up to 9 fractional digits, Z or offset) -> BigInt ns since the epoch. */
function rfc3339ToNs(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|([+-])(\d\d):(\d\d))$/.exec(s);
  assert.ok(m, `not RFC 3339: ${s}`);
  let ns = msToNs(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]), Number((m[7] ?? '').padEnd(9, '0')));
  if (m[9]) ns -= BigInt((m[9] === '-' ? -1 : 1) * (+m[10] * 60 + +m[11])) * 60_000_000_000n;
  return ns;
}

// ---------------------------------------------------------------------------------------------

describe('Go compatibility helpers', () => {
  test('token hash vector (docs/estuary-node.md "Authentication")', () => {
    assert.equal(tokenHash('EST00000000-0000-0000-0000-000000000000ARY'), 'oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI');
  });

  test('time.ParseDuration values', () => {
    const ok = {
      0: 0n, '-0': 0n, '+5s': 5_000_000_000n, '720h': 720n * HOUR, '1h30m': 5_400_000_000_000n, '1.5h': 5_400_000_000_000n,
      '.5h': HOUR / 2n, '1.h': HOUR, '-1h': -HOUR, '300ms': 300_000_000n, '1\xc2\xb5s': 1000n, '1\xce\xbcs': 1000n, '1us': 1000n,
      '10ns': 10n, '5.6s': 5_600_000_000n, '1h2m3s4ms5us6ns': 3_723_004_005_006n, '0.3333333333333333333h': 20n * 60_000_000_000n,
      '9223372036854775807ns': 9223372036854775807n, '-9223372036854775808ns': -9223372036854775808n,
      '-2562047h47m16.854775808s': -9223372036854775808n, '0.830103483285477580700h': 2_988_372_539_827n, '2562047h': 2562047n * HOUR,
    };
    for (const [s, ns] of Object.entries(ok)) assert.deepEqual(tryParseDuration(s), { ns }, s);
  });

  test('time.ParseDuration errors carry Go\'s exact message', () => {
    const bad = {
      abc: 'time: invalid duration "abc"',
      1: 'time: missing unit in duration "1"',
      '30d': 'time: unknown unit "d" in duration "30d"',
      '': 'time: invalid duration ""',
      '-': 'time: invalid duration "-"',
      '.': 'time: invalid duration "."',
      '.s': 'time: invalid duration ".s"',
      '1h 30m': 'time: unknown unit "h " in duration "1h 30m"',
      '9999999999h': 'time: invalid duration "9999999999h"',
      '2562048h': 'time: invalid duration "2562048h"',
      '9223372036854775808ns': 'time: invalid duration "9223372036854775808ns"',
      '9223372036854ms775us808ns': 'time: invalid duration "9223372036854ms775us808ns"',
      '\xffff': 'time: invalid duration "\\xffff"',
      '\xef\xbf\xbd': 'time: invalid duration "\\xef\\xbf\\xbd"',
      '1\xc3\xa9': 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"',
      '"': 'time: invalid duration "\\""',
    };
    for (const [s, error] of Object.entries(bad)) assert.deepEqual(tryParseDuration(s), { error }, JSON.stringify(s));
  });

  test('quoting: strconv.Quote vs the time package', () => {
    assert.equal(strconvQuote('xyz'), '"xyz"');
    assert.equal(strconvQuote('a"b\\c\n\x7f\xff'), '"a\\"b\\\\c\\n\\x7f\\xff"');
    assert.equal(strconvQuote('\xc3\xa9\xc2\xa0'), '"\xc3\xa9\\u00a0"'); // é printable, NBSP not
    assert.equal(timeQuote('\xc3\xa9\x7f'), '"\\xc3\\xa9\x7f"');
  });

  test('url.ParseQuery', () => {
    const q = parseQuery('label=a+b%20c&x=%zz&y;z=1&expiry=&label=second&k');
    assert.equal(queryGet(q, 'label'), 'a b c');
    assert.equal(q.has('x'), false); // malformed escape: the pair is dropped
    assert.equal(q.has('y;z'), false); // semicolons are rejected since Go 1.17
    assert.equal(queryGet(q, 'expiry'), '');
    assert.equal(queryGet(q, 'k'), '');
    assert.equal(queryGet(q, 'missing'), '');
  });

  test('time formatting and JSON encoding', () => {
    const t = msToNs(Date.UTC(2026, 11, 22, 16, 0, 0), 123_456_789);
    assert.equal(formatRFC3339Nano(t), '2026-12-22T16:00:00.123456789Z');
    assert.equal(formatRFC3339Nano(msToNs(Date.UTC(2026, 0, 2), 120_000_000)), '2026-01-02T00:00:00.12Z');
    assert.equal(formatRFC3339Nano(msToNs(Date.UTC(2026, 0, 2))), '2026-01-02T00:00:00Z');
    assert.equal(formatRFC3339Nano(t, 120), '2026-12-22T18:00:00.123456789+02:00');
    assert.equal(formatGoTimeString(msToNs(Date.UTC(2023, 0, 15, 8))), '2023-01-15 08:00:00 +0000 UTC');
    assert.equal(goJson({ a: '<&>\u2028', b: [1n, null, true] }), '{"a":"\\u003c\\u0026\\u003e\\u2028","b":[1,null,true]}\n');
  });

  test('CLI arguments', () => {
    assert.deepEqual(parseArgs(['--port', '0', '--test', '--quiet', '--rate-limit=0', '--token', 'X', '--seed', '42', '--host=::1']), {
      port: 0, fixtures: true, quiet: true, rateLimit: 0, token: 'X', seed: 42, host: '::1',
    });
    assert.deepEqual(parseArgs([]), { port: 3004, rateLimit: 200, quiet: false });
    assert.equal(parseArgs(['--fixtures']).fixtures, true);
    assert.equal(parseArgs(['--control']).control, true);
    assert.equal(parseArgs(['--no-control']).control, false);
    assert.equal(parseArgs(['--rate-limit', '2.5']).rateLimit, 2.5);
    assert.equal(parseArgs(['--help']).help, true);
    assert.deepEqual(parseArgs(['--now', '2030-01-01T00:00:00Z', '--control-origin', 'http://a.test:1', '--control-origin=http://b.test', '--detached']), {
      port: 3004, rateLimit: 200, quiet: false, now: '2030-01-01T00:00:00Z', controlOrigins: ['http://a.test:1', 'http://b.test'], detached: true,
    });
    // A value that starts with "-" only in the --flag=value form.
    assert.equal(parseArgs(['--token=--quiet']).token, '--quiet');
    const bad = [
      ['--bogus'], ['--port'], ['--port', ''], ['--port=abc'], ['--port', '70000'], ['--port', '-1'], ['--seed', '1.5'], ['--seed', 'x'], ['--rate-limit', '-1'],
      ['--token', ''], ['--host='], ['--quiet=yes'], ['extra'],
      // A value flag followed by a flag: the value was forgotten.
      ['--token', '--quiet'], ['--host', '--control'], ['--now', '--seed', '1'],
      // Contradictions and repeats: which one counts would be a guess.
      ['--control', '--no-control'], ['--no-control', '--control'], ['--port', '1', '--port', '2'], ['--quiet', '--quiet'], ['--fixtures', '--test'],
      ['--no-control', '--control-origin', 'http://a.test'],
    ];
    for (const args of bad) assert.throws(() => parseArgs(args), UsageError, args.join(' '));
    assert.throws(() => parseArgs(['--control', '--no-control']), /--control and --no-control contradict each other/);
    assert.throws(() => parseArgs(['--token', '--quiet']), /--token needs a value/);
    // The usage names every flag.
    for (const flag of ['--port N', '--host H', '--seed N', '--now T', '--token T', '--rate-limit R', '--quiet', '--control', '--no-control', '--control-origin O', '--fixtures', '--detached']) assert.ok(USAGE.includes(flag), flag);
  });
});

describe('authentication (docs/estuary-node.md "Authentication" table)', () => {
  test('each row of the table', async () => {
    assertEnvelope(await call('GET', '/user/api-keys'), 401, 'ERR_AUTH_MISSING', 'no api key was specified');
    assertEnvelope(await call('GET', '/user/api-keys', { auth: 'undefined' }), 401, 'ERR_AUTH_MISSING', 'no api key was specified');
    assertEnvelope(await call('GET', '/user/api-keys', { auth: `bearer ${T.full}` }), 401, 'ERR_AUTH_MISSING_BEARER', 'invalid api key was specified');
    assertEnvelope(await call('GET', '/user/api-keys', { auth: T.full }), 401, 'ERR_AUTH_MISSING_BEARER', 'invalid api key was specified');
    assertEnvelope(await call('GET', '/user/api-keys', { auth: 'Bearer' }), 401, 'ERR_INVALID_AUTH', 'invalid api key was specified');
    assertEnvelope(await call('GET', '/user/api-keys', { auth: `Bearer  ${T.full}` }), 401, 'ERR_INVALID_AUTH', 'invalid api key was specified');
    assertEnvelope(await call('GET', '/user/api-keys', { token: 'EST00000000-0000-0000-0000-000000000000ARY' }), 401, 'ERR_INVALID_TOKEN', 'api key does not exist');
    assertEnvelope(await call('GET', '/user/api-keys', { token: 'not-even-a-token' }), 401, 'ERR_INVALID_TOKEN', 'api key does not exist');
    assertEnvelope(await call('GET', '/user/stats', { token: T.expired }), 401, 'ERR_TOKEN_EXPIRED', 'token for user 2 expired 2023-01-15 08:00:00 +0000 UTC');
    assertEnvelope(await call('GET', '/user/stats', { token: T.uploadOnly }), 403, 'ERR_NOT_AUTHORIZED', 'api key is upload only');
    assert.equal((await call('GET', '/user/stats', { token: T.full })).status, 200);
  });

  test('a hash sent as the bearer token is unknown', async () => {
    assertEnvelope(await call('GET', '/user/stats', { token: tokenHash(T.full) }), 401, 'ERR_INVALID_TOKEN', 'api key does not exist');
  });

  test('session, legacy and old-shape tokens authenticate; the demo token is the fixed one', async () => {
    for (const token of [T.session, T.legacy, T.oldShape, T.other, T.nullStats, DEMO_TOKEN]) {
      assert.equal((await call('GET', '/user/stats', { token })).status, 200, token);
    }
    assert.equal(srv.tokens.demo, DEMO_TOKEN);
  });

  test('an upload-only key gets 403 on every /user endpoint', async () => {
    const cases = [
      ['GET', '/user/api-keys'],
      ['POST', '/user/api-keys'],
      ['DELETE', `/user/api-keys/${tokenHash(T.uploadOnly)}`],
      ['GET', '/user/stats'],
      ['GET', '/user/export'],
      ['GET', '/user/unknown'],
    ];
    for (const [method, path] of cases) {
      assertEnvelope(await call(method, path, { token: T.uploadOnly }), 403, 'ERR_NOT_AUTHORIZED', 'api key is upload only');
    }
    // ...and the failed DELETE did not revoke anything.
    const list = (await call('GET', '/user/api-keys', { token: T.full })).json;
    assert.ok(list.some((k) => k.tokenHash === tokenHash(T.uploadOnly)));
  });
});

describe('CORS (docs/estuary-node.md "CORS")', () => {
  test('preflight: 204, no token needed, request headers echoed, no Max-Age or credentials', async () => {
    for (const path of ['/user/api-keys', '/user/api-keys/abc', '/user/stats', '/nope']) {
      const r = await call('OPTIONS', path, {
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization,x-custom' },
      });
      assert.equal(r.status, 204);
      assert.equal(r.text, '');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('access-control-allow-methods'), 'GET,HEAD,PUT,PATCH,POST,DELETE');
      assert.equal(r.headers.get('access-control-allow-headers'), 'authorization,x-custom');
      assert.equal(r.headers.get('access-control-max-age'), null);
      assert.equal(r.headers.get('access-control-allow-credentials'), null);
    }
  });

  test('Allow-Origin on success, error and empty replies', async () => {
    for (const r of [
      await call('GET', '/user/stats', { token: T.full }),
      await call('GET', '/user/stats'),
      await call('GET', '/nope'),
      await call('DELETE', '/user/api-keys/whatever', { token: T.full }),
    ]) {
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('access-control-allow-credentials'), null);
    }
  });

  test('preflight is answered before rate limiting and faults', async () => {
    await ctl('POST', '/__test/config', { rateLimit: 1 });
    await ctl('POST', '/__test/faults', { path: '/user/stats', status: 503, count: 5 });
    for (let i = 0; i < 3; i++) assert.equal((await call('OPTIONS', '/user/stats')).status, 204);
  });
});

describe('POST /user/api-keys', () => {
  async function create(query, token = T.full) {
    const lo = nowNs();
    const r = await call('POST', `/user/api-keys${query}`, { token });
    const hi = nowNs();
    return { r, lo, hi };
  }

  test('response shape; only the hash is stored; POST twice makes two keys', async () => {
    const { r } = await create('');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.deepEqual(Object.keys(r.json), ['token', 'tokenHash', 'label', 'expiry', 'isSession']);
    assert.match(r.json.token, /^EST[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}ARY$/);
    assert.equal(r.json.tokenHash, tokenHash(r.json.token));
    assert.equal(r.json.isSession, false);
    assert.equal(r.json.label, '');
    const r2 = await create('');
    assert.notEqual(r2.r.json.token, r.json.token);
    const list = (await call('GET', '/user/api-keys', { token: T.full })).json;
    const mine = list.filter((k) => k.tokenHash === r.json.tokenHash || k.tokenHash === r2.r.json.tokenHash);
    assert.equal(mine.length, 2);
    for (const k of mine) assert.equal(k.token, '');
    assert.equal((await call('GET', '/user/stats', { token: r.json.token })).status, 200); // the new key works
  });

  test('expiry: default, false and Go durations', async () => {
    const cases = {
      '': 30n * DAY,
      '?expiry=': 30n * DAY,
      '?expiry=false': 36_500n * DAY,
      '?expiry=720h': 720n * HOUR,
      '?expiry=1h30m': 90n * 60_000_000_000n,
      '?expiry=1.5h': 90n * 60_000_000_000n,
      '?expiry=-1h': -HOUR,
      '?expiry=0': 0n,
      '?expiry=300ms': 300_000_000n,
      [`?expiry=${encodeURIComponent('1\u00b5s')}`]: 1000n,
      [`?expiry=${encodeURIComponent('1\u03bcs')}`]: 1000n,
      '?expiry=%2B2h': 2n * HOUR,
    };
    for (const [query, d] of Object.entries(cases)) {
      const { r, lo, hi } = await create(query);
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      const expiry = rfc3339ToNs(r.json.expiry);
      assert.ok(expiry >= lo + d && expiry <= hi + d, `${query}: ${r.json.expiry}`);
      assert.match(r.json.expiry, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/); // zeros trimmed like Go
    }
  });

  test('zero and negative durations make keys that are already expired', async () => {
    for (const q of ['?expiry=0', '?expiry=-1h']) {
      const { r } = await create(q);
      const use = await call('GET', '/user/stats', { token: r.json.token });
      assert.equal(use.status, 401);
      assert.equal(use.json.error.reason, 'ERR_TOKEN_EXPIRED');
      const list = (await call('GET', '/user/api-keys', { token: T.full })).json;
      assert.ok(list.some((k) => k.tokenHash === r.json.tokenHash), 'expired keys stay listed');
    }
  });

  test('bad expiry and perms are 500 Internal Server Error with Go\'s message', async () => {
    const cases = {
      '?expiry=30d': 'time: unknown unit "d" in duration "30d"',
      '?expiry=abc': 'time: invalid duration "abc"',
      '?expiry=1': 'time: missing unit in duration "1"',
      '?expiry=9999999999h': 'time: invalid duration "9999999999h"',
      '?expiry=1h+30m': 'time: unknown unit "h " in duration "1h 30m"',
      '?expiry=False': 'time: invalid duration "False"',
      '?perms=all,upload': 'invalid perms',
      '?perms=upload,': 'invalid perms',
      '?perms=xyz': 'invalid perm: "xyz"',
      '?perms=ALL': 'invalid perm: "ALL"',
      '?perms=%22': 'invalid perm: "\\""',
      '?expiry=abc&perms=xyz': 'time: invalid duration "abc"', // expiry is checked first
    };
    for (const [query, details] of Object.entries(cases)) {
      assertEnvelope((await create(query)).r, 500, 'Internal Server Error', details);
    }
  });

  test('perms: all and empty make full keys, upload makes an upload-only key', async () => {
    for (const q of ['?perms=all', '?perms=']) {
      const { r } = await create(q);
      assert.equal((await call('GET', '/user/stats', { token: r.json.token })).status, 200, q);
    }
    const { r } = await create('?perms=upload&label=uploader');
    assert.equal(r.status, 200);
    assertEnvelope(await call('GET', '/user/stats', { token: r.json.token }), 403, 'ERR_NOT_AUTHORIZED', 'api key is upload only');
  });

  test('labels: Go query decoding, unicode, & and =, JSON escaped like Go', async () => {
    const cases = {
      '?label=my+laptop': 'my laptop',
      '?label=my%20laptop': 'my laptop',
      [`?label=${encodeURIComponent('CI key ✓ ünïcødé 🚀')}`]: 'CI key ✓ ünïcødé 🚀',
      [`?label=${encodeURIComponent('a&b=c <d>')}`]: 'a&b=c <d>',
      '?label=': '',
      '?label=bad%zzescape': '', // a malformed escape drops the parameter
    };
    for (const [query, label] of Object.entries(cases)) {
      const { r } = await create(query);
      assert.equal(r.status, 200);
      assert.equal(r.json.label, label, query);
      const listed = (await call('GET', '/user/api-keys', { token: T.full })).json.find((k) => k.tokenHash === r.json.tokenHash);
      assert.equal(listed.label, label);
    }
    const { r } = await create(`?label=${encodeURIComponent('a&b')}`);
    assert.ok(r.text.includes('"label":"a\\u0026b"'), r.text); // Go's HTML-safe escaping
  });

  test('the body is ignored', async () => {
    const r = await call('POST', '/user/api-keys', { token: T.full, body: JSON.stringify({ expiry: 'abc', perms: 'xyz', label: 'from-body' }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200);
    assert.equal(r.json.label, '');
  });
});

describe('GET /user/api-keys', () => {
  test('flat array of every non-revoked key of the caller, in all shapes', async () => {
    const r = await call('GET', '/user/api-keys', { token: T.full });
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.json));
    const byLabel = Object.fromEntries(r.json.filter((k) => 'label' in k).map((k) => [k.label, k]));
    assert.equal(r.json.length, 6);
    assert.deepEqual(Object.keys(byLabel).sort(), ['', 'on-login', 'test-expired', 'test-full', 'test-upload-only']);
    assert.equal(byLabel['test-full'].tokenHash, tokenHash(T.full));
    assert.equal(byLabel['test-full'].token, '');
    assert.equal(byLabel['test-expired'].expiry, '2023-01-15T08:00:00Z');
    assert.equal(byLabel['on-login'].isSession, true);
    assert.deepEqual(byLabel[''], { token: T.legacy, tokenHash: '', label: '', expiry: '2122-09-01T10:00:00Z', isSession: false });
    const old = r.json.find((k) => !('label' in k));
    assert.deepEqual(old, { token: T.oldShape, expiry: '2030-06-10T12:34:56.123456789+02:00' });
    for (const k of r.json) assert.notEqual(k.tokenHash, tokenHash(T.other));
  });

  test('the demo user has the documented seed keys', async () => {
    const list = (await call('GET', '/user/api-keys', { token: DEMO_TOKEN })).json;
    const labels = list.map((k) => k.label).sort();
    assert.deepEqual(labels, ['', 'demo', 'github-actions deploy', 'laptop', 'old-ci-key', 'on-login', 'uploads-only']);
    assert.equal(list.find((k) => k.label === 'on-login').isSession, true);
    assert.ok(rfc3339ToNs(list.find((k) => k.label === 'old-ci-key').expiry) < nowNs());
    const legacy = list.find((k) => k.label === '');
    assert.match(legacy.token, /^EST.*ARY$/);
    assert.equal(legacy.tokenHash, '');
  });

  test('large key lists (POST /__test/users keys=10000)', async () => {
    const { token } = (await ctl('POST', '/__test/users', { keys: 10_000 })).json;
    const list = (await call('GET', '/user/api-keys', { token })).json;
    assert.equal(list.length, 10_001);
    assert.equal(new Set(list.map((k) => k.tokenHash)).size, 10_001);
  });
});

describe('DELETE /user/api-keys/{key_or_hash}', () => {
  function assertEmpty200(r) {
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('content-type'), null);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
  }
  const hashes = async (token) => (await call('GET', '/user/api-keys', { token })).json.map((k) => k.tokenHash);

  test('by hash, by raw token (hash(v)), and a legacy row by its plaintext token', async () => {
    const a = (await call('POST', '/user/api-keys?label=a', { token: T.full })).json;
    const b = (await call('POST', '/user/api-keys?label=b', { token: T.full })).json;
    assertEmpty200(await call('DELETE', `/user/api-keys/${a.tokenHash}`, { token: T.full }));
    assertEmpty200(await call('DELETE', `/user/api-keys/${b.token}`, { token: T.full }));
    assertEmpty200(await call('DELETE', `/user/api-keys/${T.legacy}`, { token: T.full }));
    const left = await hashes(T.full);
    assert.ok(!left.includes(a.tokenHash) && !left.includes(b.tokenHash));
    const list = (await call('GET', '/user/api-keys', { token: T.full })).json;
    assert.ok(!list.some((k) => k.token === T.legacy));
    for (const t of [a.token, b.token, T.legacy]) {
      assertEnvelope(await call('GET', '/user/stats', { token: t }), 401, 'ERR_INVALID_TOKEN', 'api key does not exist');
    }
  });

  test('the segment is URL-decoded', async () => {
    const a = (await call('POST', '/user/api-keys', { token: T.full })).json;
    const encoded = a.tokenHash.replace(/^./, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    assertEmpty200(await call('DELETE', `/user/api-keys/${encoded}`, { token: T.full }));
    assert.ok(!(await hashes(T.full)).includes(a.tokenHash));
  });

  test('200 when nothing matches; another user\'s key is never touched', async () => {
    const before = await hashes(T.full);
    assertEmpty200(await call('DELETE', '/user/api-keys/nothing-like-this', { token: T.full }));
    assertEmpty200(await call('DELETE', `/user/api-keys/${T.other}`, { token: T.full }));
    assertEmpty200(await call('DELETE', `/user/api-keys/${tokenHash(T.otherSecond)}`, { token: T.full }));
    assert.deepEqual(await hashes(T.full), before);
    assert.equal((await call('GET', '/user/stats', { token: T.other })).status, 200);
    assert.ok((await hashes(T.other)).includes(tokenHash(T.otherSecond)));
  });

  test('a key may revoke itself, then it is ERR_INVALID_TOKEN', async () => {
    assertEmpty200(await call('DELETE', `/user/api-keys/${tokenHash(T.other)}`, { token: T.other }));
    assertEnvelope(await call('GET', '/user/api-keys', { token: T.other }), 401, 'ERR_INVALID_TOKEN', 'api key does not exist');
    assert.equal((await call('GET', '/user/stats', { token: T.otherSecond })).status, 200);
  });

  test('an empty key is 404 (after auth)', async () => {
    for (const path of ['/user/api-keys/', '/user/api-keys']) {
      assertEnvelope(await call('DELETE', path, { token: T.full }), 404, 'Not Found', 'Not Found');
      assertEnvelope(await call('DELETE', path), 401, 'ERR_AUTH_MISSING', 'no api key was specified');
    }
    assert.equal((await hashes(T.full)).length, 6);
  });
});

describe('GET /user/stats and /user/export', () => {
  test('stats from the user\'s active contents', async () => {
    const r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"totalSize":3670016,"numPins":3}\n');
    assert.deepEqual((await call('GET', '/user/stats', { token: T.other })).json, { totalSize: 777, numPins: 1 });
    assert.deepEqual((await call('GET', '/user/stats', { token: DEMO_TOKEN })).json, { totalSize: 805310464, numPins: 4 });
  });

  test('stats null for the null-stats user, 0 for a user without content', async () => {
    assert.deepEqual((await call('GET', '/user/stats', { token: T.nullStats })).json, { totalSize: null, numPins: null });
    const { token } = (await ctl('POST', '/__test/users', {})).json;
    assert.deepEqual((await call('GET', '/user/stats', { token })).json, { totalSize: 0, numPins: 0 });
    const c = (await ctl('POST', '/__test/users', { contents: 3 })).json;
    assert.deepEqual((await call('GET', '/user/stats', { token: c.token })).json, { totalSize: 6144, numPins: 3 });
    const big = (await ctl('POST', '/__test/users', { stats: { totalSize: '9007199254740993', numPins: 2 } })).json;
    assert.equal((await call('GET', '/user/stats', { token: big.token })).text, '{"totalSize":9007199254740993,"numPins":2}\n');
  });

  test('export shape: capitalised wrapper, camelCase contents, mixed-case deals', async () => {
    const r = await call('GET', '/user/export', { token: T.full });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.deepEqual(Object.keys(r.json), ['Version', 'Date', 'Version1']);
    assert.equal(r.json.Version, 'v0.0.1');
    rfc3339ToNs(r.json.Date);
    const { Contents, Deals } = r.json.Version1;
    assert.equal(Contents.length, 4);
    for (const k of ['id', 'cid', 'name', 'size', 'userId', 'active', 'createdAt', 'updatedAt']) assert.ok(k in Contents[0], k);
    assert.equal(Contents[0].userId, 2);
    assert.match(Contents[0].cid, /^bafy/);
    assert.equal(Deals.length, 1);
    for (const k of ['ID', 'CreatedAt', 'UpdatedAt', 'DeletedAt', 'content', 'user_id', 'propCid', 'dealUuid', 'miner', 'dealId', 'deal_protocol_version', 'miner_version']) {
      assert.ok(k in Deals[0], k);
    }
    const demo = (await call('GET', '/user/export', { token: DEMO_TOKEN })).json.Version1;
    assert.equal(demo.Contents.length, 5);
    assert.equal(demo.Deals.length, 2);
    const nul = (await call('GET', '/user/export', { token: T.nullStats })).json.Version1;
    assert.deepEqual(nul, { Contents: null, Deals: null });
  });

  test('large exports (exportBytes=5000000) are about the requested size', async () => {
    const { token } = (await ctl('POST', '/__test/users', { exportBytes: 5_000_000, contents: 20 })).json;
    const r = await call('GET', '/user/export', { token });
    assert.equal(r.status, 200);
    assert.ok(Math.abs(Buffer.byteLength(r.text) - 5_000_000) < 1000, String(r.text.length));
    assert.equal(r.json.Version1.Contents.length, 20);
  });
});

describe('routing', () => {
  test('a trailing slash is stripped', async () => {
    assert.equal((await call('GET', '/user/stats/', { token: T.full })).status, 200);
    assert.equal((await call('GET', '/user/api-keys/', { token: T.full })).json.length, 6);
    assert.equal((await call('POST', '/user/api-keys/?label=slash', { token: T.full })).json.label, 'slash');
  });

  test('unknown paths: 401 then 404 under /user, plain 404 elsewhere', async () => {
    assertEnvelope(await call('GET', '/user/nope'), 401, 'ERR_AUTH_MISSING', 'no api key was specified');
    assertEnvelope(await call('GET', '/user/nope', { token: T.full }), 404, 'Not Found', 'Not Found');
    assertEnvelope(await call('GET', '/user/api-keys/a/b', { token: T.full }), 404, 'Not Found', 'Not Found');
    assertEnvelope(await call('GET', '/user', { token: T.full }), 404, 'Not Found', 'Not Found');
    assertEnvelope(await call('GET', '/nope'), 404, 'Not Found', 'Not Found');
    assertEnvelope(await call('GET', '/'), 404, 'Not Found', 'Not Found');
  });

  test('wrong method on a known path: 405 with Allow, before auth', async () => {
    let r = await call('PUT', '/user/api-keys');
    assertEnvelope(r, 405, 'Method Not Allowed', 'Method Not Allowed');
    assert.equal(r.headers.get('allow'), 'OPTIONS, GET, POST');
    r = await call('POST', '/user/stats', { token: T.full });
    assertEnvelope(r, 405, 'Method Not Allowed', 'Method Not Allowed');
    assert.equal(r.headers.get('allow'), 'OPTIONS, GET');
    r = await call('GET', `/user/api-keys/${tokenHash(T.full)}`, { token: T.full });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'OPTIONS, DELETE');
  });
});

describe('rate limiting', () => {
  test('429 envelope above the limit, no Retry-After; 0 turns it off', async () => {
    await ctl('POST', '/__test/config', { rateLimit: 5 });
    const rs = await Promise.all(Array.from({ length: 15 }, () => call('GET', '/user/stats', { token: T.full })));
    const limited = rs.filter((r) => r.status === 429);
    assert.ok(limited.length >= 8, `${limited.length} limited`);
    assert.ok(rs.filter((r) => r.status === 200).length >= 5);
    assertEnvelope(limited[0], 429, 'Too Many Requests', 'rate limit exceeded');
    assert.equal(limited[0].headers.get('retry-after'), null);
    // Another client IP (Echo's RealIP honours X-Forwarded-For) has its own bucket.
    assert.equal((await call('GET', '/user/stats', { token: T.full, headers: { 'x-forwarded-for': '10.0.0.9' } })).status, 200);
    // The control API itself is never limited.
    assert.equal((await ctl('GET', '/__test/config')).json.rateLimit, 5);
    await ctl('POST', '/__test/config', { rateLimit: 0 });
    const again = await Promise.all(Array.from({ length: 30 }, () => call('GET', '/user/stats', { token: T.full })));
    assert.ok(again.every((r) => r.status === 200));
  });

  test('the default is 200 requests per second', async () => {
    assert.equal((await ctl('GET', '/__test/config')).json.rateLimit, 200);
  });

  test('token bucket: burst = rate, refills continuously, per client', () => {
    let now = 0;
    const rl = new RateLimiter(200, () => now);
    let ok = 0;
    for (let i = 0; i < 250; i++) if (rl.allow('a')) ok++;
    assert.equal(ok, 200);
    assert.equal(rl.allow('b'), true); // another IP has its own bucket
    now += 50; // 50 ms -> 10 more requests
    ok = 0;
    for (let i = 0; i < 20; i++) if (rl.allow('a')) ok++;
    assert.equal(ok, 10);
    now += 10_000; // never more than the burst
    ok = 0;
    for (let i = 0; i < 250; i++) if (rl.allow('a')) ok++;
    assert.equal(ok, 200);
    rl.setRate(0);
    for (let i = 0; i < 500; i++) assert.equal(rl.allow('a'), true);
  });
});

describe('faults', () => {
  const addFault = async (f) => assert.equal((await ctl('POST', '/__test/faults', f)).status, 200);

  test('status + json for the next `count` matching requests, then normal again', async () => {
    await addFault({ path: '/user/stats/', method: 'get', count: 2, status: 503, json: { oops: true }, headers: { 'X-Test': '1' } });
    assert.equal((await call('GET', '/user/api-keys', { token: T.full })).status, 200); // path does not match
    for (let i = 0; i < 2; i++) {
      const r = await call('GET', '/user/stats', { token: T.full });
      assert.equal(r.status, 503);
      assert.deepEqual(r.json, { oops: true });
      assert.equal(r.headers.get('x-test'), '1');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
    }
    assert.equal((await call('GET', '/user/stats', { token: T.full })).status, 200);
  });

  test('method filter and verbatim body', async () => {
    await addFault({ method: 'POST', path: '/user/api-keys', status: 500, body: 'not json at all' });
    assert.equal((await call('GET', '/user/api-keys', { token: T.full })).status, 200);
    const r = await call('POST', '/user/api-keys', { token: T.full });
    assert.equal(r.status, 500);
    assert.equal(r.text, 'not json at all');
  });

  test('delayMs holds the request, then serves the real reply; nothing is sent once the client left', async () => {
    // Held: the request is logged, unanswered, and the fetch has not settled.
    await addFault({ path: '/user/stats', delayMs: 600_000 });
    const controller = new AbortController();
    const held = call('GET', '/user/stats', { token: T.full, signal: controller.signal });
    let settled = false;
    held.then(() => (settled = true), () => (settled = true));
    while (srv.requests().length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(srv.requests()[0].status, null);
    assert.equal(settled, false);
    controller.abort();
    await assert.rejects(held, { name: 'AbortError' });
    assert.equal(srv.requests()[0].status, null, 'nothing sent after the client went away');
    // A short delay still ends with the node's own answer.
    await addFault({ path: '/user/stats', delayMs: 20 });
    const r = await call('GET', '/user/stats', { token: T.full });
    assert.deepEqual(r.json, { totalSize: 3670016, numPins: 3 });
    assert.deepEqual(srv.requests().map((e) => e.status), [null, 200]);
  });

  test('drop closes the socket without a response', async () => {
    await addFault({ path: '/user/stats', drop: true });
    await assert.rejects(call('GET', '/user/stats', { token: T.full }), TypeError);
    assert.equal((await call('GET', '/user/stats', { token: T.full })).status, 200);
  });

  test('truncate cuts the real JSON body in half', async () => {
    const full = (await call('GET', '/user/api-keys', { token: T.full })).text;
    await addFault({ path: '/user/api-keys', truncate: true });
    const r = await call('GET', '/user/api-keys', { token: T.full });
    assert.equal(r.status, 200);
    assert.equal(r.text.length, Math.floor(Buffer.byteLength(full) / 2));
    assert.equal(r.json, undefined);
  });

  test('cut sends the headers of the whole body, half of it, then closes the connection', async () => {
    const full = (await call('GET', '/user/stats', { token: T.full })).text;
    await addFault({ path: '/user/stats', cut: true });
    const res = await fetch(srv.baseUrl + '/user/stats', { headers: { authorization: `Bearer ${T.full}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(full)));
    await assert.rejects(res.text(), TypeError);
  });

  test('bodyBytes repeats the body to exactly that many bytes', async () => {
    await addFault({ path: '/user/stats', status: 502, body: '<p>bad gateway</p>', bodyBytes: 100_000 });
    const r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 502);
    assert.equal(r.text.length, 100_000);
    assert.ok(r.text.startsWith('<p>bad gateway</p><p>'));
  });

  test('presets: html502, empty504, legacy', async () => {
    await addFault({ path: '/user/stats', preset: 'html502' });
    let r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 502);
    assert.equal(r.headers.get('content-type'), 'text/html');
    assert.match(r.text, /<title>502 Bad Gateway<\/title>/);

    await addFault({ path: '/user/stats', preset: 'empty504' });
    r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 504);
    assert.equal(r.text, '');

    await addFault({ path: '/user/stats', preset: 'legacy' });
    r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { error: 'ERR_INVALID_TOKEN', details: 'api key does not exist' });

    await addFault({ path: '/user/stats', preset: 'legacy', status: 403, reason: 'ERR_NOT_AUTHORIZED', details: 'nope' });
    r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json, { error: 'ERR_NOT_AUTHORIZED', details: 'nope' });
  });

  test('cors: false leaves out Access-Control-Allow-Origin', async () => {
    await addFault({ path: '/user/stats', preset: 'html502', cors: false });
    const r = await call('GET', '/user/stats', { token: T.full });
    assert.equal(r.status, 502);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });

  test('stall never answers; the server cleans up when the client gives up', async () => {
    await addFault({ path: '/user/stats', preset: 'stall' });
    await assert.rejects(call('GET', '/user/stats', { token: T.full, signal: AbortSignal.timeout(150) }), { name: 'TimeoutError' });
    assert.equal((await call('GET', '/user/stats', { token: T.full })).status, 200);
    const log = (await ctl('GET', '/__test/requests')).json;
    assert.deepEqual(log.map((e) => e.status), [null, 200]);
  });

  test('faulted requests are logged; bad fault specs are 400; DELETE clears', async () => {
    await addFault({ path: '/user/export', status: 500, json: {} });
    await call('GET', '/user/export', { token: T.full });
    const log = (await ctl('GET', '/__test/requests')).json;
    assert.equal(log.length, 1);
    assert.equal(log[0].status, 500);
    assert.equal((await ctl('POST', '/__test/faults', { path: '/x', preset: 'nope' })).status, 400);
    assert.equal((await ctl('POST', '/__test/faults', { path: '/x', bogus: 1 })).status, 400);
    assert.equal((await ctl('POST', '/__test/faults', { path: '/x', count: 0 })).status, 400);
    await addFault({ path: '/user/stats', status: 500 });
    assert.equal((await ctl('GET', '/__test/faults')).json.length, 1);
    assert.equal((await ctl('DELETE', '/__test/faults')).status, 200);
    assert.equal((await call('GET', '/user/stats', { token: T.full })).status, 200);
  });
});

describe('control API', () => {
  test('request log records every non-control request as received', async () => {
    await call('POST', '/user/api-keys?label=a+b&expiry=1h', { token: T.full, body: 'hello', headers: { origin: 'http://localhost:5173' } });
    await call('OPTIONS', '/user/stats', { headers: { 'access-control-request-headers': 'authorization' } });
    await call('GET', '/nope');
    const log = (await ctl('GET', '/__test/requests')).json;
    assert.equal(log.length, 3);
    const [p, o, n] = log;
    assert.equal(p.method, 'POST');
    assert.equal(p.url, '/user/api-keys?label=a+b&expiry=1h');
    assert.equal(p.path, '/user/api-keys');
    assert.equal(p.query, 'label=a+b&expiry=1h');
    assert.equal(p.tokenHash, tokenHash(T.full), 'the hash of the token used');
    assert.equal(p.headers.authorization, undefined, 'never the Authorization header');
    assert.ok(!JSON.stringify(log).includes(T.full), 'never the token');
    assert.equal(p.bodyLength, 5);
    assert.equal(p.origin, 'http://localhost:5173');
    assert.equal(p.status, 200);
    assert.equal(o.method, 'OPTIONS');
    assert.equal(o.status, 204);
    assert.equal(o.origin, null);
    assert.deepEqual([n.path, n.query, n.status, n.bodyLength], ['/nope', '', 404, 0]);
    assert.equal((await ctl('DELETE', '/__test/requests')).status, 200);
    assert.deepEqual((await ctl('GET', '/__test/requests')).json, []);
  });

  test('reset restores keys, faults, config and the log', async () => {
    await call('DELETE', `/user/api-keys/${T.full}`, { token: T.full });
    await ctl('POST', '/__test/faults', { path: '/user/stats', status: 500, count: 10 });
    await ctl('POST', '/__test/config', { rateLimit: 1 });
    const fresh = (await ctl('POST', '/__test/users', {})).json.token;
    assert.deepEqual((await ctl('POST', '/__test/reset')).json, {});
    assert.deepEqual((await ctl('GET', '/__test/requests')).json, []);
    assert.equal((await ctl('GET', '/__test/config')).json.rateLimit, 200);
    assert.equal((await call('GET', '/user/stats', { token: T.full })).status, 200);
    assert.equal((await call('GET', '/user/stats', { token: fresh })).status, 401);
    assert.equal((await call('GET', '/user/stats', { token: DEMO_TOKEN })).status, 200);
  });

  test('fresh users are isolated and have one full key', async () => {
    const a = (await ctl('POST', '/__test/users', { keys: 2 })).json.token;
    const b = (await ctl('POST', '/__test/users', {})).json.token;
    assert.match(a, /^EST[0-9a-f-]{36}ARY$/);
    assert.equal((await call('GET', '/user/api-keys', { token: a })).json.length, 3);
    assert.equal((await call('GET', '/user/api-keys', { token: b })).json.length, 1);
    assert.equal((await ctl('POST', '/__test/users', { keys: -1 })).status, 400);
    assert.equal((await ctl('POST', '/__test/nope')).status, 404);
  });

  test('control API has no CORS; /__test/info names the tokens', async () => {
    const r = await ctl('GET', '/__test/info');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.json.demoToken, DEMO_TOKEN);
    assert.deepEqual(r.json.testTokens, TEST_TOKENS);
    assert.deepEqual(r.json.tokens, srv.tokens);
    assert.equal(srv.controlUrl, `${srv.baseUrl}/__test/`);
  });
});

test('CLI (bin/, from the source tree): the JSON line with --fixtures and --token; exit 0 on SIGTERM', async () => {
  const node = await startCommand(['--port', '0', '--fixtures', '--quiet', '--token', DEMO_TOKEN]);
  let end;
  try {
    const { line } = node;
    assert.deepEqual(Object.keys(line), ['baseUrl', 'tokens']);
    assert.match(line.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(line.tokens.user, T.full);
    assert.equal(line.tokens.demo, DEMO_TOKEN);
    const r = await fetch(`${line.baseUrl}/user/stats`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
    assert.equal(r.status, 200);
  } finally {
    end = await node.stop();
  }
  assert.deepEqual(end, { code: 0, signal: null });
});
