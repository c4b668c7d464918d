// The in-page half of the benchmark: runs in headless Chromium, driven by bench/run.mjs through
// `window.bench`. Every function returns raw samples (milliseconds from performance.now());
// the driver computes medians and ratios.
//
// Fairness rules:
// - the wasm client (EstuaryUser, default options as a user would create it) and the plain
//   client (./plain-client.js) send the same requests to the same node, with the same token,
//   from the same page: same origin, same CORS preflight cache, same connection pool;
// - within an iteration both run the same operation, in a random order (seeded), so drift,
//   preflight-cache expiries and GC pauses fall on both alike;
// - warm-up iterations are run the same way and then dropped.

import init, { EstuaryUser, initSync } from '/pkg/estuary_user.js';
import { PlainClient } from './plain-client.js';
import { prng } from './prng.js';

let exports = null; // what init() resolved with: the wasm exports, `memory` among them

const now = () => performance.now();
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));


function wasmMemoryBytes() {
  return exports ? exports.memory.buffer.byteLength : null;
}

/** Used JS heap after a full GC (needs --js-flags=--expose-gc and --enable-precise-memory-info). */
async function jsHeapBytes() {
  await tick(); // let pending promise reactions finish first
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  return performance.memory ? performance.memory.usedJSHeapSize : null;
}

function clients(baseUrl, token) {
  return {
    wasm: new EstuaryUser({ token, baseUrl }),
    plain: new PlainClient({ token, baseUrl }),
  };
}

function release(c) {
  c.wasm.free?.();
}

/** One operation, the same for both clients (they share method names). */
const OPS = {
  listApiKeys: { path: '/user/api-keys', run: (c) => c.listApiKeys() },
  getStats: { path: '/user/stats', run: (c) => c.getStats() },
  exportData: { path: '/user/export', run: (c) => c.exportData() },
  createRevoke: {
    path: '/user/api-keys',
    run: async (c) => {
      const key = await c.createApiKey({ label: 'bench' });
      await c.revokeApiKey(key);
      return key;
    },
  },
};

/** Checks that a client's answer is what the operation returns, so a broken call cannot look fast. */
function check(op, who, value, expect = {}) {
  const fail = (what) => { throw new Error(`${who} ${op}: ${what}`); };
  switch (op) {
    case 'listApiKeys':
      if (!Array.isArray(value)) fail('not an array');
      if (expect.rows !== undefined && value.length !== expect.rows) fail(`${value.length} rows, expected ${expect.rows}`);
      if (typeof value[0]?.expiry !== 'string') fail('rows have no expiry');
      break;
    case 'getStats':
      if (typeof value?.totalSize !== 'number' || typeof value?.numPins !== 'number') fail(`not stats: ${JSON.stringify(value)}`);
      break;
    case 'createRevoke':
      if (typeof value?.token !== 'string' || !value.token.startsWith('EST') || !value.tokenHash) fail('no key created');
      break;
    case 'exportData':
      if (typeof value?.Version !== 'string' || !Array.isArray(value?.Version1?.Contents)) fail('not an export');
      if (expect.contents !== undefined && value.Version1.Contents.length !== expect.contents) {
        fail(`${value.Version1.Contents.length} contents, expected ${expect.contents}`);
      }
      break;
    default:
      fail('unknown operation');
  }
}

/**
 * The Resource Timing entry of the fetch to `url` that started at or after `t0`: its
 * `responseEnd` (the last byte received) is readable cross-origin without Timing-Allow-Origin.
 */
function lastEntry(url, t0) {
  const entries = performance.getEntriesByName(url, 'resource').filter((e) => e.startTime >= t0 - 0.001);
  return entries[entries.length - 1] ?? null;
}

window.bench = {
  /** Times `await init()` (fetch + compile + instantiate of the .wasm) in this page. */
  async measureInit() {
    if (exports) throw new Error('init() already ran in this page');
    const t0 = now();
    exports = await init();
    const t1 = now();
    const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('_bg.wasm'));
    return {
      initMs: t1 - t0,
      // the part of init() after the last byte of the .wasm arrived (compile tail + instantiate)
      afterDownloadMs: entry ? t1 - entry.responseEnd : null,
      // where the rest goes: from init() to the request for the .wasm, to its first byte, to its last
      beforeRequestMs: entry ? entry.startTime - t0 : null,
      firstByteMs: entry ? entry.responseStart - entry.startTime : null,
      downloadMs: entry ? entry.responseEnd - entry.responseStart : null,
      wasmBytesTransferred: entry ? entry.encodedBodySize : null,
      wasmMemory: wasmMemoryBytes(),
      hasPreciseMemory: Boolean(performance.memory) && typeof globalThis.gc === 'function',
      // cross-origin isolated pages get 5 µs performance.now() resolution instead of 100 µs
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    };
  },

  /** Reference for init(): the same fetch of the .wasm alone, bytes read, nothing compiled. */
  async measureFetchOnly() {
    const t0 = now();
    const response = await fetch(new URL('/pkg/estuary_user_bg.wasm', location.href));
    await response.arrayBuffer();
    return now() - t0;
  },

  /** The part of init() the package controls: compile, instantiate and start, bytes in hand. */
  async measureInitSync() {
    if (exports) throw new Error('init() already ran in this page');
    const response = await fetch(new URL('/pkg/estuary_user_bg.wasm', location.href));
    const bytes = await response.arrayBuffer();
    const t0 = now();
    exports = initSync({ module: bytes });
    return now() - t0;
  },

  /** Interleaved per-call timings of one operation. */
  async perCall({ baseUrl, token, op, iterations, warmup, seed, expect, aa = false }) {
    const c = clients(baseUrl, token);
    // A/A check: a second plain client in the wasm slot shows how far from 1.00 noise alone gets
    if (aa) {
      release(c);
      c.wasm = new PlainClient({ token, baseUrl });
    }
    const rand = prng(seed);
    const samples = { wasm: [], plain: [] };
    try {
      for (let i = 0; i < warmup + iterations; i++) {
        const order = rand() < 0.5 ? ['wasm', 'plain'] : ['plain', 'wasm'];
        for (const who of order) {
          const t0 = now();
          const value = await OPS[op].run(c[who]);
          const t1 = now();
          if (i === 0) check(op, who, value, expect);
          if (i >= warmup) samples[who].push(t1 - t0);
        }
      }
    } finally {
      release(c);
    }
    return { samples, wasmMemory: wasmMemoryBytes() };
  },

  /**
   * Large answers: the whole call, and its decode part = from the last byte received
   * (Resource Timing `responseEnd`) to the promise resolving with the value.
   */
  async large({ baseUrl, token, op, iterations, warmup, seed, expect }) {
    const c = clients(baseUrl, token);
    const rand = prng(seed);
    const url = baseUrl + OPS[op].path;
    const samples = { wasm: [], plain: [] };
    const decode = { wasm: [], plain: [] };
    performance.setResourceTimingBufferSize(10_000);
    try {
      for (let i = 0; i < warmup + iterations; i++) {
        const order = rand() < 0.5 ? ['wasm', 'plain'] : ['plain', 'wasm'];
        for (const who of order) {
          performance.clearResourceTimings();
          const t0 = now();
          let value = await OPS[op].run(c[who]);
          const t1 = now();
          if (i === 0) check(op, who, value, expect);
          value = null;
          await tick();
          const entry = lastEntry(url, t0);
          if (i >= warmup) {
            samples[who].push(t1 - t0);
            decode[who].push(entry ? t1 - entry.responseEnd : null);
          }
        }
      }
    } finally {
      release(c);
    }
    // Reference: the platform's own JSON.parse of the same body, to read the decode times against.
    const text = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit' })).text();
    const parse = [];
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      JSON.parse(text);
      parse.push(now() - t0);
    }
    return { samples, decode, bodyBytes: text.length, jsonParseMs: parse, wasmMemory: wasmMemoryBytes() };
  },

  /** Wasm linear memory and JS heap at checkpoints of sequential getStats() calls. */
  async memory({ baseUrl, token, client, warmup, checkpoints }) {
    // only the client under test: the plain page never instantiates the wasm
    const user = client === 'wasm' ? new EstuaryUser({ token, baseUrl }) : new PlainClient({ token, baseUrl });
    const points = [];
    const t0 = now();
    try {
      for (let i = 0; i < warmup; i++) check('getStats', client, await user.getStats());
      points.push({ calls: 0, wasmMemory: wasmMemoryBytes(), jsHeap: await jsHeapBytes() });
      let done = 0;
      for (const target of checkpoints) {
        while (done < target) {
          await user.getStats();
          done++;
        }
        points.push({ calls: done, wasmMemory: wasmMemoryBytes(), jsHeap: await jsHeapBytes() });
      }
    } finally {
      user.free?.();
    }
    return { points, totalMs: now() - t0 };
  },

  /** `n` concurrent getStats() on one instance, `rounds` times per client, interleaved. */
  async concurrency({ baseUrl, token, n, rounds, warmupN, seed }) {
    const c = clients(baseUrl, token);
    const rand = prng(seed);
    const out = {
      wasm: { totalMs: [], failures: 0, calls: 0, firstError: null },
      plain: { totalMs: [], failures: 0, calls: 0, firstError: null },
      wasmMemoryBefore: wasmMemoryBytes(),
      wasmMemoryPerRound: [], // after each round of the wasm client: its high-water mark, then no growth
    };
    const round = async (who, count) => {
      const t0 = now();
      const settled = await Promise.allSettled(Array.from({ length: count }, () => c[who].getStats()));
      const ms = now() - t0;
      const failed = settled.filter((s) => s.status === 'rejected');
      return { ms, failed };
    };
    try {
      for (const who of ['wasm', 'plain']) await round(who, warmupN);
      for (let r = 0; r < rounds; r++) {
        const order = rand() < 0.5 ? ['wasm', 'plain'] : ['plain', 'wasm'];
        for (const who of order) {
          const { ms, failed } = await round(who, n);
          out[who].totalMs.push(ms);
          out[who].calls += n;
          out[who].failures += failed.length;
          if (who === 'wasm') out.wasmMemoryPerRound.push(wasmMemoryBytes());
          if (failed.length && !out[who].firstError) out[who].firstError = String(failed[0].reason?.message ?? failed[0].reason);
        }
      }
    } finally {
      release(c);
    }
    out.wasmMemoryAfter = wasmMemoryBytes();
    return out;
  },
};

window.benchReady = true;
