// What every test runner of tests/runners/ must get right with estuary-user: the cases an app's
// own test file meets first. runners.test.mjs copies this file beside each runner's
// estuary.spec.js, which imports the two packages (installed from their npm pack tarballs) the
// way an app does and passes them in with the runner's own hooks: each case is one of its tests.
// Under Jest's ESM mode and Vitest's vm pools the test file runs in a `vm` realm whose `fetch`
// (and so its TypeError) comes from the outer realm: gloo-net 0.7.0 unpatched turned such a
// rejection, or a mock's plain object, into `RuntimeError: unreachable` and a call that never
// settled.
import assert from 'node:assert/strict';

/** The fixtures' test user's stats (estuary-user-node README "Fixtures"). */
const TEST_STATS = { totalSize: 3670016, numPins: 3 };
/** Nothing listens there: a node that is down. */
const DOWN_URL = 'http://127.0.0.1:9';

/** The cases, in order; runners.test.mjs checks that each runner reported every name passed. */
export const CASES = [
  {
    name: 'a call against estuary-user-node started in the test succeeds',
    run: async (ctx) => {
      await nextCallWorks(ctx);
    },
  },
  {
    name: 'a node that is down rejects with an EstuaryError of kind network; the next call works',
    run: async (ctx) => {
      const user = new ctx.EstuaryUser({ token: ctx.node.tokens.user, baseUrl: DOWN_URL, maxRetries: 0 });
      const e = await rejection(ctx, user.getStats());
      assert.equal(e.kind, 'network');
      // The platform's rejection (another realm's TypeError under a vm runner) kept by name.
      assert.equal(e.cause?.name, 'TypeError');
      await nextCallWorks(ctx);
    },
  },
  {
    name: 'a fetch that rejects with a string is a network EstuaryError; the next call works',
    run: async (ctx) => {
      const reject = async () => Promise.reject('offline');
      const e = await rejection(ctx, withFetch(ctx, reject, (user) => user.getStats({ maxRetries: 0 })));
      assert.equal(e.kind, 'network');
      assert.equal(e.cause?.message, 'offline', 'the rejected value is kept in cause');
      await nextCallWorks(ctx);
    },
  },
  {
    name: 'a plain-object fetch mock is an invalid_response EstuaryError naming the mock, not retried; the next call works',
    run: async (ctx) => {
      let calls = 0;
      const mock = async () => {
        calls += 1;
        return { ok: true, status: 200, json: async () => ({}) };
      };
      const e = await rejection(ctx, withFetch(ctx, mock, (user) => user.getStats({ maxRetries: 2 })));
      assert.equal(e.kind, 'invalid_response');
      assert.match(e.message, /not a Response.*fetch mock/);
      assert.equal(calls, 1, 'a mock that answers a non-Response is not tried again');
      await nextCallWorks(ctx);
    },
  },
  {
    name: 'a fetch mock that returns a Response is read like the node\'s answer; the next call works',
    run: async (ctx) => {
      const body = JSON.stringify({ totalSize: 42, numPins: 1 });
      const mock = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      const stats = await withFetch(ctx, mock, (user) => user.getStats());
      assert.deepEqual({ totalSize: stats.totalSize, numPins: stats.numPins }, { totalSize: 42, numPins: 1 });
      await nextCallWorks(ctx);
    },
  },
];

/**
 * Registers the cases with the runner's own `beforeAll`, `afterAll` and `test`, for the packages
 * the test file imported: before them the module is inited and a node started on a free port;
 * after them the node is stopped.
 */
export function registerCases({ beforeAll, afterAll, test }, { init, EstuaryUser, isEstuaryError, startNode }) {
  const ctx = { EstuaryUser, isEstuaryError, node: null, realFetch: globalThis.fetch };
  beforeAll(async () => {
    await init();
    ctx.node = await startNode({ port: 0, fixtures: true });
  });
  afterAll(async () => {
    await ctx.node?.close();
  });
  for (const c of CASES) test(c.name, () => c.run(ctx));
}

/** With the real fetch: the test user's stats from the node. */
async function nextCallWorks(ctx) {
  assert.equal(globalThis.fetch, ctx.realFetch, 'the real fetch is back');
  const user = new ctx.EstuaryUser({ token: ctx.node.tokens.user, baseUrl: ctx.node.baseUrl });
  const stats = await user.getStats();
  assert.deepEqual({ totalSize: stats.totalSize, numPins: stats.numPins }, TEST_STATS);
}

/** Runs `call` on a client of the node with `fetch` replaced by `mock`, then puts the real one back. */
async function withFetch(ctx, mock, call) {
  const user = new ctx.EstuaryUser({ token: ctx.node.tokens.user, baseUrl: ctx.node.baseUrl });
  globalThis.fetch = mock;
  try {
    return await call(user);
  } finally {
    globalThis.fetch = ctx.realFetch;
  }
}

/** Resolves with what `promise` rejected with, after checking that it is an EstuaryError. */
async function rejection(ctx, promise) {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  assert.ok('error' in outcome, `expected an EstuaryError, the call resolved with ${JSON.stringify(outcome.value)}`);
  const e = outcome.error;
  assert.ok(e instanceof Error, 'a real Error');
  assert.equal(e.name, 'EstuaryError');
  assert.ok(ctx.isEstuaryError(e));
  return e;
}
