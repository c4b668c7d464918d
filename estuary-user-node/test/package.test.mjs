// estuary-user-node as its users get it: `npm pack` of this folder, the tarball installed into
// an empty temporary project, and from there the command (`npx estuary-user-node`), startNode()
// with fault control in Node 18, 20 and 22, Deno 2 and Bun 1, and the types under tsc --strict.
//
//   node --test estuary-user-node/test/      (needs `npm ci` at the repository root: the pinned
//                                             runtimes and TypeScript are its devDependencies)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BIN } from 'estuary-user-test-tools';

import { rawRequest } from '../test-fixtures/raw-http.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = resolve(HERE, '..');
const ROOT = resolve(PACKAGE_DIR, '..');
const WRONG_TOKEN = 'EST00000000-0000-4000-8000-000000000000ARY';
const TOKEN = /^EST[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}ARY$/;

/** Exactly what the tarball holds (`files` in package.json, plus what npm always adds). */
const EXPECTED_FILES = [
  'LICENSE-APACHE',
  'LICENSE-MIT',
  'README.md',
  'bin/estuary-user-node.mjs',
  'index.d.ts',
  'package.json',
  'src/bad-input.mjs',
  'src/call-log.mjs',
  'src/cli.mjs',
  'src/clock.mjs',
  'src/control.mjs',
  'src/estuary-api.mjs',
  'src/faults.mjs',
  'src/go-compat.mjs',
  'src/go-duration.mjs',
  'src/hosts.mjs',
  'src/index.mjs',
  'src/path-pattern.mjs',
  'src/rate-limit.mjs',
  'src/replies.mjs',
  'src/server.mjs',
  'src/store.mjs',
];

let tmp;
let project;
let packed;

/** Runs a command to its end; resolves with its exit code, stdout and stderr (never rejects on a non-zero exit). */
function run(cmd, args, { env = {}, timeoutMs = 120_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd: project, env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`${cmd} ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolvePromise({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

/**
 * The innermost process started by `pid`: npx runs the bin through a shell, so the node that
 * serves is a grandchild. (Linux: /proc/PID/task/PID/children.)
 */
function innermost(pid) {
  for (;;) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    } catch {
      return pid;
    }
    if (children === '') return pid;
    pid = Number(children.split(' ')[0]);
  }
}

/**
 * Starts a long-running command and resolves once its first stdout line arrives, with that
 * line, the child, and `stop(signal)`, which sends `signal` to the process that serves (not to
 * a launcher such as npx, which does not forward signals when its output is a pipe) and
 * resolves with the command's exit code, its whole stdout and its stderr.
 */
function startCommand(cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  child.stderr.on('data', (d) => (stderr += d));
  const firstLine = new Promise((resolvePromise, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) resolvePromise(stdout.slice(0, stdout.indexOf('\n')));
    });
    exited.then(({ code, signal }) => reject(new Error(`${cmd} exited (${code ?? signal}) before printing a line\nstdout: ${stdout}\nstderr: ${stderr}`)));
  });
  const stop = async (signal = 'SIGTERM') => {
    process.kill(innermost(child.pid), signal);
    const end = await exited;
    return { ...end, stdout, stderr };
  };
  return firstLine.then(
    (line) => ({ line, child, stop }),
    (e) => {
      child.kill('SIGKILL');
      throw e;
    },
  );
}

/** The ```sh block of the README that starts the node in the background (npx … &). */
function shellRecipe(readme) {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => /^npx estuary-user-node .*&$/m.test(b));
  assert.ok(block, 'a shell recipe in the README');
  return block;
}

const get = (baseUrl, path, token) => fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` } });

before(async () => {
  for (const [name, bin] of Object.entries(BIN)) assert.ok(existsSync(bin), `${bin} (${name}) is missing: run \`npm ci\` at the repository root`);
  tmp = mkdtempSync(join(tmpdir(), 'estuary-user-node-package-'));
  project = join(tmp, 'project');
  mkdirSync(project);
  const { stdout } = await new Promise((resolvePromise, reject) =>
    execFile('npm', ['pack', PACKAGE_DIR, '--json', '--pack-destination', tmp, '--loglevel=error'], { cwd: tmp }, (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolvePromise({ stdout: out }))),
  );
  [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  // An empty project: a package.json and nothing else.
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'app-under-test', private: true, version: '1.0.0', type: 'module' }, null, 2)}\n`);
  const install = await run('npm', ['install', join(tmp, packed.filename), '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline']);
  assert.equal(install.code, 0, install.stderr);
  for (const f of ['runtime-check.mjs', 'usage.ts', 'tsconfig.json']) copyFileSync(join(PACKAGE_DIR, 'test-fixtures', f), join(project, f));
});

after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

describe('the tarball', () => {
  test('holds exactly the package files; the manifest has what npm and Node need', () => {
    assert.deepEqual(packed.files.map((f) => f.path).sort(), EXPECTED_FILES);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'estuary-user-node', 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'estuary-user-node');
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.license, 'MIT OR Apache-2.0');
    assert.deepEqual(manifest.bin, { 'estuary-user-node': 'bin/estuary-user-node.mjs' });
    assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'default'], '"types" must come first');
    assert.equal(manifest.engines.node, '>=18');
    assert.equal(manifest.dependencies, undefined, 'no dependencies: Node standard library only');
    assert.match(manifest.repository.url, /github\.com\/estuary-user\/estuary-user/);
    // The bin is executable and starts with a node shebang (npx runs it directly on POSIX).
    const bin = packed.files.find((f) => f.path === 'bin/estuary-user-node.mjs');
    assert.equal(bin.mode & 0o111, 0o111);
    assert.match(readFileSync(join(PACKAGE_DIR, 'bin', 'estuary-user-node.mjs'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  test('index.d.ts has no `any` and type-checks an app test under tsc --strict (no skipLibCheck)', async () => {
    const dts = readFileSync(join(project, 'node_modules', 'estuary-user-node', 'index.d.ts'), 'utf8');
    const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/);
    // usage.ts holds exact-type checks and @ts-expect-error lines that must each be an error.
    const tsc = await run(process.execPath, [BIN.tsc, '-p', 'tsconfig.json']);
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
    // And the check can fail: a wrong exact type is reported.
    writeFileSync(join(project, 'broken.ts'), "import { startNode } from 'estuary-user-node';\nconst n: number = (await startNode()).baseUrl;\nvoid n;\n");
    writeFileSync(join(project, 'tsconfig.broken.json'), JSON.stringify({ extends: './tsconfig.json', files: ['broken.ts'] }));
    const broken = await run(process.execPath, [BIN.tsc, '-p', 'tsconfig.broken.json']);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stdout, /broken\.ts\(2,7\): error TS2322/);
  });
});

describe('the command', () => {
  test('npx estuary-user-node --port 0: one JSON line; its token gets 200, a wrong one 401; SIGTERM exits 0', async () => {
    const node = await startCommand('npx', ['--no-install', 'estuary-user-node', '--port', '0']);
    let end;
    try {
      const line = JSON.parse(node.line);
      assert.deepEqual(Object.keys(line), ['baseUrl', 'tokens']);
      assert.match(line.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(Object.keys(line.tokens), ['user', 'uploadOnly', 'expired', 'session', 'legacy', 'otherUser']);
      for (const t of Object.values(line.tokens)) assert.match(t, TOKEN);
      const ok = await get(line.baseUrl, '/user/api-keys', line.tokens.user);
      assert.equal(ok.status, 200);
      assert.ok(Array.isArray(await ok.json()));
      const wrong = await get(line.baseUrl, '/user/api-keys', WRONG_TOKEN);
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), { error: { code: 401, reason: 'ERR_INVALID_TOKEN', details: 'api key does not exist' } });
      // The request log went to stderr, not stdout.
    } finally {
      end = await node.stop('SIGTERM');
    }
    // The node exited 0, and npx passed that on.
    assert.deepEqual([end.code, end.signal], [0, null], end.stderr);
    assert.equal(end.stdout.split('\n').filter(Boolean).length, 1, `stdout: ${end.stdout}`);
    assert.match(end.stderr, /GET \/user\/api-keys 200/);
    assert.ok(!end.stderr.includes(JSON.parse(node.line).tokens.user), 'no token in the log');
  });

  test('SIGINT also exits 0; --seed and --now give the same tokens and bytes twice; --quiet prints nothing on stderr', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const node = await startCommand(join(project, 'node_modules', '.bin', 'estuary-user-node'), ['--port', '0', '--seed', '7', '--now', '2030-01-01T00:00:00Z', '--quiet']);
      const { baseUrl, tokens } = JSON.parse(node.line);
      const created = await fetch(`${baseUrl}/user/api-keys?label=x`, { method: 'POST', headers: { authorization: `Bearer ${tokens.user}` } }).then((r) => r.text());
      const exported = await get(baseUrl, '/user/export', tokens.user).then((r) => r.text());
      const end = await node.stop('SIGINT');
      assert.deepEqual([end.code, end.signal, end.stderr], [0, null, '']);
      runs.push({ tokens, created, exported });
    }
    assert.deepEqual(runs[0], runs[1]);
    assert.match(runs[0].created, /"expiry":"2030-01-31T00:00:00Z"/);
    assert.match(runs[0].exported, /"Date":"2030-01-01T00:00:00Z"/);
  });

  test('a bad flag: the usage on stderr, nothing on stdout, exit 2', async () => {
    for (const args of [['--bogus'], ['--port', 'abc'], ['--seed'], ['--rate-limit', '-3']]) {
      const r = await run('npx', ['--no-install', 'estuary-user-node', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /Usage: estuary-user-node \[options\]/);
      assert.match(r.stderr, /--port N/);
    }
    const help = await run('npx', ['--no-install', 'estuary-user-node', '--help']);
    assert.deepEqual([help.code, help.stderr], [0, '']);
    assert.match(help.stdout, /^Usage: estuary-user-node/);
  });

  test('the README\'s shell recipe (in both READMEs) runs as written and leaves no process', async () => {
    const recipe = shellRecipe(readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8'));
    assert.ok(readFileSync(join(ROOT, 'README.md'), 'utf8').includes(recipe), 'the root README holds the same recipe');
    const TESTS = '# … run your tests against $base_url with $token …';
    assert.ok(recipe.includes(TESTS));
    // "Your tests": one call with the token, and where the node was, for the check below.
    const check = `node -e 'fetch(process.argv[1] + "/user/stats", { headers: { authorization: "Bearer " + process.argv[2] } }).then((r) => process.exit(r.status === 200 ? 0 : 1))' "$base_url" "$token"\necho "$base_url" > base_url.txt`;
    writeFileSync(join(project, 'recipe.sh'), `set -e\n${recipe.replace(TESTS, check)}`);
    const r = await run('bash', ['recipe.sh']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const baseUrl = readFileSync(join(project, 'base_url.txt'), 'utf8').trim();
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    // npx passes no SIGTERM on: the node must notice its parent is gone and exit by itself.
    const bin = join(project, 'node_modules', '.bin', 'estuary-user-node');
    const left = () => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(bin);
      } catch {
        return false;
      }
    })());
    for (let i = 0; i < 200 && left().length > 0; i++) await new Promise((res) => setTimeout(res, 50));
    const pids = left();
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL'); // a failure leaves nothing either
    assert.deepEqual(pids, [], 'no estuary-user-node process is left');
    await assert.rejects(fetch(`${baseUrl}/user/stats`), TypeError, 'nothing listens there');
  });

  test('the control API of the command is closed to pages and rebound names', async () => {
    const node = await startCommand(join(project, 'node_modules', '.bin', 'estuary-user-node'), ['--port', '0', '--quiet', '--control-origin', 'http://127.0.0.1:8000']);
    try {
      const { baseUrl } = JSON.parse(node.line);
      const { port } = new URL(baseUrl);
      const info = (headers) => rawRequest(baseUrl, { path: '/__test/info', headers: { host: `127.0.0.1:${port}`, ...headers } });
      assert.equal((await info({})).status, 200);
      assert.equal((await info({ origin: 'https://evil.example' })).status, 403);
      assert.equal((await info({ host: `evil.example:${port}` })).status, 403);
      const named = await info({ origin: 'http://127.0.0.1:8000' });
      assert.deepEqual([named.status, named.headers['access-control-allow-origin']], [200, 'http://127.0.0.1:8000']);
      assert.equal((await rawRequest(baseUrl, { method: 'POST', path: '/__test/reset', headers: { 'content-type': 'text/plain' } })).status, 415);
    } finally {
      await node.stop();
    }
  });

  test('--host 0.0.0.0 serves no control API unless --control', async () => {
    for (const [extra, status] of [[[], 404], [['--control'], 200]]) {
      const node = await startCommand('npx', ['--no-install', 'estuary-user-node', '--port', '0', '--quiet', '--host', '0.0.0.0', ...extra]);
      try {
        const { baseUrl } = JSON.parse(node.line);
        assert.equal((await fetch(`${baseUrl}/__test/requests`)).status, status, extra.join(' '));
      } finally {
        await node.stop();
      }
    }
  });
});

/** What runtime-check.mjs must report in every runtime. */
const EXPECTED = {
  baseUrl: true,
  keys: { status: 200, listsOwnKey: true },
  wrongToken: { status: 401, reason: 'ERR_INVALID_TOKEN' },
  fault429: { status: 429, reason: 'Too Many Requests', next: 200 },
  html502: { status: 502, type: 'text/html', html: true },
  drop: 'TypeError',
  cut: { status: 200, body: 'TypeError' },
  stall: 'AbortError',
  log: [
    'GET /user/api-keys 200',
    'GET /user/api-keys 401',
    'GET /user/stats 429',
    'GET /user/stats 200',
    'GET /user/stats 502',
    'GET /user/export 200',
    'GET /user/stats null',
  ],
  afterReset: { faults: 0, requests: 0 },
  freshStats: { totalSize: 3072, numPins: 2 },
  clock: { date: '2030-01-01T00:00:00Z', now: '2030-01-01T00:00:01.000Z', frozen: true },
  record: { status: 503, tokenHash: true, authorizationHeader: false, timed: true },
};

async function runCheck(cmd, args, env) {
  const r = await run(cmd, args, { env, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

describe('startNode() with fault control, imported by name from the installed tarball', () => {
  for (const major of ['18', '20', '22']) {
    test(`Node ${major}`, async () => {
      const out = await runCheck(BIN[`node${major}`], ['runtime-check.mjs']);
      assert.match(out.runtime, new RegExp(`^node ${major}\\.`));
      const { dropAttempts, ...result } = out.result;
      assert.deepEqual(result, EXPECTED);
      assert.equal(dropAttempts, 1, "Node's fetch does not resend a dropped request");
    });
  }

  const denoEnv = () => ({ DENO_DIR: join(tmp, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' });

  test('Deno 2 (node_modules of the project)', async () => {
    const out = await runCheck(BIN.deno, ['run', '--allow-all', '--no-lock', 'runtime-check.mjs'], denoEnv());
    assert.match(out.runtime, /^deno 2\./);
    const { dropAttempts, ...result } = out.result;
    assert.deepEqual(result, EXPECTED);
    // Deno's fetch resends once when a reused connection closes without an answer.
    assert.ok(dropAttempts >= 1);
  });

  test('Bun 1', async () => {
    const out = await runCheck(BIN.bun, ['runtime-check.mjs'], { NO_COLOR: '1' });
    assert.match(out.runtime, /^bun 1\./);
    const { dropAttempts, ...result } = out.result;
    assert.deepEqual(result, EXPECTED);
    assert.ok(dropAttempts >= 1);
  });

  for (const name of ['deno', 'bun']) {
    test(`the command under ${name === 'deno' ? 'Deno' : 'Bun'}: the JSON line, 200/401, a drop fault seen by Node's fetch, exit 0 on SIGTERM`, async () => {
      const args = name === 'deno' ? ['run', '--allow-all', '--no-lock'] : [];
      const node = await startCommand(BIN[name], [...args, 'node_modules/estuary-user-node/bin/estuary-user-node.mjs', '--port', '0', '--quiet'], name === 'deno' ? denoEnv() : { NO_COLOR: '1' });
      let end;
      try {
        const { baseUrl, tokens } = JSON.parse(node.line);
        assert.equal((await get(baseUrl, '/user/api-keys', tokens.user)).status, 200);
        assert.equal((await get(baseUrl, '/user/api-keys', WRONG_TOKEN)).status, 401);
        const queued = await fetch(`${baseUrl}/__test/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/user/stats', drop: true }) });
        assert.equal(queued.status, 200);
        await assert.rejects(get(baseUrl, '/user/stats', tokens.user), TypeError);
        assert.equal((await get(baseUrl, '/user/stats', tokens.user)).status, 200);
      } finally {
        end = await node.stop('SIGTERM');
      }
      assert.deepEqual([end.code, end.signal], [0, null], end.stderr);
    });
  }
});
