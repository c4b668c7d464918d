// End-to-end test of the demo page (www/) in Chromium, against the local Estuary-compatible node.
//
//   node --test tests/e2e/
//
// Starts tests/server/estuary-server.mjs and www/serve.mjs on free ports, then uses the page as a
// person would. Needs pkg/ built (`wasm-pack build --target web --release --mode no-install`) and
// Chromium at /usr/bin/chromium (override with CHROMIUM_PATH). Writes tests/artifacts/demo.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WRONG_TOKEN = 'EST00000000-0000-4000-8000-000000000000ARY';

const children = [];
let browser;

/** Spawns `node script args` and resolves with the child and the stdout lines matched by `patterns`. */
function startNode(script, args, patterns, timeoutMs = 15_000) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const found = {};
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time; stderr: ${stderr}`)), timeoutMs);
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited early (code ${code}); stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      for (const [name, re] of Object.entries(patterns)) {
        const m = re.exec(line);
        if (m) found[name] = m[1];
      }
      if (Object.keys(patterns).every((n) => n in found)) {
        clearTimeout(timer);
        resolvePromise({ child, ...found });
      }
    });
  });
}

const tokenHash = (t) => createHash('sha256').update(t, 'utf8').digest('base64url');

let node; // { url, token }
let site; // base URL of the static server

before(async () => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'estuary_user.js')), 'pkg/ is missing: build it with wasm-pack first');
  const est = await startNode('tests/server/estuary-server.mjs', ['--port', '0'], {
    url: /listening on (http:\/\/\S+)/,
    token: /demo token: (EST\S+ARY)/,
  });
  node = { url: est.url, token: est.token };
  const srv = await startNode('www/serve.mjs', ['--port', '0'], { url: /at (http:\/\/127\.0\.0\.1:\d+)\// });
  site = srv.url;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  for (const child of children) {
    child.removeAllListeners('exit');
    if (child.exitCode === null) child.kill('SIGTERM');
  }
});

/** Keys of the demo user straight from the node, to check what the page did. */
async function nodeKeys() {
  const res = await fetch(`${node.url}/user/api-keys`, { headers: { Authorization: `Bearer ${node.token}` } });
  assert.equal(res.status, 200);
  return res.json();
}

test('demo page: connect, list, create, revoke, stats, export, errors, revoke the key in use', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site });
  const page = await context.newPage();

  // Any console error or uncaught exception fails the test, except the 401 the browser itself
  // logs for the wrong-token step (Chromium reports every failed HTTP status as a console error).
  const problems = [];
  let allow401 = false;
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (allow401 && /status of 401/.test(msg.text())) return;
    problems.push(`console.error: ${msg.text()}`);
  });
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.accept();
  });

  const q = new URLSearchParams({ baseUrl: node.url, token: node.token });
  await page.goto(`${site}/www/?${q}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(!page.url().includes(node.token), 'the token is removed from the address bar');
  assert.equal(await page.getByLabel('Node URL').inputValue(), node.url);
  assert.equal(await page.getByLabel('API key or session token').getAttribute('type'), 'password');

  // --- Connect and see the seeded keys -------------------------------------------------------
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  await page.getByText(`Connected to ${node.url}.`).waitFor();

  const rows = page.locator('#keys-body tr');
  const rowByLabel = (label) => rows.filter({ has: page.locator('td:first-child', { hasText: label }) });
  for (const label of ['demo', 'laptop', 'github-actions deploy', 'old-ci-key', 'no label']) {
    assert.equal(await rowByLabel(label).count(), 1, `row for ${label}`);
  }
  assert.equal(await rowByLabel('on-login').count(), 0, 'session tokens hidden by default');
  const demoRow = rowByLabel('demo').first();
  assert.match(await demoRow.innerText(), /in use/);
  assert.equal(await demoRow.locator('code').getAttribute('title'), tokenHash(node.token));
  const expiredText = await rowByLabel('old-ci-key').innerText();
  assert.match(expiredText, /expired 3 days ago/);
  assert.equal(await rowByLabel('old-ci-key').locator('.badge-expired').count(), 1);
  assert.match(await rowByLabel('laptop').innerText(), /in (29|30) days/);
  assert.match(await rowByLabel('no label').innerText(), /legacy/);

  await page.getByLabel(/Show session tokens/).check();
  assert.match(await rowByLabel('on-login').innerText(), /session token/);
  await page.getByLabel(/Show session tokens/).uncheck();
  assert.equal(await rowByLabel('on-login').count(), 0);

  // --- Stats --------------------------------------------------------------------------------
  await page.waitForFunction(() => document.getElementById('stat-pins').textContent !== '—');
  const size = await page.locator('#stat-size').innerText();
  const pins = await page.locator('#stat-pins').innerText();
  assert.match(size, /^\d[\d.,]* (bytes|KiB|MiB|GiB|TiB)$/);
  assert.match(pins, /^[1-9][\d,]*$/);
  const statsRes = await fetch(`${node.url}/user/stats`, { headers: { Authorization: `Bearer ${node.token}` } });
  const stats = await statsRes.json();
  assert.equal(Number(pins.replace(/\D/g, '')), stats.numPins);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true });

  // --- Custom expiry validated as you type ----------------------------------------------------
  await page.getByLabel('Custom', { exact: true }).check();
  const custom = page.getByLabel('Custom duration (Go syntax)');
  await custom.fill('30d');
  await page.waitForFunction(() => document.getElementById('custom-expiry').getAttribute('aria-invalid') === 'true');
  const bad = await page.locator('#custom-expiry-msg').innerText();
  assert.ok(bad.length > 5 && !bad.includes('[object'), `library message shown: ${bad}`);
  await custom.fill('48h');
  await page.locator('#custom-expiry-msg', { hasText: 'Valid duration: 48h.' }).waitFor();

  // --- Upload-only warning ------------------------------------------------------------------
  await page.getByLabel('Upload only').check();
  assert.ok(await page.locator('#upload-warning').isVisible());
  await page.getByLabel('All (full account access)').check();
  assert.ok(!(await page.locator('#upload-warning').isVisible()));

  // --- Create a key, see its token once -----------------------------------------------------
  await page.getByLabel('Label', { exact: true }).fill('e2e key');
  await page.getByLabel('1 day').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.locator('#new-key').waitFor({ state: 'visible' });
  const newToken = await page.locator('#new-key-token').innerText();
  assert.match(newToken, /^EST[0-9a-f-]{36}ARY$/);
  assert.match(await page.locator('#new-key').innerText(), /cannot be shown again/);
  await page.getByRole('button', { name: 'Copy token', exact: true }).click();
  await page.locator('#new-key-copy', { hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), newToken, 'the token is on the clipboard');
  const newRow = rowByLabel('e2e key');
  await newRow.waitFor();
  assert.equal(await newRow.locator('code').getAttribute('title'), tokenHash(newToken));
  assert.match(await newRow.innerText(), /in (23|24) hours|in 1 day/);
  assert.ok((await nodeKeys()).some((k) => k.tokenHash === tokenHash(newToken)), 'the node has the new key');
  await page.getByRole('button', { name: /I have saved it/ }).click();
  assert.equal(await page.locator('#new-key-token').innerText(), '', 'the token is gone once hidden');
  assert.ok(!(await page.content()).includes(newToken));

  // --- Revoke it ----------------------------------------------------------------------------
  await newRow.getByRole('button', { name: 'Revoke e2e key' }).click();
  await page.getByText('Revoked “e2e key”.').waitFor();
  await rowByLabel('e2e key').waitFor({ state: 'detached' });
  assert.match(dialogs.at(-1), /Revoke “e2e key”\?/);
  assert.ok(!(await nodeKeys()).some((k) => k.tokenHash === tokenHash(newToken)), 'revoked on the node');

  // --- Revoke all expired keys --------------------------------------------------------------
  await page.getByRole('button', { name: /Revoke all expired keys \(1\)/ }).click();
  await page.getByText('Revoked 1 expired key.').waitFor();
  assert.match(dialogs.at(-1), /Revoke 1 expired key\?/);
  await page.getByRole('button', { name: 'Revoke all expired keys (0)' }).waitFor();
  assert.equal(await rowByLabel('old-ci-key').count(), 0);
  assert.equal(await rowByLabel('demo').count(), 1, 'the key in use is still there');
  const now = Date.now();
  assert.ok(!(await nodeKeys()).some((k) => Date.parse(k.expiry) <= now), 'no expired key left on the node');

  // --- Export and download ------------------------------------------------------------------
  await page.getByRole('button', { name: 'Fetch export' }).click();
  const summary = page.locator('#export-summary');
  await summary.filter({ hasText: 'Ready to download' }).waitFor();
  const [, nContents, nDeals] = /(\d+) contents? and (\d+) deals?/.exec(await summary.innerText());
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download .json' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^estuary-export-\d{4}-\d{2}-\d{2}\.json$/);
  const file = join(ARTIFACTS, download.suggestedFilename());
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(typeof exported.Version, 'string');
  assert.ok(!Number.isNaN(Date.parse(exported.Date)));
  assert.equal(exported.Version1.Contents.length, Number(nContents));
  assert.equal(exported.Version1.Deals.length, Number(nDeals));
  assert.ok(Number(nContents) > 0 && Number(nDeals) > 0, 'seeded export is not empty');

  // --- Phone width: no horizontal scrolling -------------------------------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at phone width`);
  await page.screenshot({ path: join(ARTIFACTS, 'demo-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1200, height: 900 });

  // --- Empty token: rejected before anything is sent -----------------------------------------
  await page.getByRole('button', { name: 'Disconnect' }).click();
  assert.ok(!(await page.locator('#connected').isVisible()));
  const tokenInput = page.getByLabel('API key or session token');
  await tokenInput.fill('');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  let alert = page.locator('#connection-error [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /invalid_input/);

  // --- Wrong token: a clear error with the EstuaryError fields -------------------------------
  await tokenInput.fill(WRONG_TOKEN);
  allow401 = true;
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  alert = page.locator('#connection-error [role="alert"]', { hasText: 'unauthorized' });
  await alert.waitFor();
  allow401 = false;
  const text = await alert.innerText();
  assert.match(text, /Not authorized/);
  assert.match(text, /status\s+401/);
  assert.match(text, /reason\s+\S+/);
  assert.ok(!text.includes('[object Object]'));
  assert.ok(!(await page.locator('#connected').isVisible()), 'stays disconnected');
  await page.screenshot({ path: join(ARTIFACTS, 'demo-error.png') });

  // --- Revoking the key in use: warned first, then the page lets go of it ---------------------
  await tokenInput.fill(node.token);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  await page.getByLabel('Label', { exact: true }).fill('short-lived');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.locator('#new-key').waitFor({ state: 'visible' });
  const tempToken = await page.locator('#new-key-token').innerText();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await tokenInput.fill(tempToken);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  const tempRow = rowByLabel('short-lived');
  assert.match(await tempRow.innerText(), /in use/);
  await tempRow.getByRole('button', { name: 'Revoke short-lived (in use)' }).click();
  await page.getByText('Revoked “short-lived”, the key this page was using.', { exact: false }).waitFor();
  assert.match(dialogs.at(-1), /this page will lose access/);
  assert.ok(!(await page.locator('#connected').isVisible()), 'disconnected after revoking the key in use');
  assert.equal(await tokenInput.inputValue(), '');
  assert.ok(!(await nodeKeys()).some((k) => k.tokenHash === tokenHash(tempToken)), 'revoked on the node');

  await context.close();
  assert.deepEqual(problems, [], 'no console errors or page errors');
});
