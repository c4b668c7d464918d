// Next.js (App Router, next/ with no next.config): `next build` with Turbopack (the default)
// and with `--webpack`, each served by `next start` and checked against the local node: the
// page (a server component prerendered at build time that renders a "use client" component,
// which calls the node in Chromium), a Node.js route handler and an Edge route
// (estuary-user/inline) over HTTP.
import { after, describe, test } from 'node:test';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { appUnderTest, expectStatsJson, expectStatsPage, seconds } from '../package/app-copy.mjs';
import { freePort, run, startServer } from '../package/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ENV = { NEXT_TELEMETRY_DISABLED: '1' };

const ctx = appUnderTest(join(HERE, 'next'), { name: 'framework-next', readStatsTo: 'app/read-stats.js' });

for (const [bundler, script] of [
  ['Turbopack', 'build'],
  ['webpack', 'build:webpack'],
]) {
  describe(`Next.js with ${bundler}`, () => {
    let server;
    let base;
    // Before the next build, which rewrites the .next/ this server reads.
    after(() => server?.stop());

    test(`\`npm run ${script}\` builds the app and \`next start\` serves it`, async () => {
      const started = performance.now();
      rmSync(join(ctx.app, '.next'), { recursive: true, force: true });
      await run('npm', ['run', script, '--silent'], { cwd: ctx.app, env: ENV, timeoutMs: 600_000 });
      console.log(`next ${bundler}: build ${seconds(started)}`);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = await startServer(join(ctx.app, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
        cwd: ctx.app,
        env: ENV,
        url: `${base}/api/node`,
      });
    });

    test('the "use client" component calls the node in Chromium', async () => {
      await expectStatsPage(ctx.browser, `${base}/`, ctx.api);
    });

    test('a Node.js route handler calls the node', async () => {
      await expectStatsJson(`${base}/api/node`, ctx.api);
    });

    test('an Edge route (estuary-user/inline) calls the node', async () => {
      await expectStatsJson(`${base}/api/edge`, ctx.api);
    });
  });
}
