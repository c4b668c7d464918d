// SvelteKit 2 (Vite 8, adapter-node): `vite build`, then `node build`, checked against the
// local node in Chromium: a page that calls the node in the browser (and is server-rendered
// with the `node` entry), and a page whose server `load` calls it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { appUnderTest, expectStatsPage, seconds } from '../package/app-copy.mjs';
import { freePort, run, startServer } from '../package/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

let server;
let base;
// Registered first, so it runs before the app's copy is removed.
after(() => server?.stop());

const ctx = appUnderTest(join(HERE, 'sveltekit'), { name: 'framework-sveltekit', readStatsTo: 'src/lib/read-stats.js' });

test('SvelteKit: `npm run build` (vite build) builds the app and `node build` serves it', async () => {
  const started = performance.now();
  await run('npm', ['run', 'build', '--silent'], { cwd: ctx.app, timeoutMs: 300_000 });
  console.log(`sveltekit: build ${seconds(started)}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServer(process.execPath, ['build'], { cwd: ctx.app, env: { PORT: String(port), HOST: '127.0.0.1' }, url: base });
});

test('SvelteKit: a page calls the node in Chromium', async () => {
  await expectStatsPage(ctx.browser, `${base}/`, ctx.api);
});

test('SvelteKit: a server `load` calls the node (the browser does not)', async () => {
  const requests = await expectStatsPage(ctx.browser, `${base}/server`, ctx.api);
  assert.deepEqual(requests.filter((u) => u.startsWith(ctx.api.baseUrl)), [], 'the page itself sent nothing to the node');
});
