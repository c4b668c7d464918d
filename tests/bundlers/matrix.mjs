// One bundler's rows of the matrix (not a test file: each <tool>.test.mjs calls bundlerRows).
// The app in <tool>/ (package.json and package-lock.json pinning the tool, plus any config) is
// copied to a temporary folder with the page code of app/, installed with `npm ci`, then given
// the npm pack tarballs of estuary-user and estuary-user-node. Each row writes src/index.js
// (app/default.js or app/inline.js), runs the row's npm script (a production build), serves the
// output folder as static files and loads it in headless Chromium, which calls the local node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appUnderTest, expectInitFails, expectStatsPage, seconds } from '../package/app-copy.mjs';
import { filesUnder, run, serveStatic } from '../package/helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The page: `src` is the app's entry (Vite and Parcel build from it) or the built bundle. */
function page(src, type = 'module') {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>estuary-user</title></head>
  <body><pre id="out">loading…</pre><script type="${type}" src="${src}"></script></body>
</html>
`;
}

/**
 * Declares the tests of one bundler. `html`: 'source' when the tool builds from index.html (it
 * is written at the app's root), otherwise the bundle that the page written into `outDir` after
 * the build loads ({ src, type }). Each row: `entry` ('default' or 'inline'), `script` (the
 * npm script that builds it: 'build', the tool's defaults, unless the row needs its documented
 * step) and `fails` (the build passes but emits no .wasm and the page cannot load it: what the
 * README says happens without that step).
 */
export function bundlerRows(tool, { outDir = 'dist', html, rows }) {
  let wasm;
  const ctx = appUnderTest(join(HERE, tool), {
    name: `bundler-${tool}`,
    prepare({ app }) {
      cpSync(join(HERE, 'app'), join(app, 'src'), { recursive: true });
      if (html === 'source') writeFileSync(join(app, 'index.html'), page('./src/index.js'));
      wasm = readFileSync(join(app, 'node_modules', 'estuary-user', 'estuary_user_bg.wasm'));
    },
  });

  for (const { entry, script = 'build', fails = false } of rows) {
    const specifier = entry === 'inline' ? 'estuary-user/inline' : 'estuary-user';
    const outcome = fails ? 'builds, emits no .wasm, and the page fails to load it' : 'runs in Chromium against the node';
    test(`${tool}: \`npm run ${script}\` of an app importing "${specifier}" ${outcome}`, async () => {
      const started = performance.now();
      copyFileSync(join(ctx.app, 'src', `${entry}.js`), join(ctx.app, 'src', 'index.js'));
      const out = join(ctx.app, outDir);
      rmSync(out, { recursive: true, force: true });
      await run('npm', ['run', script, '--silent'], { cwd: ctx.app, timeoutMs: 300_000 });
      if (html !== 'source') writeFileSync(join(out, 'index.html'), page(html.src, html.type));
      const built = seconds(started);

      // The inline entry shares the default entry's glue, whose `new URL("….wasm", import.meta.url)`
      // Vite, webpack and Parcel may still emit; what matters is that nothing fetches it (below).
      const emitted = filesUnder(out).filter((f) => f.endsWith('.wasm'));
      if (fails) {
        assert.deepEqual(emitted, [], `no .wasm in ${outDir}/ expected`);
      } else if (entry === 'default') {
        assert.equal(emitted.length, 1, `one .wasm in ${outDir}/ expected, got [${emitted.join(', ')}]`);
        assert.ok(readFileSync(join(out, emitted[0])).equals(wasm), 'the emitted .wasm is the package’s');
      }

      const site = await serveStatic(out);
      try {
        if (fails) {
          const message = await expectInitFails(ctx.browser, `${site.url}/`, ctx.api);
          console.log(`${tool} ${entry} (${script}) fails as documented: ${message}`);
        } else {
          const requests = await expectStatsPage(ctx.browser, `${site.url}/`, ctx.api);
          const fetched = requests.filter((u) => new URL(u).pathname.endsWith('.wasm'));
          assert.equal(fetched.length, entry === 'inline' ? 0 : 1, `.wasm requests: [${fetched.join(', ')}]`);
        }
      } finally {
        await site.close();
      }
      console.log(`${tool} ${entry} (${script}): build ${built}, whole row ${seconds(started)}, .wasm emitted: ${emitted.length}`);
    });
  }
}
