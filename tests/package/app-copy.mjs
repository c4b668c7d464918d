// The set-up shared by the bundler and framework matrices (tests/bundlers/, tests/frameworks/;
// tests/runners/ uses its install half, packTarballs and installCopy): a committed app folder copied to a temporary folder, installed from its own lockfile with
// `npm ci`, then given the npm pack tarballs of estuary-user and estuary-user-node; the local
// node (from that install) and headless Chromium started for its tests.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

import {
  CHROMIUM,
  CHROMIUM_ARGS,
  NODE_PKG,
  ROOT,
  TEST_KEY_COUNT,
  TEST_STATS,
  TEST_TOKEN,
  importFrom,
  installTarball,
  installLocked,
  openPage,
  packPackage,
  requireBuiltPackage,
  tempDir,
} from './helpers.mjs';

/** The app code every matrix app shares (bundler apps get all of tests/bundlers/app/). */
export const READ_STATS = join(ROOT, 'tests', 'bundlers', 'app', 'read-stats.js');

/** Seconds since `since` (a performance.now()), for the matrix's timing lines. */
export const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** `npm pack` of estuary-user (pkg/) and of estuary-user-node into `dest`: their tarballs' paths. */
export async function packTarballs(dest) {
  const [pkg, node] = await Promise.all([packPackage(dest), packPackage(dest, NODE_PKG)]);
  return [pkg.tarball, node.tarball];
}

/**
 * Copies the project folder `from` to `to`, adds `extraFiles` (path inside the copy → file to
 * copy there), installs it from its own lockfile with `npm ci`, then installs `tarballs`.
 */
export async function installCopy(from, to, tarballs, extraFiles = {}) {
  cpSync(from, to, { recursive: true });
  for (const [path, source] of Object.entries(extraFiles)) {
    mkdirSync(dirname(join(to, path)), { recursive: true });
    copyFileSync(source, join(to, path));
  }
  await installLocked(to);
  await installTarball(to, ...tarballs);
}

/**
 * Copies the app folder `from` and installs it (see above); `readStatsTo`, a path inside the
 * copy, receives READ_STATS. Resolves with the copy's path, the node, the browser and close().
 */
export async function installApp(from, { name, readStatsTo }) {
  requireBuiltPackage();
  const started = performance.now();
  const tmp = tempDir(name);
  const app = join(tmp.dir, name);
  let api;
  let browser;
  const close = async () => {
    await browser?.close();
    await api?.close();
    tmp.remove();
  };
  try {
    const tarballs = await packTarballs(tmp.dir);
    await installCopy(from, app, tarballs, readStatsTo ? { [readStatsTo]: READ_STATS } : {});
    console.log(`${name}: npm ci + tarballs ${seconds(started)}`);
    const { startNode } = await importFrom(app, 'estuary-user-node');
    api = await startNode({ port: 0, fixtures: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return { app, api, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Registers the file's before/after hooks for installApp(from, options) and returns the object
 * they fill: `app`, `api`, `browser` (read them inside tests, once `before` has run). `prepare`
 * (optional) runs with that object at the end of the same hook (node:test does not wait for
 * one root `before` hook before it starts the next).
 */
export function appUnderTest(from, { prepare, ...options }) {
  const ctx = {};
  before(async () => {
    Object.assign(ctx, await installApp(from, options));
    await prepare?.(ctx);
  });
  after(() => ctx.close?.());
  return ctx;
}

/** What read-stats.js resolves with for the fixtures' test user. */
export const STATS_SUMMARY = { ok: true, stats: TEST_STATS, keyCount: TEST_KEY_COUNT };

/** `url` with the query read-stats.js reads: the node `api` and the test user's token. */
export function withNode(url, api) {
  const u = new URL(url);
  u.search = new URLSearchParams({ api: api.baseUrl, token: TEST_TOKEN }).toString();
  return u.href;
}

/**
 * Opens the app page at `url` (with the node's query added) in `browser`, asserts that it
 * rendered read-stats.js's summary with a clean console, and resolves with the URLs it requested.
 */
export async function expectStatsPage(browser, url, api) {
  const { result, problems, requests } = await openPage(browser, withNode(url, api));
  assert.deepEqual(result, STATS_SUMMARY);
  assert.deepEqual(problems, [], 'no console errors or warnings, no failed requests');
  return requests;
}

/** GETs `url` (with the node's query added) and asserts it answers read-stats.js's summary. */
export async function expectStatsJson(url, api) {
  const response = await fetch(withNode(url, api));
  const body = await response.text();
  assert.equal(response.status, 200, body);
  assert.deepEqual(JSON.parse(body), STATS_SUMMARY);
}

/**
 * Opens the app page at `url` (with the node's query added) and asserts that read-stats.js
 * failed (init() could not load the .wasm): the rows that show why a documented step is needed.
 * Resolves with the error message the page shows.
 */
export async function expectInitFails(browser, url, api) {
  const { result } = await openPage(browser, withNode(url, api));
  assert.equal(result.ok, false, 'init() must fail without the .wasm');
  return result.message;
}
