// The README's examples run as written: the example test ("An example test", two code blocks)
// is copied into a temporary project where `estuary-user-node` is this package, and `vitest` is
// a small stand-in over node:test (describe-free Vitest: beforeAll, afterAll, beforeEach, test,
// expect().toEqual()); the scripts of "The clock" and "The call record" run there too, each
// `console.log(…); // X` printing X. Run: node --test estuary-user-node/test/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const VITEST_STAND_IN = `import { after, before, beforeEach as each, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
export const beforeAll = (fn) => before(fn);
export const afterAll = (fn) => after(fn);
export const beforeEach = (fn) => each(fn);
export const test = (name, fn) => nodeTest(name, fn);
export const expect = (actual) => ({ toEqual: (expected) => assert.deepEqual(actual, expected) });
`;

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'estuary-user-node-readme-'));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The ```js blocks of the README section `heading`, in order. */
function codeBlocks(heading) {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test('the README example test passes against the node', async () => {
  const [app, spec] = codeBlocks('An example test');
  assert.match(app, /^\/\/ usage\.js/);
  assert.match(spec, /^\/\/ usage\.test\.js/);
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  writeFileSync(join(dir, 'usage.js'), app);
  writeFileSync(join(dir, 'usage.test.js'), spec);
  mkdirSync(join(dir, 'node_modules', 'vitest'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'vitest', 'package.json'), '{"name": "vitest", "type": "module", "exports": "./index.js"}\n');
  writeFileSync(join(dir, 'node_modules', 'vitest', 'index.js'), VITEST_STAND_IN);
  symlinkSync(PACKAGE_DIR, join(dir, 'node_modules', 'estuary-user-node'), 'dir');

  // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead of stdout.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  const { code, stdout } = await new Promise((r) =>
    execFile(process.execPath, ['--test', '--test-reporter=tap', 'usage.test.js'], { cwd: dir, env, timeout: 60_000 }, (e, out) => r({ code: e ? e.code : 0, stdout: out })),
  );
  assert.equal(code, 0, stdout);
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(stdout)?.[1]);
  assert.equal(count('pass'), 5, stdout);
  assert.equal(count('fail'), 0, stdout);
});

for (const heading of ['The clock', 'The call record']) {
  test(`the README's script in "${heading}" prints what its comments say`, async () => {
    const blocks = codeBlocks(heading);
    assert.equal(blocks.length, 1);
    const [script] = blocks;
    const expected = [...script.matchAll(/^console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    assert.ok(expected.length >= 2, 'the script prints what it shows');
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    try {
      symlinkSync(PACKAGE_DIR, join(dir, 'node_modules', 'estuary-user-node'), 'dir');
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const file = join(dir, `${heading.replace(/\W+/g, '-')}.mjs`);
    writeFileSync(file, script);
    const { code, stdout, stderr } = await new Promise((r) =>
      execFile(process.execPath, [file], { cwd: dir, timeout: 60_000 }, (e, out, err) => r({ code: e ? e.code : 0, stdout: out, stderr: err })),
    );
    assert.equal(code, 0, stderr);
    assert.deepEqual(stdout.trim().split('\n'), expected);
  });
}
