// The behaviour suite, written once and run on the exact files `npm pack` ships, in Node
// (node.test.mjs), headless Chromium (chromium.test.mjs) and headless Firefox
// (firefox.test.mjs), against the local test node in test mode. Each case is
// `{ group, name, run(ctx) }`; `ctx` (kit.mjs) holds the initialised package and the node's
// control API. Every case starts from the node's seeded state (`ctx.reset()`), asserts
// behaviour only (no timing), and uses web platform APIs only.
//
// Ported from the Rust wasm suite (tests/suite/*.rs), which runs on the root crate's test
// build: these run on the shipped .wasm (the package's allocator, wasm-opt, minified names).

import { assert, sleep } from './kit.mjs';

const REASONS = [['a string', 'why'], ['a number', 42], ['an object', {}], ['null', null], ['undefined', undefined], ['an Error', new Error('user left the page')]];

/** The next call on the same module works (nothing trapped, nothing poisoned). */
async function worksAfter(ctx) {
  const stats = await ctx.user().getStats();
  assert.equal(typeof stats.totalSize, 'number', 'the next call on the same module works');
}

/** Aborts a `getStats` that the node holds (a stall fault) with `reason`; gives the error. */
async function abortInFlight(ctx, abort) {
  await ctx.fault({ path: '/user/stats', preset: 'stall' });
  const controller = new AbortController();
  const call = ctx.rejection(ctx.user().getStats({ signal: controller.signal }));
  await ctx.arrived('/user/stats');
  abort(controller);
  return call;
}

export const CASES = [
  // --- retries -------------------------------------------------------------------------------
  {
    group: 'retries',
    name: 'a GET is retried after a 503 and then succeeds',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 503, count: 1 });
      const stats = await ctx.user().getStats();
      assert.deepEqual(stats, { totalSize: 3670016, numPins: 3 });
      assert.equal((await ctx.requests()).length, 2);
    },
  },
  {
    group: 'retries',
    name: 'a 429 is retried up to the default maxRetries of 2, then succeeds',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys', method: 'GET', status: 429, count: 2 });
      const keys = await ctx.user().listApiKeys();
      assert.equal(keys.length, 6);
      assert.equal((await ctx.requests()).length, 3);
    },
  },
  {
    group: 'retries',
    name: 'a 503 on every try ends as a server error after 1 + maxRetries tries',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 503, count: 10 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 1 })), 'server');
      assert.equal(error.status, 503);
      assert.equal((await ctx.requests()).length, 2);
    },
  },
  {
    group: 'retries',
    name: 'a DELETE is retried after a 503',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys/abc', method: 'DELETE', status: 503, count: 1 });
      assert.equal(await ctx.user().revokeApiKey('abc'), undefined);
      assert.equal((await ctx.requests()).length, 2);
    },
  },
  {
    group: 'retries',
    name: 'a POST is sent exactly once, even on a 503',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys', method: 'POST', status: 503, count: 3 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey()), 'server');
      assert.equal(error.status, 503);
      assert.equal((await ctx.requests()).length, 1);
    },
  },
  {
    group: 'retries',
    name: 'maxRetries 0 is honoured and 11 is refused before sending',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 503, count: 1 });
      ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 0 })), 'server');
      assert.equal((await ctx.requests()).length, 1);
      ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 11 })), 'invalid_input');
      assert.equal((await ctx.requests()).length, 1, 'nothing more was sent');
    },
  },
  {
    group: 'retries',
    name: 'a dropped connection is retried by calling fetch again (DELETE, maxRetries 1)',
    async run(ctx) {
      // Engines resend a request whose connection closed unanswered on their own, so the node's
      // count cannot show the library's retry: its calls of fetch can.
      await ctx.fault({ path: '/user/api-keys/abc', method: 'DELETE', drop: true, count: 1000 });
      let counter;
      const error = await ctx.withFetch(
        (real) => ((counter = ctx.countingFetch(real)), counter.fetch),
        () => ctx.rejection(ctx.user().revokeApiKey('abc', { maxRetries: 1 })),
      );
      ctx.expectKind(error, 'network');
      assert.equal(counter.calls(), 2, 'the first try and one retry');
    },
  },
  {
    group: 'retries',
    name: 'a Retry-After the page can read is honoured: a 5 s wait outlasts a 700 ms timeout, and no second try is sent',
    async run(ctx) {
      await ctx.fault({
        path: '/user/stats', status: 503, count: 20,
        headers: { 'Retry-After': '5', 'Access-Control-Expose-Headers': 'Retry-After' },
      });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 10, timeoutMs: 700 })), 'timeout');
      assert.equal((await ctx.requests()).length, 1, 'the timeout came during the wait');
      assert.match(error.message, /503/);
      assert.equal(ctx.expectKind(error.cause, 'server').status, 503);
    },
  },
  {
    group: 'retries',
    name: '1,000 concurrent calls on one instance all resolve',
    async run(ctx) {
      await ctx.config({ rateLimit: 0 });
      const user = ctx.user();
      const results = await Promise.all(Array.from({ length: 1000 }, () => user.getStats()));
      assert.equal(results.length, 1000);
      assert.ok(results.every((s) => s.numPins === 3), 'every answer is the stats');
      assert.equal((await ctx.requests()).length, 1000);
    },
  },
  {
    group: 'retries',
    name: 'freeing the instance during a call does not break the call',
    async run(ctx) {
      const user = ctx.user();
      const call = user.getStats();
      user.free();
      assert.equal((await call).numPins, 3);
    },
  },

  // --- timeouts ------------------------------------------------------------------------------
  {
    group: 'timeouts',
    name: 'a stalled node times out with timeoutMs in the message',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', preset: 'stall' });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ timeoutMs: 300 })), 'timeout');
      assert.match(error.message, /300 ms/);
    },
  },
  {
    group: 'timeouts',
    name: 'a client-wide timeoutMs applies to every call',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys', method: 'GET', preset: 'stall' });
      ctx.expectKind(await ctx.rejection(ctx.user(undefined, { timeoutMs: 300 }).listApiKeys()), 'timeout');
    },
  },
  {
    group: 'timeouts',
    name: 'a timeout during the backoff after 503s ends the call',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 503, count: 20 });
      ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 10, timeoutMs: 700 })), 'timeout');
    },
  },
  {
    group: 'timeouts',
    name: 'a timeout in the try after a 503 says what the node answered',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 503, count: 1 });
      await ctx.fault({ path: '/user/stats', preset: 'stall', count: 1000 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 2, timeoutMs: 1500 })), 'timeout');
      assert.ok((await ctx.requests()).length >= 2, 'the 503 was retried');
      assert.match(error.message, /503/);
      assert.equal(ctx.expectKind(error.cause, 'server').status, 503);
    },
  },
  {
    group: 'timeouts',
    name: 'a create that times out says a key may exist and was sent once',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys', method: 'POST', preset: 'stall' });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey(undefined, { timeoutMs: 300 })), 'timeout');
      assert.match(error.message, /may have created the key/);
      assert.equal((await ctx.requests()).length, 1);
    },
  },

  // --- aborts --------------------------------------------------------------------------------
  ...REASONS.map(([label, reason]) => ({
    group: 'aborts',
    name: `an abort in flight with ${label} as the reason rejects as aborted, and the module keeps working`,
    async run(ctx) {
      const error = ctx.expectKind(await abortInFlight(ctx, (c) => c.abort(reason)), 'aborted');
      if (reason !== undefined) assert.ok(error.cause === reason, 'the cause is the caller\'s reason');
      await ctx.reset();
      await worksAfter(ctx);
    },
  })),
  {
    group: 'aborts',
    name: 'an aborted call closes its request at the node',
    async run(ctx) {
      ctx.expectKind(await abortInFlight(ctx, (c) => c.abort()), 'aborted');
      let open = 1;
      for (let i = 0; i < 500 && open > 0; i++) {
        ({ open } = await ctx.stalled());
        if (open > 0) await sleep(10);
      }
      assert.equal(open, 0, 'the stalled request was closed');
    },
  },
  {
    group: 'aborts',
    name: 'an already-aborted signal, whatever its reason, sends nothing',
    async run(ctx) {
      for (const [, reason] of REASONS) {
        const controller = new AbortController();
        controller.abort(reason);
        const options = { signal: controller.signal };
        ctx.expectKind(await ctx.rejection(ctx.user().listApiKeys(options)), 'aborted');
        const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey(undefined, options)), 'aborted');
        assert.notIncludes(error.message, 'may have created', 'a create that was never sent');
        ctx.expectKind(await ctx.rejection(ctx.user().revokeApiKey('abc', options)), 'aborted');
      }
      assert.deepEqual(await ctx.requests(), [], 'nothing was sent');
      await worksAfter(ctx);
    },
  },
  {
    group: 'aborts',
    name: 'AbortSignal.timeout() is the caller\'s signal: aborted, not timeout',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', preset: 'stall' });
      ctx.expectKind(await ctx.rejection(ctx.user().getStats({ signal: AbortSignal.timeout(100) })), 'aborted');
      await ctx.reset();
      await worksAfter(ctx);
    },
  },
  {
    group: 'aborts',
    name: 'an abort during the backoff after 503s ends the call',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 503, count: 20 });
      const controller = new AbortController();
      const call = ctx.rejection(ctx.user().getStats({ maxRetries: 10, signal: controller.signal }));
      await ctx.arrived('/user/stats');
      controller.abort();
      ctx.expectKind(await call, 'aborted');
    },
  },

  // --- faults --------------------------------------------------------------------------------
  {
    group: 'faults',
    name: 'a dropped connection is a network error after exactly one fetch (maxRetries 0)',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', drop: true, count: 1000 });
      let counter;
      const error = await ctx.withFetch(
        (real) => ((counter = ctx.countingFetch(real)), counter.fetch),
        () => ctx.rejection(ctx.user().getStats({ maxRetries: 0 })),
      );
      ctx.expectKind(error, 'network');
      assert.equal(counter.calls(), 1);
      assert.ok(error.cause instanceof Error, 'the platform\'s error is the cause');
    },
  },
  {
    group: 'faults',
    name: 'a create whose connection drops says a key may exist',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys', method: 'POST', drop: true, count: 1000 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey()), 'network');
      assert.match(error.message, /may have created the key/);
    },
  },
  {
    group: 'faults',
    name: 'an HTML 502 from a proxy is a server error with a plain-text excerpt',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', preset: 'html502', count: 5 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 0 })), 'server');
      assert.equal(error.status, 502);
      assert.equal(error.reason, undefined);
      assert.match(error.details, /502 Bad Gateway/);
      assert.notIncludes(error.details, '<');
    },
  },
  {
    group: 'faults',
    name: 'the legacy envelope is read, and other statuses are http errors',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', preset: 'legacy', status: 409 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats()), 'http');
      assert.equal(error.status, 409);
      assert.equal(error.reason, 'ERR_INVALID_TOKEN');
      assert.equal(error.details, 'api key does not exist');
    },
  },
  {
    group: 'faults',
    name: 'an empty 504 is a server error',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', preset: 'empty504', count: 5 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 0 })), 'server');
      assert.equal(error.status, 504);
    },
  },
  {
    group: 'faults',
    name: 'the node\'s 500 for a bad expiry is a server error with its reason and details',
    async run(ctx) {
      await ctx.fault({
        path: '/user/api-keys', method: 'POST', status: 500,
        json: { error: { code: 500, reason: 'Internal Server Error', details: 'time: unknown unit "d" in duration "30d"' } },
      });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey()), 'server');
      assert.equal(error.reason, 'Internal Server Error');
      assert.match(error.details, /unknown unit/);
    },
  },
  {
    group: 'faults',
    name: 'bursts beyond the rate limit are rate_limited with the node\'s details',
    async run(ctx) {
      await ctx.config({ rateLimit: 2 });
      const user = ctx.user();
      const settled = await Promise.allSettled(Array.from({ length: 6 }, () => user.getStats({ maxRetries: 0 })));
      const limited = settled.find((s) => s.status === 'rejected');
      assert.ok(limited, 'one call was limited');
      const error = ctx.expectKind(limited.reason, 'rate_limited');
      assert.equal(error.status, 429);
      assert.equal(error.details, 'rate limit exceeded');
    },
  },
  {
    group: 'faults',
    name: 'an unreachable node is a network error whose message names the likely causes',
    async run(ctx) {
      const offline = new ctx.mod.EstuaryUser({ token: ctx.TOKENS.full, baseUrl: 'http://127.0.0.1:9' });
      const error = ctx.expectKind(await ctx.rejection(offline.getStats({ maxRetries: 0 })), 'network');
      for (const word of ['CORS', 'offline', 'baseUrl']) assert.match(error.message, new RegExp(word));
      assert.ok(!('status' in error), 'no status');
      assert.ok(error.cause instanceof TypeError, 'fetch\'s TypeError is the cause');
      ctx.noToken(error, ctx.TOKENS.full);
    },
  },
  {
    group: 'faults',
    name: 'a missing fetch is invalid_input, nothing is sent, and the module keeps working',
    async run(ctx) {
      const error = await ctx.withFetch(() => undefined, () => ctx.rejection(ctx.user().getStats()));
      assert.match(ctx.expectKind(error, 'invalid_input').message, /no fetch/);
      await worksAfter(ctx);
      assert.equal((await ctx.requests()).length, 1, 'only the call that worked was sent');
    },
  },
  {
    group: 'faults',
    name: 'a fetch that rejects with a non-Error (another realm\'s error, a string, undefined) or throws is network, and the module keeps working',
    async run(ctx) {
      // What the patched gloo-net (third_party/gloo-net/PATCH.md) turns into a rejection
      // instead of `unreachable!`: a `vm` realm's `TypeError` is not `instanceof Error` here,
      // which an object with the same two fields reproduces in every runtime.
      const foreign = { name: 'TypeError', message: 'fetch failed' };
      for (const [makeFetch, name, message] of [
        [() => async () => Promise.reject(foreign), 'TypeError', 'fetch failed'],
        [() => async () => Promise.reject('offline'), 'Error', 'offline'],
        [() => async () => Promise.reject(undefined), 'Error', 'fetch failed'],
        [() => () => { throw foreign; }, 'TypeError', 'fetch failed'],
        [() => async () => Promise.reject(new DOMException('the network is down', 'NetworkError')), 'NetworkError', 'the network is down'],
      ]) {
        const error = await ctx.withFetch(makeFetch, () => ctx.rejection(ctx.user().getStats({ maxRetries: 0 })));
        ctx.expectKind(error, 'network');
        assert.ok(error.cause instanceof Error, 'the cause is an Error of this realm');
        assert.equal(error.cause.name, name, 'the cause keeps the name');
        assert.equal(error.cause.message, message, 'the cause keeps the message');
        await worksAfter(ctx);
      }
    },
  },
  {
    group: 'faults',
    name: 'a fetch mock that never settles, or a 2xx body that never ends, still times out or aborts, and the module keeps working',
    async run(ctx) {
      // The platform's fetch rejects, and errors its body, when the call's signal fires; these
      // mocks ignore the signal, and the call must end all the same.
      const never = () => () => new Promise(() => {});
      const endless = () => async () => new Response(new ReadableStream({ start() {} }), { status: 200 });
      for (const mock of [never, endless]) {
        const timedOut = await ctx.withFetch(mock, () => ctx.rejection(ctx.user().getStats({ timeoutMs: 200, maxRetries: 0 })));
        ctx.expectKind(timedOut, 'timeout');
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        const aborted = await ctx.withFetch(mock, () => ctx.rejection(ctx.user().getStats({ signal: controller.signal })));
        ctx.expectKind(aborted, 'aborted');
        await worksAfter(ctx);
      }
    },
  },
  {
    group: 'faults',
    name: 'a fetch that resolves a plain object is invalid_response, names a fetch mock, is not retried, and the module keeps working',
    async run(ctx) {
      let calls = 0;
      const mock = () => async () => (calls++, { ok: true, status: 200, json: async () => ({ totalSize: 1, numPins: 1 }) });
      const error = await ctx.withFetch(mock, () => ctx.rejection(ctx.user().getStats({ maxRetries: 3 })));
      assert.match(ctx.expectKind(error, 'invalid_response').message, /not a Response.*fetch mock/);
      assert.equal(calls, 1, 'not retried');
      // The same from a fetch that returns its object without a promise, and on a create.
      const sync = await ctx.withFetch(() => () => ({ ok: true }), () => ctx.rejection(ctx.user().listApiKeys()));
      ctx.expectKind(sync, 'invalid_response');
      const create = await ctx.withFetch(mock, () => ctx.rejection(ctx.user().createApiKey()));
      ctx.expectKind(create, 'invalid_response');
      await worksAfter(ctx);
      assert.equal((await ctx.requests()).length, 1, 'only the call that worked reached the node');
    },
  },
  {
    group: 'faults',
    name: 'a GET whose body is cut mid-read is retried as a whole try, and succeeds',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', cut: true, count: 1 });
      const stats = await ctx.user().getStats();
      assert.equal(stats.numPins, 3);
      assert.equal((await ctx.requests()).length, 2);
    },
  },
  {
    group: 'faults',
    name: 'a create answered 502, 503, 504 or cut off says the key may exist and is sent once',
    async run(ctx) {
      for (const fault of [{ status: 502 }, { status: 503 }, { preset: 'empty504' }, { cut: true }]) {
        await ctx.reset();
        await ctx.fault({ path: '/user/api-keys', method: 'POST', ...fault });
        const error = await ctx.rejection(ctx.user().createApiKey());
        assert.match(error.message, /may have created the key anyway: list the keys/);
        assert.equal((await ctx.requests()).length, 1, 'never retried');
      }
    },
  },
  {
    group: 'faults',
    name: 'a redirect that drops the token says which baseUrl to use',
    async run(ctx) {
      const other = ctx.baseUrl.replace('127.0.0.1', 'localhost');
      await ctx.fault({ path: '/user/stats', status: 307, headers: { Location: `${other}/user/stats` } });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats()), 'unauthorized');
      assert.match(error.message, /redirected/);
      assert.ok(error.message.includes(`use "${other}" as baseUrl`), error.message);
    },
  },
  {
    group: 'faults',
    name: 'an 8 MB error page is a server error with a short excerpt (its bound and memory: tests/suite/tries.rs)',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 500, body: '<p>proxy broke</p>', bodyBytes: 8_000_000, count: 1000 });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 0 })), 'server');
      assert.ok(error.details.startsWith('proxy broke proxy broke'), error.details);
      assert.ok(error.details.length <= 201, 'an excerpt');
    },
  },

  // --- secrets -------------------------------------------------------------------------------
  {
    group: 'secrets',
    name: 'every request carries exactly "Bearer <token>" and no cookie',
    async run(ctx) {
      await ctx.user().getStats();
      const [request, ...more] = await ctx.requests();
      assert.equal(more.length, 0);
      assert.equal(request.method, 'GET');
      assert.equal(request.url, '/user/stats');
      // The node records the hash of the Bearer token it authenticated, never the header itself.
      assert.equal(request.status, 200);
      assert.equal(request.tokenHash, ctx.mod.tokenHash(ctx.TOKENS.full));
      assert.equal(request.headers.cookie, undefined);
    },
  },
  {
    group: 'secrets',
    name: 'an unknown token is unauthorized with the node\'s reason and appears in no field',
    async run(ctx) {
      const token = 'ESTffffffff-0000-4000-8000-000000000000ARY';
      const error = ctx.expectKind(await ctx.rejection(ctx.user(token).getStats()), 'unauthorized');
      assert.equal(error.status, 401);
      assert.equal(error.reason, 'ERR_INVALID_TOKEN');
      assert.equal(error.details, 'api key does not exist');
      ctx.noToken(error, token);
    },
  },
  {
    group: 'secrets',
    name: 'an error body that echoes the token is redacted',
    async run(ctx) {
      const t = ctx.TOKENS.full;
      await ctx.fault({ path: '/user/stats', count: 3, status: 502, body: `<h1>502</h1> upstream said: Authorization: Bearer ${t} (${t})` });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ maxRetries: 0 })), 'server');
      ctx.noToken(error, t);
      assert.equal(error.details, '502 upstream said: Authorization: Bearer [redacted] ([redacted])');
    },
  },
  {
    group: 'secrets',
    name: 'a JSON-escaped token in an error body is redacted',
    async run(ctx) {
      const escaped = `\\u0045${ctx.TOKENS.full.slice(1)}`;
      await ctx.fault({ path: '/user/stats', status: 500, body: `{"error":{"code":500,"reason":"ERR","details":"bad token ${escaped}"}}` });
      await ctx.fault({ path: '/user/stats', status: 418, body: `{"echo":"${escaped}"}` });
      for (let i = 0; i < 2; i++) {
        const error = await ctx.rejection(ctx.user().getStats({ maxRetries: 0 }));
        const shown = `${error.message} ${error.details}`;
        assert.notIncludes(shown, ctx.TOKENS.full.slice(1));
        assert.match(shown, /\[redacted\]/);
      }
    },
  },
  {
    group: 'secrets',
    name: 'revoking the client\'s own token sends its hash, never the token, and the node revokes it',
    async run(ctx) {
      const token = await ctx.newUser();
      await ctx.user(token).revokeApiKey(token);
      const log = await ctx.requests();
      const del = log.find((r) => r.method === 'DELETE');
      assert.equal(del.path, `/user/api-keys/${ctx.mod.tokenHash(token)}`);
      assert.ok(log.every((r) => !r.url.includes(token)), 'the token never travels in a URL');
      ctx.expectKind(await ctx.rejection(ctx.user(token).getStats()), 'unauthorized');
    },
  },
  {
    group: 'secrets',
    name: 'revoking an ApiKey object sends its hash, resolves to undefined, and the key stops working',
    async run(ctx) {
      const user = ctx.user();
      const key = await user.createApiKey({ label: 'temp' });
      assert.equal(await user.revokeApiKey(key), undefined);
      const log = await ctx.requests();
      assert.equal(log[1].method, 'DELETE');
      assert.equal(log[1].url, `/user/api-keys/${key.tokenHash}`);
      assert.ok(!(await user.listApiKeys()).some((k) => k.tokenHash === key.tokenHash), 'no longer listed');
      const error = ctx.expectKind(await ctx.rejection(ctx.user(key.token).getStats()), 'unauthorized');
      assert.equal(error.reason, 'ERR_INVALID_TOKEN');
    },
  },
  {
    group: 'secrets',
    name: 'a token given as a string is looked up with one list call, then revoked by its hash: it never travels in a URL',
    async run(ctx) {
      const user = ctx.user();
      const key = await user.createApiKey({ label: 'by token' });
      await user.revokeApiKey(key.token);
      const log = await ctx.requests();
      assert.deepEqual(log.slice(1).map((r) => `${r.method} ${r.path}`), ['GET /user/api-keys', `DELETE /user/api-keys/${key.tokenHash}`]);
      assert.ok(log.every((r) => !r.url.includes(key.token)));
      ctx.expectKind(await ctx.rejection(ctx.user(key.token).getStats()), 'unauthorized');
    },
  },
  {
    group: 'secrets',
    name: 'a legacy key\'s token given as a string (key.tokenHash || key.token) really revokes it',
    async run(ctx) {
      const user = ctx.user();
      for (const legacy of [ctx.TOKENS.legacy, ctx.TOKENS.oldRow]) {
        const row = (await user.listApiKeys()).find((k) => k.token === legacy);
        assert.equal(row.tokenHash, '', 'a row without a hash');
        const before = (await ctx.requests()).length;
        assert.equal(await user.revokeApiKey(row.tokenHash || row.token), undefined);
        const log = (await ctx.requests()).slice(before);
        assert.deepEqual(log.map((r) => `${r.method} ${r.path}`), ['GET /user/api-keys', `DELETE /user/api-keys/${legacy}`]);
        assert.ok(!(await user.listApiKeys()).some((k) => k.token === legacy), 'no longer listed');
      }
      const error = ctx.expectKind(await ctx.rejection(ctx.user(ctx.TOKENS.legacy).getStats()), 'unauthorized');
      assert.equal(error.reason, 'ERR_INVALID_TOKEN');
    },
  },
  {
    group: 'secrets',
    name: 'a key revoking itself whose answer was lost counts the retry\'s 401 as revoked',
    async run(ctx) {
      const key = await ctx.user().createApiKey({ label: 'self' });
      const self = ctx.user(key.token);
      // The first DELETE reaches the node and revokes the key, then its answer is lost (a
      // network error): the retry is made with a token that no longer exists.
      let deletes = 0;
      const losing = (real) => async (request) => {
        const response = await real(request);
        if (request.method === 'DELETE' && deletes++ === 0) throw new TypeError('network connection lost');
        return response;
      };
      assert.equal(await ctx.withFetch(losing, () => self.revokeApiKey(key.token)), undefined);
      assert.equal(deletes, 2, 'the DELETE was retried');
      ctx.expectKind(await ctx.rejection(self.getStats()), 'unauthorized');
      // A first try's 401 is still an error: nothing was revoked by this call.
      ctx.expectKind(await ctx.rejection(self.revokeApiKey(key.tokenHash)), 'unauthorized');
    },
  },
  {
    group: 'secrets',
    name: 'a create that times out or is aborted while reading a clear 401 body reports the 401, not that the key may exist',
    async run(ctx) {
      // A real Response whose body never ends: the status is clear, the body never arrives.
      const stalling = () => async () =>
        new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"error":')) }), { status: 401 });
      const timedOut = await ctx.withFetch(stalling, () => ctx.rejection(ctx.user().createApiKey({}, { timeoutMs: 200 })));
      assert.equal(ctx.expectKind(timedOut, 'unauthorized').status, 401);
      assert.match(timedOut.message, /timed out/);
      assert.ok(!/may have created/.test(timedOut.message), timedOut.message);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const aborted = await ctx.withFetch(stalling, () => ctx.rejection(ctx.user().createApiKey({}, { signal: controller.signal })));
      assert.match(ctx.expectKind(aborted, 'unauthorized').message, /aborted/);
    },
  },
  {
    group: 'secrets',
    name: 'a failed revoke of a legacy token never repeats the token',
    async run(ctx) {
      const legacy = ctx.TOKENS.oldRow;
      const row = { token: legacy, tokenHash: '' }; // only a legacy row's token goes in a URL
      await ctx.fault({ path: `/user/api-keys/${legacy}`, method: 'DELETE', drop: true, count: 1000 });
      const dropped = ctx.expectKind(await ctx.rejection(ctx.user().revokeApiKey(row, { maxRetries: 0 })), 'network');
      ctx.noToken(dropped, legacy);
      assert.match(dropped.message, /DELETE \/user\/api-keys\/\{key\}/);
      await ctx.reset();
      await ctx.fault({ path: `/user/api-keys/${legacy}`, preset: 'stall', count: 1000 });
      const stalled = ctx.expectKind(await ctx.rejection(ctx.user().revokeApiKey(row, { timeoutMs: 200 })), 'timeout');
      ctx.noToken(stalled, legacy);
    },
  },
  {
    group: 'secrets',
    name: 'a platform error that quotes a revoke URL has the segment redacted (Deno- and Bun-style errors)',
    async run(ctx) {
      const quoting = () => async (req) => {
        const e = new TypeError(`error sending request for url (${req.url})`);
        e.path = req.url;
        throw e;
      };
      for (const [segment, key] of [[ctx.TOKENS.oldRow, { token: ctx.TOKENS.oldRow, tokenHash: '' }], ['my-old-secret', 'my-old-secret']]) {
        const error = await ctx.withFetch(quoting, () => ctx.rejection(ctx.user().revokeApiKey(key, { maxRetries: 0 })));
        ctx.expectKind(error, 'network');
        const shown = `${error.message} ${error.cause?.message} ${error.cause?.path}`;
        assert.notIncludes(shown, segment);
        assert.match(shown, /\[redacted\]/);
      }
      // gloo-net keeps only a rejection's name and message: the cause is a new error with those
      // two, so a field that quotes the URL (Bun's `path`) never reaches the caller.
      const hash = 'oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI';
      const error = await ctx.withFetch(quoting, () => ctx.rejection(ctx.user().revokeApiKey(hash, { maxRetries: 0 })));
      assert.ok(error.cause instanceof TypeError);
      assert.ok(error.cause.message.endsWith(`${hash})`), 'a hash is no secret');
      assert.equal(error.cause.path, undefined);
    },
  },
  {
    group: 'secrets',
    name: 'an error page that echoes a legacy revoke\'s path is redacted',
    async run(ctx) {
      const legacy = ctx.TOKENS.oldRow;
      for (const body of [`Cannot DELETE /user/api-keys/${legacy}`, `<pre>{"path":"\\u0045${legacy.slice(1)}"}</pre>`]) {
        await ctx.fault({ path: `/user/api-keys/${legacy}`, method: 'DELETE', status: 404, body });
        const error = await ctx.rejection(ctx.user().revokeApiKey({ token: legacy, tokenHash: '' }));
        const shown = `${error.message} ${error.details}`;
        assert.notIncludes(shown, legacy.slice(1));
        assert.match(shown, /\[redacted\]/);
      }
    },
  },
  {
    group: 'secrets',
    name: 'a legacy row without a hash is revoked by its token, in the path only',
    async run(ctx) {
      const keys = await ctx.user(ctx.TOKENS.legacy).listApiKeys();
      const own = keys.find((k) => k.token === ctx.TOKENS.legacy);
      assert.ok(own, 'the legacy row is listed with its token');
      assert.equal(own.tokenHash, '');
      await ctx.user(ctx.TOKENS.legacy).revokeApiKey(own);
      assert.equal((await ctx.requests())[1].path, `/user/api-keys/${ctx.TOKENS.legacy}`);
      ctx.expectKind(await ctx.rejection(ctx.user(ctx.TOKENS.legacy).getStats()), 'unauthorized');
    },
  },

  // --- decoding ------------------------------------------------------------------------------
  {
    group: 'decoding',
    name: 'stats are numbers, and null stats are 0',
    async run(ctx) {
      assert.deepEqual(await ctx.user().getStats(), { totalSize: 3670016, numPins: 3 });
      assert.deepEqual(await ctx.user(ctx.TOKENS.nullStats).getStats(), { totalSize: 0, numPins: 0 });
    },
  },
  {
    group: 'decoding',
    name: 'sizes above 2^53 arrive as the nearest double',
    async run(ctx) {
      const token = await ctx.newUser({ stats: { totalSize: '9007199254740993', numPins: 2 } });
      assert.deepEqual(await ctx.user(token).getStats(), { totalSize: 9007199254740992, numPins: 2 });
    },
  },
  {
    group: 'decoding',
    name: 'the key list is flat and typed: session, legacy and old-node rows filled',
    async run(ctx) {
      const keys = await ctx.user().listApiKeys();
      assert.ok(Array.isArray(keys));
      assert.equal(keys.length, 6);
      for (const key of keys) {
        for (const field of ['token', 'tokenHash', 'label', 'expiry']) assert.equal(typeof key[field], 'string', field);
        assert.equal(typeof key.isSession, 'boolean');
      }
      assert.ok(keys.some((k) => k.isSession), 'a session row');
      assert.ok(keys.some((k) => k.token && !k.tokenHash), 'a legacy row: token, no hash');
      const old = keys.find((k) => k.token === ctx.TOKENS.oldRow);
      assert.deepEqual([old.label, old.tokenHash, old.isSession], ['', '', false], 'the old-node row is filled');
      assert.ok(keys.some((k) => k.tokenHash === ctx.mod.tokenHash(ctx.TOKENS.full)), 'the key in use is listed');
    },
  },
  {
    group: 'decoding',
    name: 'the export is an object with capitalised keys and the user\'s contents and deals',
    async run(ctx) {
      const dump = await ctx.user().exportData();
      assert.equal(dump.Version, 'v0.0.1');
      assert.ok(!Number.isNaN(new Date(dump.Date).getTime()));
      assert.equal(dump.Version1.Contents.length, 4);
      assert.equal(dump.Version1.Deals.length, 1);
    },
  },
  {
    group: 'decoding',
    name: 'a truncated JSON body is a decode error with its status',
    async run(ctx) {
      await ctx.fault({ path: '/user/api-keys', method: 'GET', truncate: true });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().listApiKeys()), 'decode');
      assert.equal(error.status, 200);
    },
  },
  {
    group: 'decoding',
    name: 'a 2xx body of the wrong shape is a decode error that never echoes the value',
    async run(ctx) {
      await ctx.fault({ path: '/user/stats', status: 200, json: { totalSize: 'lots-of-secret-bytes' } });
      const error = ctx.expectKind(await ctx.rejection(ctx.user().getStats()), 'decode');
      assert.match(error.message, /totalSize/);
      assert.notIncludes(`${error.message} ${error.details ?? ''}`, 'lots-of-secret-bytes');
    },
  },
  {
    group: 'decoding',
    name: 'a create whose 2xx body does not decode says to list the keys before trying again',
    async run(ctx) {
      for (const spec of [{ json: { token: 5 } }, { body: '{not json' }]) {
        await ctx.reset();
        await ctx.fault({ path: '/user/api-keys', method: 'POST', status: 200, ...spec });
        const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey()), 'decode');
        assert.match(error.message, /list the keys before trying again/);
      }
    },
  },

  // --- requests on the wire ------------------------------------------------------------------
  {
    group: 'requests',
    name: 'create sends encoded query parameters and no body; the key works and is listed by hash only',
    async run(ctx) {
      const label = 'ci & deploy=1 /?#é+%';
      const key = await ctx.user().createApiKey({ expiry: '1h30m', perms: 'all', label });
      const [request] = await ctx.requests();
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/user/api-keys');
      assert.equal(request.query, 'expiry=1h30m&perms=all&label=ci%20%26%20deploy%3D1%20%2F%3F%23%C3%A9%2B%25');
      assert.equal(request.bodyLength, 0);
      assert.equal(key.label, label);
      assert.match(key.token, /^EST.{36}ARY$/);
      assert.equal(key.tokenHash, ctx.mod.tokenHash(key.token));
      assert.equal(key.isSession, false);
      const listed = await ctx.user(key.token).listApiKeys();
      assert.ok(listed.some((k) => k.tokenHash === key.tokenHash && k.token === ''));
    },
  },
  {
    group: 'requests',
    name: '"never" is sent as expiry=false, and upload perms make an upload-only key',
    async run(ctx) {
      const key = await ctx.user().createApiKey({ expiry: 'never', perms: 'upload' });
      assert.equal((await ctx.requests())[0].query, 'expiry=false&perms=upload');
      assert.ok(new Date(key.expiry).getUTCFullYear() >= 2100);
      ctx.expectKind(await ctx.rejection(ctx.user(key.token).listApiKeys()), 'forbidden');
    },
  },
  {
    group: 'requests',
    name: 'a revoke segment is always encoded, so it cannot change the path',
    async run(ctx) {
      await ctx.user().revokeApiKey('../x?y#z');
      assert.equal((await ctx.requests())[0].url, '/user/api-keys/..%2Fx%3Fy%23z');
    },
  },
  {
    group: 'requests',
    name: 'revoking never touches another user\'s key',
    async run(ctx) {
      await ctx.user().revokeApiKey(ctx.mod.tokenHash(ctx.TOKENS.other));
      assert.equal((await ctx.user(ctx.TOKENS.other).getStats()).numPins >= 0, true);
    },
  },

  // --- errors --------------------------------------------------------------------------------
  {
    group: 'errors',
    name: 'expired, upload-only and wrong-prefix calls map to unauthorized, forbidden and not_found',
    async run(ctx) {
      const expired = ctx.expectKind(await ctx.rejection(ctx.user(ctx.TOKENS.expired).getStats()), 'unauthorized');
      assert.equal(expired.reason, 'ERR_TOKEN_EXPIRED');
      ctx.noToken(expired, ctx.TOKENS.expired);
      const upload = ctx.expectKind(await ctx.rejection(ctx.user(ctx.TOKENS.upload).getStats()), 'forbidden');
      assert.deepEqual([upload.status, upload.reason, upload.details], [403, 'ERR_NOT_AUTHORIZED', 'api key is upload only']);
      const prefixed = new ctx.mod.EstuaryUser({ token: ctx.TOKENS.full, baseUrl: `${ctx.baseUrl}/not-estuary` });
      const missing = ctx.expectKind(await ctx.rejection(prefixed.getStats()), 'not_found');
      assert.deepEqual([missing.status, missing.reason], [404, 'Not Found']);
    },
  },
  {
    group: 'errors',
    name: 'errors carry their cause, and fields that do not apply are absent',
    async run(ctx) {
      const offline = new ctx.mod.EstuaryUser({ token: ctx.TOKENS.full, baseUrl: 'http://127.0.0.1:9' });
      const network = ctx.expectKind(await ctx.rejection(offline.getStats({ maxRetries: 0 })), 'network');
      for (const key of ['status', 'reason', 'details']) assert.ok(!(key in network), `network: no ${key}`);
      const invalid = ctx.expectKind(await ctx.rejection(ctx.user().getStats({ timeoutMs: 'x' })), 'invalid_input');
      for (const key of ['status', 'reason', 'details', 'cause']) assert.ok(!(key in invalid), `invalid_input: no ${key}`);
      const unauthorized = ctx.expectKind(await ctx.rejection(ctx.user(ctx.TOKENS.expired).getStats()), 'unauthorized');
      for (const key of ['status', 'reason', 'details']) assert.ok(key in unauthorized, `unauthorized: ${key}`);
      assert.equal(typeof unauthorized.stack, 'string');
      assert.equal(typeof unauthorized.free, 'undefined', 'errors hold no wasm handle');
    },
  },
  {
    group: 'errors',
    name: 'invalid create params are refused before sending, each with its message',
    async run(ctx) {
      const cases = [
        [{ expiry: '30d' }, /30 days is 720h/],
        [{ expiry: 'abc' }, /Go duration/],
        [{ expiry: '1' }, /missing unit/],
        [{ expiry: 720 }, /expiry must be a string/],
        [{ perms: 'admin' }, /"all" or "upload"/],
        [{ perms: 'all,upload' }, /"all" or "upload"/],
        [{ label: true }, /label must be a string/],
        ['720h', /must be an object/],
      ];
      for (const [params, message] of cases) {
        const error = ctx.expectKind(await ctx.rejection(ctx.user().createApiKey(params)), 'invalid_input');
        assert.match(error.message, message);
      }
      assert.deepEqual(await ctx.requests(), [], 'nothing reached the node');
    },
  },
  {
    group: 'errors',
    name: 'invalid call options and revoke keys are refused before sending',
    async run(ctx) {
      for (const bad of [{ timeoutMs: 'fast' }, { timeoutMs: 1.5 }, { signal: 'stop' }, 3]) {
        ctx.expectKind(await ctx.rejection(ctx.user().getStats(bad)), 'invalid_input');
      }
      for (const bad of ['', '.', '..', { token: '', tokenHash: '' }, null, 42]) {
        ctx.expectKind(await ctx.rejection(ctx.user().revokeApiKey(bad)), 'invalid_input');
      }
      assert.deepEqual(await ctx.requests(), [], 'nothing reached the node');
    },
  },
  {
    group: 'errors',
    name: 'bad constructor options throw invalid_input synchronously and never echo the token',
    async run(ctx) {
      const { EstuaryUser } = ctx.mod;
      const t = ctx.TOKENS.full;
      const base = ctx.baseUrl;
      for (const bad of [
        { token: '', baseUrl: base },
        { token: 'EST abc ARY', baseUrl: base },
        { token: 'EST\nabc', baseUrl: base },
        { token: t, baseUrl: 'localhost:3004' },
        { token: t, baseUrl: 'ftp://127.0.0.1' },
        { token: t, baseUrl: 'http://user:pw@127.0.0.1' },
        { token: 5, baseUrl: base },
        { token: t, baseUrl: base, timeoutMs: -1 },
        { token: t }, // baseUrl is required: there is no default host
        undefined,
        t,
      ]) {
        const error = ctx.expectKind(ctx.thrown(() => new EstuaryUser(bad)), 'invalid_input');
        ctx.noToken(error, t);
      }
      // These pass the crate's own check; the platform's URL parser refuses them.
      for (const baseUrl of ['http://host:+80', 'http://ex%41mple.org', 'http://1.2.3.4.5', 'http://999.1.1.1']) {
        const error = ctx.expectKind(ctx.thrown(() => new EstuaryUser({ token: t, baseUrl })), 'invalid_input');
        assert.match(error.message, /^baseUrl must be/);
      }
      assert.deepEqual(await ctx.requests(), [], 'nothing reached the node');
    },
  },
  {
    group: 'errors',
    name: 'the base URL is normalised and may carry a prefix',
    async run(ctx) {
      const user = new ctx.mod.EstuaryUser({ token: ctx.TOKENS.full, baseUrl: 'HTTP://127.0.0.1:3004/estuary//' });
      assert.equal(user.baseUrl, 'http://127.0.0.1:3004/estuary');
    },
  },
  {
    group: 'errors',
    name: 'tokenHash and checkExpiry match the node, and refuse bad input with an EstuaryError',
    async run(ctx) {
      const { tokenHash, checkExpiry, EstuaryError } = ctx.mod;
      assert.equal(tokenHash('EST00000000-0000-0000-0000-000000000000ARY'), 'oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI');
      ctx.expectKind(ctx.thrown(() => tokenHash(null)), 'invalid_input');
      assert.equal(checkExpiry('720h'), null);
      assert.equal(checkExpiry('never'), null);
      assert.match(checkExpiry('30d'), /30 days is 720h/);
      assert.equal(typeof checkExpiry(5), 'string');
      ctx.thrown(() => new EstuaryError());
    },
  },
];
