// The packed tarball through the linters npm users and registries run: publint (package.json,
// exports, files; warnings count as errors) and @arethetypeswrong/cli (every subpath typed, under
// node16 ESM and bundler resolution; `--profile esm-only`: the package is ESM only, so the
// CommonJS resolutions are not asked for). Both read the tarball offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BIN } from 'estuary-user-test-tools';

import { packPackage, requireBuiltPackage, run, tempDir } from './helpers.mjs';

let tmp;
let tarball;

before(async () => {
  requireBuiltPackage();
  tmp = tempDir('linters');
  ({ tarball } = await packPackage(tmp.dir));
});

after(() => tmp?.remove());

test('publint --strict: all good', async () => {
  const { stdout } = await run(BIN.publint, ['run', '--strict', tarball], { cwd: tmp.dir });
  assert.match(stdout, /All good!/);
});

test('attw --profile esm-only: no problem on any subpath', async () => {
  const { stdout } = await run(BIN.attw, [tarball, '--profile', 'esm-only', '--format', 'json'], { cwd: tmp.dir });
  // It exits 0 only without a problem the profile counts; the JSON lists the ignored ones too:
  // under CommonJS resolution, only "it is ESM" (require() of ESM: see the README).
  const report = JSON.parse(stdout);
  const problems = Object.values(report.problems).flat();
  const counted = problems.filter((p) => !['node10', 'node16-cjs'].includes(p.resolutionKind));
  assert.deepEqual(counted, []);
  assert.deepEqual([...new Set(problems.map((p) => p.kind))], ['CJSResolvesToESM']);
  const subpaths = Object.keys(report.analysis.entrypoints).sort();
  assert.deepEqual(subpaths, ['.', './estuary_user_bg.wasm', './inline', './package.json']);
});
