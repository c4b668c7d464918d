// The package as a bundler user gets it: a minimal Vite app (no plugin, no config) that imports
// the packed `estuary-user` by name is built with the repository's pinned Vite, served as static
// files, and run in headless Chromium against the local Estuary-compatible node.
//
//   node --test tests/package/      (needs pkg/ built by scripts/build-pkg.sh, and `npm ci`)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { startNode } from 'estuary-user-node';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  ROOT,
  TEST_KEY_COUNT,
  TEST_STATS,
  TEST_TOKEN,
  WRONG_TOKEN,
  consumerProject,
  openPage,
  requireBuiltPackage,
  run,
  serveStatic,
  tempDir,
} from './helpers.mjs';

const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>estuary-user with Vite</title>
  </head>
  <body>
    <pre id="out">loading…</pre>
    <script type="module" src="/main.js"></script>
  </body>
</html>
`;

const MAIN_JS = `import init, { EstuaryUser, isEstuaryError } from "estuary-user";

async function main() {
  const params = new URLSearchParams(location.search);
  await init();
  const user = new EstuaryUser({ token: params.get("token"), baseUrl: params.get("api"), maxRetries: 0 });
  const stats = await user.getStats();
  const keys = await user.listApiKeys();
  return { ok: true, stats, keyCount: keys.length };
}

const out = document.getElementById("out");
main().then(
  (result) => { out.textContent = JSON.stringify(result); },
  (e) => {
    out.textContent = JSON.stringify({
      ok: false, isEstuaryError: isEstuaryError(e), name: e?.name, kind: e?.kind, status: e?.status, message: String(e?.message ?? e),
    });
  },
).finally(() => { out.dataset.done = "1"; });
`;

let manifest;
let api;
let tmp;
let app;
let site;
let browser;

before(async () => {
  manifest = requireBuiltPackage();
  assert.ok(existsSync(VITE), `${VITE} is missing: run \`npm ci\` at the repository root (vite is a devDependency)`);
  api = await startNode({ port: 0, fixtures: true });
  tmp = tempDir('vite');
  ({ project: app } = await consumerProject(tmp.dir, 'vite-consumer', { 'index.html': INDEX_HTML, 'main.js': MAIN_JS }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await api?.close();
  tmp?.remove();
});

test('vite build bundles the package and emits its .wasm as an asset', async () => {
  await run(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: app, timeoutMs: 90_000 });
  const assets = readdirSync(join(app, 'dist', 'assets'));
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one .wasm asset expected, got ${assets.join(', ')}`);
  assert.match(wasm[0], /^estuary_user_bg-[\w-]+\.wasm$/);
  assert.ok(readFileSync(join(app, 'dist', 'assets', wasm[0])).equals(readFileSync(join(app, 'node_modules', 'estuary-user', 'estuary_user_bg.wasm'))));
  const js = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(app, 'dist', 'assets', f), 'utf8')).join('\n');
  assert.ok(js.includes(wasm[0]), 'the bundle refers to the hashed .wasm asset');
  assert.ok(!/node:fs|readFileSync/.test(js), 'the browser bundle must not contain the Node entry');
  site = await serveStatic(join(app, 'dist'));
});

/** Opens the built app with `token` and returns the JSON it renders and the console's problems. */
function openApp(token) {
  assert.ok(site, 'the build test must run first');
  return openPage(browser, `${site.url}/?${new URLSearchParams({ api: api.baseUrl, token })}`);
}

test('the built app runs in Chromium: init(), getStats() and listApiKeys()', async () => {
  const { result, problems } = await openApp(TEST_TOKEN);
  assert.deepEqual(result, { ok: true, stats: TEST_STATS, keyCount: TEST_KEY_COUNT });
  assert.deepEqual(problems, [], 'no console errors or warnings');
});

test('the built app reports a wrong token as an unauthorized EstuaryError', async () => {
  const { result, problems } = await openApp(WRONG_TOKEN);
  assert.equal(result.ok, false);
  assert.equal(result.isEstuaryError, true);
  assert.equal(result.name, 'EstuaryError');
  assert.equal(result.kind, 'unauthorized');
  assert.equal(result.status, 401);
  assert.ok(!result.message.includes(WRONG_TOKEN), 'the token never appears in a message');
  // Chromium itself logs the failed fetch of a 401; nothing else may show up.
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
});
