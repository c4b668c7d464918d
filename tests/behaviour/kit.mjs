// What the behaviour cases (cases.mjs) use: assertions, the test node's control API
// (estuary-user-node/README.md, "Control API over HTTP") and helpers around the package. Web platform APIs
// only (fetch, AbortController, setTimeout), so the same file runs in Node and in browsers.

/** Test mode's fixed tokens (estuary-user-node/README.md, "Seeded tokens"). */
export const TOKENS = {
  full: 'ESTc0ffee00-0000-4000-8000-000000000001ARY',
  upload: 'ESTc0ffee00-0000-4000-8000-000000000002ARY',
  expired: 'ESTc0ffee00-0000-4000-8000-000000000003ARY',
  other: 'ESTc0ffee00-0000-4000-8000-000000000004ARY',
  nullStats: 'ESTc0ffee00-0000-4000-8000-000000000005ARY',
  legacy: 'ESTc0ffee00-0000-4000-8000-000000000006ARY',
  oldRow: 'ESTc0ffee00-0000-4000-8000-000000000007ARY',
};

class AssertionFailed extends Error {
  name = 'AssertionFailed';
}

const show = (v) => {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

/** Minimal assertions: each failure names what was expected and what came. */
export const assert = {
  ok(value, message = 'expected a truthy value') {
    if (!value) throw new AssertionFailed(`${message} (got ${show(value)})`);
  },
  equal(actual, expected, message = '') {
    if (!Object.is(actual, expected)) throw new AssertionFailed(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  },
  deepEqual(actual, expected, message = '') {
    if (show(actual) !== show(expected)) throw new AssertionFailed(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  },
  match(text, re, message = '') {
    if (typeof text !== 'string' || !re.test(text)) throw new AssertionFailed(`${message ? `${message}: ` : ''}${show(text)} does not match ${re}`);
  },
  notIncludes(text, part, message = '') {
    if (String(text).includes(part)) throw new AssertionFailed(`${message ? `${message}: ` : ''}${show(String(text))} contains ${show(part)}`);
  },
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The context every case gets: the package's exports (`mod`, already initialised), the test
 * node's base URL, and helpers bound to both.
 */
export function makeContext(mod, baseUrl) {
  const control = async (method, path, body) => {
    // The control API takes JSON POSTs only (a page may send text/plain without a preflight).
    const response = await fetch(`${baseUrl}/__test/${path}`, {
      method,
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}), headers: { 'Content-Type': 'application/json' } } : {}),
    });
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const ctx = {
    mod,
    baseUrl,
    TOKENS,
    /** A client of the test node (baseUrl is always given). */
    user: (token = TOKENS.full, options = {}) => new mod.EstuaryUser({ token, baseUrl, ...options }),
    reset: () => control('POST', 'reset'),
    fault: (spec) => control('POST', 'faults', spec),
    config: (spec) => control('POST', 'config', spec),
    newUser: async (spec = {}) => (await control('POST', 'users', spec)).token,
    stalled: () => control('GET', 'stalled'),
    /** Every request the node received since the last reset, CORS preflights excluded. */
    requests: async () => (await control('GET', 'requests')).filter((r) => r.method !== 'OPTIONS'),
    /** Resolves once the node has logged more than `seen` requests to `path` (polls; at most 10 s). */
    async arrived(path, seen = 0) {
      for (let i = 0; i < 1000; i++) {
        if ((await ctx.requests()).filter((r) => r.path === path).length > seen) return;
        await sleep(10);
      }
      throw new AssertionFailed(`no request to ${path} reached the node`);
    },
    /** The rejection of `promise`; fails when it resolves. */
    async rejection(promise) {
      let value;
      try {
        value = await promise;
      } catch (e) {
        return e;
      }
      throw new AssertionFailed(`expected a rejection, got ${show(value)}`);
    },
    /** What `fn()` throws; fails when it returns. */
    thrown(fn) {
      try {
        fn();
      } catch (e) {
        return e;
      }
      throw new AssertionFailed('expected a throw');
    },
    /** Asserts the package's error contract for `error` (README, "Errors") and its kind. */
    expectKind(error, kind) {
      assert.ok(error instanceof Error, `a real Error (got ${show(error)})`);
      assert.ok(error instanceof mod.EstuaryError, 'an instance of EstuaryError');
      assert.equal(Object.prototype.toString.call(error), '[object Error]');
      assert.equal(error.name, 'EstuaryError');
      assert.equal(error.kind, kind, `kind (message: ${error.message})`);
      assert.ok(mod.isEstuaryError(error), 'isEstuaryError');
      assert.equal(typeof error.message, 'string');
      assert.ok(error.message.length > 0, 'a message');
      return error;
    },
    /** The token appears in no field a caller may log. */
    noToken(error, token) {
      for (const field of ['message', 'reason', 'details', 'stack']) assert.notIncludes(error?.[field] ?? '', token, field);
      assert.notIncludes(error?.cause?.message ?? '', token, 'cause.message');
      assert.notIncludes(String(error?.cause?.path ?? ''), token, 'cause.path');
    },
    /**
     * Runs `call()` with `globalThis.fetch` replaced by `makeFetch(realFetch)`, then puts the
     * real one back.
     */
    async withFetch(makeFetch, call) {
      const real = globalThis.fetch;
      globalThis.fetch = makeFetch(real);
      try {
        return await call();
      } finally {
        globalThis.fetch = real;
      }
    },
    /** `{ fetch, calls() }`: a fetch that counts its calls and passes them on. */
    countingFetch(real) {
      let n = 0;
      return { fetch: (...args) => (n++, real(...args)), calls: () => n };
    },
  };
  return ctx;
}
