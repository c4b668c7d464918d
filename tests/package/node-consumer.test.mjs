// The package as a Node user gets it: `npm pack` pkg/, install the tarball into a fresh Node
// project, import it by name and call the local Estuary-compatible node. (TypeScript consumers:
// typescript.test.mjs.)
//
//   node --test tests/package/      (needs pkg/ built by scripts/build-pkg.sh)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startNode } from 'estuary-user-node';
import {
  EXPECTED_TARBALL_FILES,
  TEST_KEY_COUNT,
  TEST_STATS,
  TEST_TOKEN,
  WRONG_TOKEN,
  consumerProject,
  requireBuiltPackage,
  run,
  tempDir,
} from './helpers.mjs';

let manifest;
let server;
let tmp;
let pack;
let project;

before(async () => {
  manifest = requireBuiltPackage();
  server = await startNode({ port: 0, fixtures: true });
  tmp = tempDir('node');
  ({ project, pack } = await consumerProject(tmp.dir, 'node-consumer'));
});

after(async () => {
  await server?.close();
  tmp?.remove();
});

test('the tarball holds exactly the package files', () => {
  const expected = [...EXPECTED_TARBALL_FILES];
  const snippets = pack.files.filter((f) => f.startsWith('snippets/'));
  if (manifest.files.includes('snippets/')) expected.push(...snippets);
  assert.deepEqual(pack.files, expected.sort());
  assert.equal(pack.info.name, 'estuary-user');
  assert.equal(pack.info.version, manifest.version);
  assert.equal(pack.info.filename, `estuary-user-${manifest.version}.tgz`);
});

test('Node: import by name, await init(), getStats() and an unauthorized error', async () => {
  writeFileSync(
    join(project, 'consumer.mjs'),
    `import init, { EstuaryUser, EstuaryError, isEstuaryError, tokenHash } from "estuary-user";
import { createRequire } from "node:module";

const { BASE_URL, TOKEN, WRONG_TOKEN } = process.env;
const resolved = import.meta.resolve("estuary-user");
const wasmUrl = import.meta.resolve("estuary-user/estuary_user_bg.wasm");
const { version } = createRequire(import.meta.url)("estuary-user/package.json");
let unexported = null;
try { import.meta.resolve("estuary-user/estuary_user_bg.wasm.d.ts"); } catch (e) { unexported = e.code; }

// The node entry does nothing on import (so a bundler's rewritten URL cannot break it): the
// classes need init() first.
let early = "worked";
try { new EstuaryUser({ token: TOKEN, baseUrl: BASE_URL }); } catch { early = "threw"; }
const first = await init();
const second = await init();

const user = new EstuaryUser({ token: TOKEN, baseUrl: BASE_URL, maxRetries: 0 });
const stats = await user.getStats();
const keys = await user.listApiKeys();

let error = null;
try {
  await new EstuaryUser({ token: WRONG_TOKEN, baseUrl: BASE_URL, maxRetries: 0 }).getStats();
} catch (e) {
  error = {
    isEstuaryError: isEstuaryError(e),
    instanceOfEstuaryError: e instanceof EstuaryError,
    instanceOfError: e instanceof Error,
    name: e.name, kind: e.kind, status: e.status, reason: e.reason,
    leaksToken: String(e.message).includes(WRONG_TOKEN),
  };
}
user.free();
console.log(JSON.stringify({
  resolved, wasmUrl, version, unexported, early,
  initIsIdempotent: first === second && typeof first.memory === "object",
  stats, keyCount: keys.length, labels: keys.map((k) => k.label).sort(),
  hash: tokenHash(TOKEN), error,
}));
`,
  );
  const { stdout } = await run(process.execPath, ['consumer.mjs'], {
    cwd: project,
    env: { BASE_URL: server.baseUrl, TOKEN: TEST_TOKEN, WRONG_TOKEN },
    timeoutMs: 30_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').at(-1));

  assert.match(out.resolved, /\/node_modules\/estuary-user\/node\.js$/, 'Node picks the "node" condition');
  assert.match(out.wasmUrl, /\/node_modules\/estuary-user\/estuary_user_bg\.wasm$/);
  assert.equal(out.version, manifest.version);
  assert.equal(out.unexported, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  assert.equal(out.early, 'threw');
  assert.equal(out.initIsIdempotent, true);
  assert.deepEqual(out.stats, TEST_STATS);
  assert.equal(out.keyCount, TEST_KEY_COUNT);
  assert.equal(out.hash, createHash('sha256').update(TEST_TOKEN).digest('base64url'));
  assert.deepEqual(out.error, {
    isEstuaryError: true,
    instanceOfEstuaryError: true,
    instanceOfError: true,
    name: 'EstuaryError',
    kind: 'unauthorized',
    status: 401,
    reason: 'ERR_INVALID_TOKEN',
    leaksToken: false,
  });
});
