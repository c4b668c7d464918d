// Angular 22 (application builder, `ng build`'s production configuration, on Node 24 from the
// app's own devDependencies): the static output served as files, checked in Chromium against
// the local node. It imports estuary-user/inline, which needs no configuration.
import { test, before, after } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expectStatsPage, installApp, seconds } from '../package/app-copy.mjs';
import { run, serveStatic } from '../package/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

let app;
let api;
let browser;
let close;

before(async () => {
  ({ app, api, browser, close } = await installApp(join(HERE, 'angular'), { name: 'framework-angular', readStatsTo: 'src/read-stats.js' }));
});

after(() => close?.());

test('Angular: `npm run build` (ng build, production) of a component importing estuary-user/inline runs in Chromium', async () => {
  const started = performance.now();
  await run('npm', ['run', 'build', '--silent'], { cwd: app, env: { NG_CLI_ANALYTICS: 'false' }, timeoutMs: 600_000 });
  console.log(`angular: build ${seconds(started)}`);
  const site = await serveStatic(join(app, 'dist', 'app', 'browser'));
  try {
    await expectStatsPage(browser, `${site.url}/`, api);
  } finally {
    await site.close();
  }
});
