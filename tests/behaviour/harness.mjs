// The Node side of the behaviour suite (not a test file: `node --test` runs *.test.mjs only):
// the exact files `npm pack` ships, unpacked once per runner; the local test node; and the
// browser runner shared by chromium.test.mjs and firefox.test.mjs.
//
// Nothing here builds: pkg/ must have been built once by scripts/build-pkg.sh (scripts/test.sh
// does, before every test that loads it).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { PKG, EXPECTED_TARBALL_FILES, ROOT, packPackage, requireBuiltPackage, run, serveStatic, tempDir } from '../package/helpers.mjs';
import { CASES } from './cases.mjs';
import { startNode as startEstuaryNode } from './node-server.mjs';

const HERE = join(ROOT, 'tests', 'behaviour');
/** Each case's own limit; a hang fails that case instead of the run. */
export const CASE_TIMEOUT_MS = 60_000;
export const caseName = (c) => `${c.group}: ${c.name}`;

/**
 * `npm pack` of pkg/, unpacked into a temporary folder as `pkg/`: `{ dir, remove }`, where `dir`
 * holds exactly the tarball's files (checked against the list the package must ship, and byte for
 * byte against pkg/).
 */
export async function unpackedPackage() {
  requireBuiltPackage();
  const tmp = tempDir('behaviour');
  const { tarball, files } = await packPackage(tmp.dir);
  assert.deepEqual(files, EXPECTED_TARBALL_FILES, 'the tarball holds exactly the package files');
  await run('tar', ['-xzf', tarball, '-C', tmp.dir]);
  const dir = join(tmp.dir, 'pkg');
  renameSync(join(tmp.dir, 'package'), dir);
  assert.deepEqual(readdirSync(dir).sort(), EXPECTED_TARBALL_FILES);
  for (const f of ['estuary_user.js', 'estuary_user_bg.wasm', 'node.js']) {
    assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(PKG, f))), `${f} in the tarball is pkg/'s`);
  }
  return { dir, remove: tmp.remove };
}

/**
 * A fresh test node on a free port: `{ url, close }` (url without the trailing slash).
 * `pageOrigin`: the origin of a page that drives its control API (closed to other pages).
 */
export async function startNode(pageOrigin) {
  const node = await startEstuaryNode({ port: 0, fixtures: true, ...(pageOrigin ? { controlOrigins: [pageOrigin] } : {}) });
  return { url: node.baseUrl, close: () => node.close() };
}

/**
 * Registers every case as a test run in a browser page: `launch()` resolves with
 * `{ page, version, close }`, where `page` has `goto(url)` and `evaluate(fn, arg)` (Playwright
 * and Puppeteer both do). The page (page.html) imports the unpacked package's web entry from a
 * static server and runs the cases against the test node, cross-origin as in a real app.
 */
export function browserSuite(label, launch) {
  let unpacked;
  let node;
  let site;
  let browser;
  const errors = [];
  before(async () => {
    unpacked = await unpackedPackage();
    // The site: /pkg/ is the unpacked tarball itself, /behaviour/ the page and the cases.
    const root = dirname(unpacked.dir);
    mkdirSync(join(root, 'behaviour'));
    for (const f of ['page.html', 'cases.mjs', 'kit.mjs']) copyFileSync(join(HERE, f), join(root, 'behaviour', f));
    site = await serveStatic(root);
    node = await startNode(site.url);
    browser = await launch();
    browser.page.on?.('pageerror', (e) => errors.push(String(e)));
    await browser.page.goto(`${site.url}/behaviour/page.html`);
    let names;
    for (let i = 0; i < 300 && !names; i++) {
      names = await browser.page.evaluate(() => window.behaviour?.names ?? null, null);
      if (!names) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(names, `the page did not load the package (${errors.join('; ') || 'no page error'})`);
    assert.deepEqual(names, CASES.map(caseName), 'the page runs the same cases');
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await site?.close();
    await node?.close();
    unpacked?.remove();
  });
  test(`${label}: the browser under test`, () => {
    assert.ok(browser.version, 'a version');
    console.log(`${label}: ${browser.version}`);
  });
  CASES.forEach((c, index) => {
    test(`${label}: ${caseName(c)}`, { timeout: CASE_TIMEOUT_MS }, async () => {
      const result = await browser.page.evaluate(({ index: i, baseUrl }) => window.behaviour.run(i, baseUrl), { index, baseUrl: node.url });
      if (!result.ok) assert.fail(result.error);
    });
  });
}

