// Shared helpers of the package tests (not a test file: `node --test` only runs *.test.mjs).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built package; ESTUARY_PKG_DIR points the tests at another build of it. */
export const PKG = process.env.ESTUARY_PKG_DIR ? resolve(process.env.ESTUARY_PKG_DIR) : join(ROOT, 'pkg');

/** The local node's package (estuary-user-node/), which every test here runs against. */
export const NODE_PKG = join(ROOT, 'estuary-user-node');

/** The fixtures' full key of the test user, and its stats (estuary-user-node/README.md "Fixtures"). */
export const TEST_TOKEN = 'ESTc0ffee00-0000-4000-8000-000000000001ARY';
export const TEST_STATS = { totalSize: 3670016, numPins: 3 };
/** The test user's key list has this many rows. */
export const TEST_KEY_COUNT = 6;
/** Well-formed but unknown to the node: 401. */
export const WRONG_TOKEN = 'EST00000000-0000-4000-8000-000000000000ARY';

/** Everything the tarball must hold, and nothing else (`package/` prefix stripped). */
export const EXPECTED_TARBALL_FILES = [
  'CHANGELOG.md',
  'LICENSE-APACHE',
  'LICENSE-MIT',
  'README.md',
  'estuary_user.d.ts',
  'estuary_user.js',
  'estuary_user_bg.wasm',
  'estuary_user_bg.wasm.d.ts',
  'inline.d.ts',
  'inline.js',
  'node.d.ts',
  'node.js',
  'package.json',
];

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Fails the whole file early, with a useful message, when pkg/ was not built by build-pkg.sh. */
export function requireBuiltPackage() {
  for (const f of ['package.json', 'node.js', 'inline.js', 'estuary_user.js', 'estuary_user_bg.wasm', 'estuary_user.d.ts']) {
    if (!existsSync(join(PKG, f))) {
      throw new Error(`pkg/${f} is missing: build the package with \`bash scripts/build-pkg.sh\` first`);
    }
  }
  return JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `estuary-user-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs a command and resolves with its stdout and stderr; rejects with both on a non-zero exit
 * or after `timeoutMs` (the child is killed then).
 */
export function run(cmd, args, { cwd = ROOT, env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `killed after ${timeoutMs} ms` : `exit code ${error.code}`;
          reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'];

/**
 * Runs a command that may hang or leave children behind (a test runner and its workers) in a
 * process group of its own. Resolves, never rejects, with its exit code (null if killed), its
 * output and whether it ran out of `timeoutMs`, after which the whole group is killed.
 */
export function runGroup(cmd, args, { cwd = ROOT, env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      // Workers that outlived a runner that did exit would hold ports and CPU: end them too.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
      resolvePromise({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * `npm pack` of pkg/ (or of the package folder `dir`) into `dest`: resolves with the tarball's
 * path and the files it holds (paths inside the package, sorted).
 */
export async function packPackage(dest, dir = PKG) {
  const { stdout } = await run('npm', ['pack', dir, '--json', '--pack-destination', dest, '--loglevel=error'], { cwd: dest });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  return {
    tarball: join(dest, info.filename),
    files: info.files.map((f) => f.path).sort(),
    info,
  };
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** `npm ci` in the Node project at `dir`: exactly what its package-lock.json holds. */
export async function installLocked(dir) {
  await run('npm', ['ci', ...NPM_QUIET], { cwd: dir, timeoutMs: 300_000 });
}

/** `npm install`s the tarballs into the Node project at `dir` (which has a package.json). */
export async function installTarball(dir, ...tarballs) {
  await run('npm', ['install', ...tarballs, ...NPM_QUIET], { cwd: dir, timeoutMs: 120_000 });
}

/**
 * A fresh ESM Node project `dir/name` holding `files` (file name → text), with `npm pack` of
 * pkg/ (packed into `dir`) installed. Resolves with the project's path and the pack's details.
 */
export async function consumerProject(dir, name, files = {}) {
  mkdirSync(dir, { recursive: true });
  const pack = await packPackage(dir);
  const project = join(dir, name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name, private: true, version: '1.0.0', type: 'module' }, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(project, file), text);
  await installTarball(project, pack.tarball);
  return { project, pack };
}

/**
 * Packs estuary-user-node into `dest`, installs it into the project at `project` and imports
 * it from there, so the tests run the node as its users install it. Resolves with the module.
 */
export async function installNodePackage(dest, project) {
  const { tarball } = await packPackage(dest, NODE_PKG);
  await installTarball(project, tarball);
  return importFrom(project, 'estuary-user-node');
}

/** Imports the package `name` the way code in the project at `project` would resolve it. */
export function importFrom(project, name) {
  const path = createRequire(join(project, 'package.json')).resolve(name);
  return import(pathToFileURL(path).href);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** A static server for `dir` on a free loopback port (GET/HEAD only, no directory escapes). */
export function serveStatic(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolvePromise({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }),
    );
  });
}

/**
 * Opens `url` in a new page of `browser`, waits until the app marks `#out` done and resolves with
 * the JSON it rendered there, the console's errors and warnings (with page errors and failed
 * requests) and every URL the page requested.
 */
export async function openPage(browser, url, { timeoutMs = 20_000 } = {}) {
  const page = await browser.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.goto(url);
    await page.waitForSelector('#out[data-done="1"]', { timeout: timeoutMs });
    return { result: JSON.parse(await page.textContent('#out')), problems, requests };
  } finally {
    await page.close();
  }
}

/** A loopback port that was free a moment ago, for servers that cannot take port 0. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Starts a long-running command (an app's own server: `next start`, `node build`, …) in its own
 * process group and waits until `url` answers any HTTP status. Resolves with `stop()`, which ends
 * the group, and `output()`, what it printed so far (for failure messages).
 */
export async function startServer(cmd, args, { cwd, env = {}, url, timeoutMs = 60_000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(5_000) });
      return { stop, output: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) did not answer ${url}\n${log}`);
}
