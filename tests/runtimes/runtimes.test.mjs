// The runtime matrix: `npm pack` of pkg/, installed into a fresh project, driven by the one
// shared driver (driver.mjs) in Node 18, 20 and 22 (each a pinned binary, whichever Node runs
// the test), Deno 2, Bun 1, Cloudflare workerd and a module Worker in headless Chromium. Every
// runtime makes the five calls, meets a typed error and an abort with a custom reason, against
// its own local node, and must report the same thing. The node is estuary-user-node, packed
// and installed into the same project as estuary-user, so the driver of the wasm package passes
// against the node package as users install it. All runtimes are devDependencies
// (package-lock.json): nothing is downloaded at test time.
//
//   node --test tests/runtimes/      (needs pkg/ built by scripts/build-pkg.sh, and `npm ci`)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BIN } from 'estuary-user-test-tools';

import {
  CHROMIUM,
  CHROMIUM_ARGS,
  ROOT,
  TEST_KEY_COUNT,
  TEST_STATS,
  TEST_TOKEN,
  WRONG_TOKEN,
  NODE_PKG,
  freePort,
  importFrom,
  installTarball,
  packPackage,
  requireBuiltPackage,
  run,
  serveStatic,
  tempDir,
} from '../package/helpers.mjs';

const HERE = join(ROOT, 'tests', 'runtimes');

/** What every runtime must report (the fixtures' test user, estuary-user-node/README.md). */
const EXPECTED = {
  keys: {
    before: TEST_KEY_COUNT,
    afterCreate: TEST_KEY_COUNT + 1,
    afterRevoke: TEST_KEY_COUNT,
    createdLabel: 'runtime-matrix',
    createdIsSession: false,
    createdHashIsTokenHash: true,
    listedAfterCreate: true,
    listedAfterRevoke: false,
  },
  stats: TEST_STATS,
  export: { contents: 4, deals: 1 },
  unauthorized: {
    isEstuaryError: true,
    instanceOfEstuaryError: true,
    instanceOfError: true,
    name: 'EstuaryError',
    kind: 'unauthorized',
    status: 401,
    reason: 'ERR_INVALID_TOKEN',
    leaksToken: false,
  },
  abort: {
    reachedTheNode: true,
    error: {
      isEstuaryError: true,
      instanceOfEstuaryError: true,
      instanceOfError: true,
      name: 'EstuaryError',
      kind: 'aborted',
      status: null,
      reason: null,
      leaksToken: false,
    },
  },
  afterAbort: TEST_STATS,
};

let tmp;
let project;
/** estuary-user-node as installed from its tarball into the project. */
let nodePackage;

before(async () => {
  requireBuiltPackage();
  for (const [name, bin] of Object.entries(BIN)) {
    assert.ok(existsSync(bin), `${bin} (${name}) is missing: run \`npm ci\` (scripts/setup.sh does)`);
  }
  tmp = tempDir('runtimes');
  const { tarball } = await packPackage(tmp.dir);
  const { tarball: nodeTarball } = await packPackage(tmp.dir, NODE_PKG);
  project = join(tmp.dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'runtime-matrix', private: true, version: '1.0.0', type: 'module' }, null, 2)}\n`);
  for (const f of ['driver.mjs', 'entry.mjs', 'require.cjs', 'worker-workerd.mjs', 'worker-browser.mjs']) copyFileSync(join(HERE, f), join(project, f));
  await installTarball(project, tarball, nodeTarball);
  nodePackage = await importFrom(project, 'estuary-user-node');
});

after(() => tmp?.remove());

/**
 * Runs `fn(config)` with a fresh local node of its own; `config` is what the driver needs.
 * `pageOrigin`: a page that drives the node's control API (closed to other pages).
 */
async function withNode(fn, pageOrigin) {
  const server = await nodePackage.startNode({ port: 0, fixtures: true, ...(pageOrigin ? { controlOrigins: [pageOrigin] } : {}) });
  assert.equal(server.tokens.user, TEST_TOKEN);
  try {
    return await fn({ baseUrl: server.baseUrl, token: server.tokens.user, wrongToken: WRONG_TOKEN });
  } finally {
    await server.close();
  }
}

/** The last stdout line of a command, parsed as JSON. */
async function runJson(cmd, args, env = {}) {
  const { stdout } = await run(cmd, args, { cwd: project, env, timeoutMs: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function assertEntryNode(out) {
  assert.match(out.entry, /\/node_modules\/estuary-user\/node\.js$/, 'the "node" condition picks node.js');
}

for (const [label, bin, major] of [
  ['Node 18', BIN.node18, '18'],
  ['Node 20', BIN.node20, '20'],
  ['Node 22', BIN.node22, '22'],
]) {
  test(`${label}: import by name, await init(), the driver`, async () => {
    // The pinned binary itself, not whatever Node happens to be on the machine.
    const { stdout: version } = await run(bin, ['--version'], { cwd: project, timeoutMs: 60_000 });
    assert.match(version.trim(), new RegExp(`^v${major}\\.`), `${bin} --version`);
    const out = await withNode((config) => runJson(bin, ['entry.mjs', JSON.stringify(config)]));
    assert.match(out.runtime, new RegExp(`^node ${major}\\.`), 'process.versions.node in the child');
    assertEntryNode(out);
    assert.deepEqual(out.result, EXPECTED);
  });
}

test('estuary-user/inline in Node 18, Deno 2 and Bun 1: await init() from the bytes inside the module, the driver', async () => {
  const denoEnv = { DENO_DIR: join(tmp.dir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  for (const [bin, before] of [[BIN.node18, []], [BIN.deno, ['run', '--allow-all', '--no-lock']], [BIN.bun, []]]) {
    const out = await withNode((config) => runJson(bin, [...before, 'entry.mjs', JSON.stringify(config), 'estuary-user/inline'], bin === BIN.deno ? denoEnv : {}));
    assert.match(out.entry, /\/node_modules\/estuary-user\/inline\.js$/, out.runtime);
    assert.deepEqual(out.result, EXPECTED, out.runtime);
  }
});

// The README's claim: ESM only; require() works where Node has require(esm) unflagged (20.19+, 22.12+).
test('require("estuary-user"): Node 20 and 22 load it (require(esm)), Node 18 refuses it', async () => {
  for (const bin of [BIN.node20, BIN.node22]) {
    const out = await withNode((config) => runJson(bin, ['require.cjs', JSON.stringify(config)]));
    assert.match(out.entry ?? '', /\/node_modules\/estuary-user\/node\.js$/, `${bin}: ${JSON.stringify(out)}`);
    assert.deepEqual(out.result, EXPECTED);
  }
  assert.deepEqual(await runJson(BIN.node18, ['require.cjs', '{}']), { requireFailed: 'ERR_REQUIRE_ESM' });
});

test('Deno 2: the local node_modules, import by name, await init(), the driver', async () => {
  const out = await withNode((config) =>
    runJson(BIN.deno, ['run', '--allow-all', '--no-lock', 'entry.mjs', JSON.stringify(config)], {
      DENO_DIR: join(tmp.dir, 'deno-dir'),
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
    }),
  );
  assert.match(out.runtime, /^deno 2\./);
  assertEntryNode(out);
  assert.deepEqual(out.result, EXPECTED);
});

test('Bun 1: import by name, await init(), the driver', async () => {
  const out = await withNode((config) => runJson(BIN.bun, ['entry.mjs', JSON.stringify(config)], { NO_COLOR: '1' }));
  assert.match(out.runtime, /^bun 1\./);
  assertEntryNode(out);
  assert.deepEqual(out.result, EXPECTED);
});

/** workerd's config: the worker's modules under the names a wrangler project imports. */
const WORKERD_CONFIG = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .matrix),
    # The default outbound only reaches public addresses; the test node is on loopback.
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const matrix :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker-workerd.mjs"),
    (name = "driver.mjs", esModule = embed "driver.mjs"),
    (name = "estuary-user", esModule = embed "node_modules/estuary-user/estuary_user.js"),
    (name = "estuary-user/estuary_user_bg.wasm", wasm = embed "node_modules/estuary-user/estuary_user_bg.wasm"),
    (name = "estuary-user/inline", esModule = embed "node_modules/estuary-user/inline.js"),
    (name = "estuary-user/estuary_user.js", esModule = embed "node_modules/estuary-user/estuary_user.js"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`;

test('Cloudflare workerd: the .wasm imported as a module, initSync({ module }), the driver', async () => {
  writeFileSync(join(project, 'config.capnp'), WORKERD_CONFIG);
  const port = await freePort();
  const child = spawn(BIN.workerd, ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${port}`], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout.on('data', (d) => (logs += d));
  child.stderr.on('data', (d) => (logs += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(`workerd exited (${code ?? signal})`)));
  try {
    const out = await withNode(async (config) => {
      const url = `http://127.0.0.1:${port}/?${new URLSearchParams({ config: JSON.stringify(config) })}`;
      for (let i = 0; ; i++) {
        const attempt = fetch(url).then(
          async (r) => ({ status: r.status, body: await r.text() }),
          (e) => ({ error: e }),
        );
        const res = await Promise.race([attempt, exited.then((why) => ({ exited: why }))]);
        if (res.exited) throw new Error(`${res.exited}:\n${logs}`);
        if (res.error) {
          // Not listening yet: workerd compiles the config first.
          if (i >= 300) throw new Error(`workerd never answered on ${port}: ${res.error.cause?.code ?? res.error}\n${logs}`);
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        assert.equal(res.status, 200, `${res.body}\n${logs}`);
        return JSON.parse(res.body);
      }
    });
    assert.match(out.runtime, /^workerd Cloudflare-Workers$/);
    assert.equal(out.wasmIsModule, true);
    assert.match(out.inline, /^CompileError: .*Wasm code generation disallowed by embedder/);
    assert.deepEqual(out.result, EXPECTED);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

const WORKER_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>module Worker</title></head>
  <body>
    <pre id="out">loading…</pre>
    <script type="module">
      const out = document.getElementById("out");
      const worker = new Worker("./worker-browser.mjs", { type: "module" });
      const done = (value) => { out.textContent = JSON.stringify(value); out.dataset.done = "1"; };
      worker.onmessage = (event) => done(event.data);
      worker.onerror = (event) => done({ failed: \`worker error: \${event.message}\` });
      worker.postMessage(JSON.parse(new URLSearchParams(location.search).get("config")));
    </script>
  </body>
</html>
`;

test('a module Worker in headless Chromium: the web entry by URL, await init(), the driver', async () => {
  writeFileSync(join(project, 'index.html'), WORKER_PAGE);
  const site = await serveStatic(project);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const out = await withNode(async (config) => {
      const page = await browser.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      await page.goto(`${site.url}/?${new URLSearchParams({ config: JSON.stringify(config) })}`);
      await page.waitForSelector('#out[data-done="1"]', { timeout: 30_000 });
      const result = JSON.parse(await page.textContent('#out'));
      await page.close();
      // Chromium logs the 401 of the typed-error call itself; nothing else may show up.
      assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
      return result;
    }, site.url);
    assert.equal(out.failed, undefined, out.failed);
    assert.match(out.runtime, /HeadlessChrome/);
    assert.equal(out.isWorker, true);
    assert.deepEqual(out.result, EXPECTED);
  } finally {
    await browser.close();
    await site.close();
  }
});
