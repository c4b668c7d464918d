// Angular 22 (application builder, `ng build`'s production configuration, on Node 24 from the
// app's own devDependencies): the static output served as files and checked in Chromium
// against the local node. The app imports estuary-user/inline, which needs no configuration;
// the same app importing the default entry builds, but the builder emits no .wasm and init()
// fails: why the README points Angular to the inline entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { appUnderTest, expectInitFails, expectStatsPage, seconds } from '../package/app-copy.mjs';
import { run, serveStatic } from '../package/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

const ctx = appUnderTest(join(HERE, 'angular'), { name: 'framework-angular', readStatsTo: 'src/read-stats.js' });

/** `ng build` (production) of the app; resolves with the static site of its output. */
async function build(label) {
  const started = performance.now();
  await run('npm', ['run', 'build', '--silent'], { cwd: ctx.app, env: { NG_CLI_ANALYTICS: 'false' }, timeoutMs: 600_000 });
  console.log(`angular ${label}: build ${seconds(started)}`);
  const out = join(ctx.app, 'dist', 'app', 'browser');
  return { out, site: await serveStatic(out) };
}

test('Angular: `npm run build` (ng build, production) of a component importing estuary-user/inline runs in Chromium', async () => {
  const { site } = await build('inline');
  try {
    await expectStatsPage(ctx.browser, `${site.url}/`, ctx.api);
  } finally {
    await site.close();
  }
});

test('Angular: the same component importing "estuary-user" builds, emits no .wasm, and init() fails', async () => {
  const component = join(ctx.app, 'src', 'stats.component.ts');
  writeFileSync(component, readFileSync(component, 'utf8').replace('"estuary-user/inline"', '"estuary-user"'));
  const { out, site } = await build('default');
  try {
    assert.deepEqual(readdirSync(out, { recursive: true }).filter((f) => f.endsWith('.wasm')), []);
    console.log(`angular default fails as documented: ${await expectInitFails(ctx.browser, `${site.url}/`, ctx.api)}`);
  } finally {
    await site.close();
  }
});
