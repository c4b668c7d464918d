// The test-runner matrix: an app's tests of estuary-user under the runners apps use: Jest 30 in
// ESM mode (node environment) and node:test on Node 20 and 22, Vitest 5 in each of its pools
// (forks, threads, vmThreads, vmForks) on Node 22. Each runner is a project of its own here (package.json with exact versions,
// package-lock.json, its config, one estuary.spec.js running ./cases.mjs), copied to a temp
// folder, installed with `npm ci`, then given estuary-user and estuary-user-node from their
// npm pack tarballs. Each run is a child process with a timeout: it must exit 0, report every
// case passed, and print no `unreachable`, `RuntimeError` or panic (a wasm panic used to leave
// the call pending and the runner hanging).
//
//   node --test tests/runners/     (needs pkg/ built by scripts/build-pkg.sh, and `npm ci`)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from 'estuary-user-test-tools';

import { CASES } from './cases.mjs';
import { installCopy, packTarballs } from '../package/app-copy.mjs';
import { ROOT, requireBuiltPackage, runGroup, tempDir } from '../package/helpers.mjs';

const HERE = join(ROOT, 'tests', 'runners');
/** A run takes seconds; a hung one (the bug this matrix guards against) is killed after this. */
const RUN_TIMEOUT_MS = 60_000;
const VITEST_POOLS = ['forks', 'threads', 'vmThreads', 'vmForks'];
const CRASH = /unreachable|RuntimeError|panicked|\bpanic\b/i;

let tmp;
const projects = {};

before(async () => {
  requireBuiltPackage();
  tmp = tempDir('runners');
  const tarballs = await packTarballs(tmp.dir);
  await Promise.all(
    ['jest', 'vitest', 'node-test'].map(async (runner) => {
      const dir = join(tmp.dir, runner);
      await installCopy(join(HERE, runner), dir, tarballs, { 'cases.mjs': join(HERE, 'cases.mjs') });
      projects[runner] = dir;
    }),
  );
});

after(() => tmp?.remove());

/** [title, status] of each test in a Jest-style JSON report (Jest's --json, Vitest's json reporter). */
function jsonReport(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return report.testResults.flatMap((r) => r.assertionResults.map((a) => [a.title, a.status]));
}

/** [title, status] of each test in node:test's TAP output. */
function tapReport(stdout) {
  return [...stdout.matchAll(/^\s*(not ok|ok) \d+ - (.+)$/gm)].map(([, ok, title]) => [title, ok === 'ok' ? 'passed' : 'failed']);
}

/** Runs one runner in its project and checks how it ended and what it reported. */
async function check(label, { cmd, args, cwd, env, report }) {
  // NODE_TEST_CONTEXT would make a node:test child report to this file's runner instead of
  // running its own files; NO_COLOR keeps the output readable in a failure message.
  const childEnv = { ...env, NODE_TEST_CONTEXT: undefined, NO_COLOR: '1' };
  const out = await runGroup(cmd, args, { cwd, env: childEnv, timeoutMs: RUN_TIMEOUT_MS });
  const output = `--- stdout\n${out.stdout}\n--- stderr\n${out.stderr}`;
  assert.ok(!out.timedOut, `${label} did not finish within ${RUN_TIMEOUT_MS} ms (a call that never settled?)\n${output}`);
  assert.equal(out.code, 0, `${label} exited with ${out.code}\n${output}`);
  assert.doesNotMatch(`${out.stdout}\n${out.stderr}`, CRASH, `${label} printed a crash\n${output}`);
  const results = report(out);
  assert.deepEqual(
    results,
    CASES.map((c) => [c.name, 'passed']),
    `${label} must report every case passed\n${output}`,
  );
}

// Jest and node:test under each Node line apps test on (the pinned binaries of test-tools,
// whichever Node runs this file); Vitest 5 asks for Node 22, which also runs its workers.
const NODES = { 20: BIN.node20, 22: BIN.node22 };

for (const [major, node] of Object.entries(NODES)) {
  test(`Jest 30, ESM (NODE_OPTIONS=--experimental-vm-modules), testEnvironment node, Node ${major}`, async () => {
    const cwd = projects.jest;
    const results = `results-node${major}.json`;
    await check(`jest (Node ${major})`, {
      cmd: node,
      args: [join(cwd, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--json', `--outputFile=${results}`],
      cwd,
      env: { NODE_OPTIONS: '--experimental-vm-modules' },
      report: () => jsonReport(join(cwd, results)),
    });
  });
}

for (const pool of VITEST_POOLS) {
  test(`Vitest 5, pool ${pool}, Node 22`, async () => {
    const cwd = projects.vitest;
    const results = `results-${pool}.json`;
    await check(`vitest --pool=${pool}`, {
      cmd: NODES[22],
      args: [join(cwd, 'node_modules', 'vitest', 'vitest.mjs'), 'run', `--pool=${pool}`, '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
      cwd,
      report: () => jsonReport(join(cwd, results)),
    });
  });
}

for (const [major, node] of Object.entries(NODES)) {
  test(`node:test, Node ${major}`, async () => {
    await check(`node --test (Node ${major})`, {
      cmd: node,
      args: ['--test', '--test-reporter=tap', 'estuary.spec.js'],
      cwd: projects['node-test'],
      report: (out) => tapReport(out.stdout),
    });
  });
}

// README "Testing your app" states each setup exactly as these runs use it.
test('the README shows the Jest config, the scripts and the pools that ran here', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const jestConfig = readFileSync(join(HERE, 'jest', 'jest.config.js'), 'utf8').replace(/^(\/\/.*\n)+/, '');
  assert.ok(readme.includes(jestConfig.replace(/^(?=.)/gm, '  ')), 'jest.config.js, as a list item\'s code block');
  // The prose, with its line breaks and list indentation as single spaces.
  const prose = readme.replace(/\s+/g, ' ');
  const script = (runner) => JSON.parse(readFileSync(join(HERE, runner, 'package.json'), 'utf8')).scripts.test;
  for (const phrase of [
    `"test": "${script('jest')}"`,
    `\`${script('vitest')}\` in every pool: \`forks\` (the default)`,
    ...VITEST_POOLS.slice(1).map((pool) => `\`--pool=${pool}\``),
  ]) {
    assert.ok(prose.includes(phrase), phrase);
  }
});
