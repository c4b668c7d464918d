// End-to-end test of the demo page (www/) in Chromium, against the local Estuary-compatible node.
//
//   node --test tests/e2e/
//
// Starts the local node's command (estuary-user-node/bin/) and www/serve.mjs on free ports, then
// uses the page as a person would. Needs pkg/ built (`bash scripts/build-pkg.sh`) and
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
  // The command's one JSON line: {"baseUrl":"http://127.0.0.1:PORT","tokens":{"user":"EST…ARY",…}}.
  const est = await startNode('estuary-user-node/bin/estuary-user-node.mjs', ['--port', '0', '--quiet'], {
    url: /^\{"baseUrl":"(http:\/\/[^"]+)"/,
    token: /"user":"(EST[^"]+ARY)"/,
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

/** Whether a string is anywhere in the page's JavaScript heap (after a garbage collection). */
async function heapHolds(page, needle) {
  const cdp = await page.context().newCDPSession(page);
  let snapshot = '';
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => { snapshot += chunk; });
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return snapshot.includes(needle);
}

/**
 * Holds the page's `method` requests to `url` until `release(answer)`, which then runs
 * `answer(route)` for each (e.g. `(r) => r.continue()`). `arrived` resolves at the first one.
 */
async function hold(page, url, method) {
  let release;
  const released = new Promise((r) => { release = r; });
  let arrive;
  const arrived = new Promise((r) => { arrive = r; });
  const handler = async (route) => {
    if (route.request().method() !== method) return route.fallback();
    arrive();
    await (await released)(route);
  };
  await page.route(url, handler);
  return { arrived, release, unroute: () => page.unroute(url, handler) };
}

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

  // The link the demo command prints: the token in the fragment, which never leaves the browser.
  const q = new URLSearchParams({ baseUrl: node.url });
  await page.goto(`${site}/www/?${q}#token=${node.token}`);
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

test('demo page: security headers, a token in the query is not read', async () => {
  // Redirects included: '/' and a folder without its trailing slash.
  const answers = [['/www/', 200], ['/www/app.js', 200], ['/www/nope', 404], ['/', 302, '/www/'], ['/www?x=1', 301, '/www/?x=1'], ['/pkg', 301, '/pkg/']];
  for (const [path, status, location] of answers) {
    const res = await fetch(`${site}${path}`, { redirect: 'manual' });
    assert.equal(res.status, status, path);
    if (location) assert.equal(res.headers.get('location'), location, path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/, path);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, path);
    assert.match(csp, /style-src 'self'(;|$)/, path);
    assert.match(csp, /connect-src 'self' http: https:/, path);
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = [];
  page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text()); });
  const q = new URLSearchParams({ baseUrl: node.url, token: node.token });
  await page.goto(`${site}/www/?${q}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getByLabel('API key or session token').inputValue(), '', 'a ?token= is not used');
  assert.ok(!page.url().includes(node.token), 'but it is removed from the address bar');
  assert.deepEqual(violations, [], 'the page runs under its CSP');
  await context.close();
});

test('demo page: a link to another node never fills in the remembered token', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site}/www/?${new URLSearchParams({ baseUrl: node.url })}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(([baseUrl, token]) => sessionStorage.setItem('estuary-user-demo', JSON.stringify({ baseUrl, token })), [node.url, node.token]);
  const tokenInput = page.getByLabel('API key or session token');
  // The remembered node: its token is filled in.
  await page.goto(`${site}/www/?${new URLSearchParams({ baseUrl: `${node.url}/` })}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await tokenInput.inputValue(), node.token);
  // A link to another node: the token field stays empty.
  await page.goto(`${site}/www/?${new URLSearchParams({ baseUrl: 'http://127.0.0.2:3004' })}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getByLabel('Node URL').inputValue(), 'http://127.0.0.2:3004');
  assert.equal(await tokenInput.inputValue(), '', 'the remembered token is not offered to another node');
  assert.equal(await page.getByLabel(/Remember/).isChecked(), false);
  await context.close();
});

test('demo page: disconnect forgets, a failed re-connect keeps the session, edges of create, revoke and export', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.clock.install();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('dialog', (d) => d.accept());
  const q = new URLSearchParams({ baseUrl: node.url });
  await page.goto(`${site}/www/?${q}#token=${node.token}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(!page.url().includes('#token'), 'the fragment is removed from the address bar');
  const tokenInput = page.getByLabel('API key or session token');
  // What the counts and labels drawn from an account's keys say before any account is known.
  const counts = () => page.evaluate(() => ({
    sessions: document.getElementById('show-sessions-label').textContent,
    revokeExpired: document.getElementById('revoke-expired').textContent,
    expiredNote: document.getElementById('revoke-expired-note').textContent,
    caption: document.querySelector('#keys-table caption').textContent,
    sizeTitle: document.getElementById('stat-size').title,
  }));
  const fresh = await counts();
  await page.getByLabel(/Remember/).check();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  assert.ok(await page.evaluate(() => sessionStorage.length > 0), 'remembered while connected');

  // Errors are announced once: by the alert itself, not also by a live region around it.
  assert.equal(await page.locator('.error-slot[aria-live]').count(), 0);

  // The Revoke button of the key in use looks different and says so.
  const rows = page.locator('#keys-body tr');
  const rowByLabel = (label) => rows.filter({ has: page.locator('td:first-child', { hasText: label }) });
  const inUse = rowByLabel('demo').first().getByRole('button', { name: /Revoke/ });
  assert.equal(await inUse.innerText(), 'Revoke (in use)');
  assert.match(await inUse.getAttribute('class'), /revoke-in-use/);
  assert.equal(await rowByLabel('laptop').getByRole('button', { name: /Revoke/ }).innerText(), 'Revoke');

  // A custom expiry shows the date it gives, and warns that 0 and negative ones are expired.
  await page.getByLabel('Custom', { exact: true }).check();
  const custom = page.getByLabel('Custom duration (Go syntax)');
  await custom.fill('48h');
  await page.locator('#custom-expiry-msg', { hasText: /Expires / }).waitFor();
  for (const born of ['0', '-1h']) {
    await custom.fill(born);
    await page.locator('#custom-expiry-msg', { hasText: 'already expired' }).waitFor();
  }
  await custom.fill('30d');
  await page.locator('#custom-expiry-msg', { hasText: '30 days is 720h' }).waitFor();
  await page.getByLabel('1 day').check();

  // A new key's token, then a disconnect: nothing of it is left.
  await page.getByLabel('Label', { exact: true }).fill('forget me');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.locator('#new-key').waitFor({ state: 'visible' });
  const secret = await page.locator('#new-key-token').innerText();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  assert.ok(await page.locator('#new-key').isHidden());
  assert.ok(!(await page.content()).includes(secret), 'the new token is gone from the page');
  assert.equal(await tokenInput.inputValue(), '', 'the token field is cleared');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'sessionStorage is cleared');

  // Reconnect as the new key (someone else, as far as the page knows): the old panel stays gone.
  await tokenInput.fill(secret);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  assert.ok(await page.locator('#new-key').isHidden());
  assert.equal(await page.locator('#new-key-token').innerText(), '');

  // A failed re-connect keeps the working session.
  await tokenInput.fill(WRONG_TOKEN);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connection-error [role="alert"]', { hasText: 'unauthorized' }).waitFor();
  assert.ok(await page.locator('#connected').isVisible(), 'still connected');
  await page.getByText(/Still connected to/).waitFor();
  await tokenInput.fill(node.token);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByText(`Connected to ${node.url}.`).waitFor();

  // Disconnecting during a revoke (held back on the way) does not throw.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/user/api-keys/**', async (route) => { await held; await route.continue(); });
  await rowByLabel('forget me').getByRole('button', { name: /Revoke/ }).click();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  release();
  await page.waitForTimeout(300);
  await page.unroute('**/user/api-keys/**');
  assert.ok(!(await page.locator('#connected').isVisible()));

  // Calls still running at a disconnect write nothing into the page when they end: neither a
  // Refresh that succeeds ("0 keys loaded." of nobody) nor one that fails, nor the refresh that
  // follows a new key. `enabled` says when the call is over (`busy` gives its button back).
  const enabled = (id) => page.waitForFunction((i) => !document.getElementById(i).disabled, id);
  const nothingShown = async (what) => {
    assert.equal(await page.locator('#keys-status').textContent(), '', `no status after ${what}`);
    assert.equal(await page.locator('#keys-error').textContent(), '', `no error after ${what}`);
    assert.equal(await page.locator('#connection-status').innerText(), 'Disconnected.', `after ${what}`);
  };
  const fail500 = (route) => route.fulfill({ status: 500, json: { error: { code: 500, reason: 'boom', details: 'late' } } });
  for (const [what, answer] of [['a refresh that succeeds', (route) => route.continue()], ['a refresh that fails', fail500]]) {
    await tokenInput.fill(node.token);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.locator('#connected').waitFor({ state: 'visible' });
    const list = await hold(page, '**/user/api-keys', 'GET');
    await page.locator('#refresh-keys').click();
    await list.arrived;
    await page.getByRole('button', { name: 'Disconnect' }).click();
    list.release(answer);
    await enabled('refresh-keys');
    await list.unroute();
    await nothingShown(what);
  }
  await tokenInput.fill(node.token);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  await page.getByLabel('Label', { exact: true }).fill('created late');
  await page.getByLabel('1 year').check(); // not among the keys expired 31 days on, below
  const list = await hold(page, '**/user/api-keys', 'GET');
  await page.getByRole('button', { name: 'Create key' }).click();
  await list.arrived; // the key is made; the list that follows is held
  await page.getByRole('button', { name: 'Disconnect' }).click();
  list.release(fail500);
  await enabled('create-btn');
  await list.unroute();
  await nothingShown('the refresh after a new key');

  // The export can be cancelled.
  await tokenInput.fill(node.token);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connected').waitFor({ state: 'visible' });
  await page.route('**/user/export', () => {}); // never answered
  await page.getByRole('button', { name: 'Fetch export' }).click();
  await page.getByRole('button', { name: 'Cancel export' }).click();
  await page.getByText('Export cancelled.').waitFor();
  await page.unroute('**/user/export');

  // And it is not cut off by the library's 30 s default timeout: the answer is held while the
  // page's clock (whose setTimeout the library's timer uses) moves 31 s on, then let through.
  const exporting = await hold(page, '**/user/export', 'GET');
  await page.getByRole('button', { name: 'Fetch export' }).click();
  await exporting.arrived;
  await page.clock.fastForward(31_000);
  exporting.release((route) => route.continue());
  await enabled('export-btn');
  await exporting.unroute();
  assert.equal(await page.locator('#export-error').textContent(), '', 'no timeout error');
  assert.match(await page.locator('#export-summary').innerText(), /Ready to download/);
  assert.equal(await page.locator('#export-download').isEnabled(), true);

  // Relative times stay current, and the expired count with them: 31 days later the laptop
  // key and the (hidden) session token have expired; the key in use is never counted.
  assert.match(await rowByLabel('laptop').innerText(), /in (29|30) days/);
  await page.clock.fastForward(744 * 60 * 60 * 1000);
  await rowByLabel('laptop').filter({ hasText: /expired/ }).waitFor();
  const button = page.locator('#revoke-expired');
  assert.match(await button.innerText(), /Revoke all expired keys \(2\)/);
  assert.match(await page.locator('#revoke-expired-note').innerText(), /1 expired session token not shown/);

  // Disconnecting forgets the counts too, and the expired rows they were drawn from: one of
  // them (added here) is a legacy key, whose row carries its plaintext token.
  const legacySecret = 'EST11111111-2222-4333-8444-555555555555ARY';
  await page.route('**/user/api-keys', async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const res = await route.fetch();
    const keys = await res.json();
    keys.push({ token: legacySecret, tokenHash: '', label: 'expired legacy', expiry: '2001-01-01T00:00:00Z', isSession: false });
    await route.fulfill({ response: res, json: keys });
  });
  await page.locator('#refresh-keys').click();
  await rowByLabel('expired legacy').waitFor();
  await page.unroute('**/user/api-keys');
  assert.match(await button.innerText(), /Revoke all expired keys \(3\)/);
  assert.match(await page.locator('#show-sessions-label').innerText(), /\(1\)/);
  assert.match(await page.locator('#keys-table caption').textContent(), /1 session token hidden/);
  assert.match(await page.locator('#stat-size').getAttribute('title'), /\d bytes/);
  assert.ok(await heapHolds(page, legacySecret), 'the heap check sees the legacy token while connected');
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const left = await counts();
  assert.deepEqual(left, fresh, 'the counts and labels are those of a fresh page');
  for (const [name, text] of Object.entries(left)) assert.doesNotMatch(text, /\d/, `no number left in ${name}`);
  assert.ok(!(await heapHolds(page, legacySecret)), 'the legacy token is gone from the page');

  await context.close();
  assert.deepEqual(problems, [], 'no page errors');
});
