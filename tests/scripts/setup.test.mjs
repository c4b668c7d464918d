// scripts/setup.sh can be sourced without changing the caller's shell: its options, working
// directory and variables stay as they were; only PATH gains node_modules/.bin (first) and
// ~/.cargo/bin. A failed install is returned to the caller, which keeps running.
//
//   node --test tests/scripts/      (runs the real setup.sh: quick once everything is installed)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const SETUP = join(ROOT, 'scripts', 'setup.sh');

/** Runs `script` in `bash -c` from the temporary directory; resolves with its exit code and output. */
function bash(script, env = process.env) {
  return new Promise((resolvePromise) => {
    execFile('bash', ['-c', script], { cwd: tmpdir(), env, timeout: 600_000 }, (error, stdout, stderr) =>
      resolvePromise({ code: error ? error.code : 0, stdout, stderr }),
    );
  });
}

/** Prints the shell's state as one JSON line: set options, pipefail, cwd, a variable, PATH. */
const STATE = `printf '{"flags":"%s","pipefail":"%s","pwd":"%s","mine":"%s","path":"%s","node":"%s"}\\n' "$-" "$(set -o | awk '$1=="pipefail"{print $2}')" "$PWD" "\${MINE-unset}" "$PATH" "$(command -v node)"`;

const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').at(-1));

for (const options of ['set +euo pipefail', 'set -euo pipefail']) {
  test(`sourced from a shell with \`${options}\`: only PATH changes`, async () => {
    const { code, stdout, stderr } = await bash(`${options}; MINE=kept; ${STATE}; source '${SETUP}'; ${STATE}; source '${SETUP}'; ${STATE}`);
    assert.equal(code, 0, stderr);
    const [before, after, again] = stdout.trim().split('\n').slice(-3).map((l) => JSON.parse(l));
    for (const state of [after, again]) {
      assert.equal(state.flags, before.flags, 'set options');
      assert.equal(state.pipefail, before.pipefail, 'pipefail');
      assert.equal(state.pwd, before.pwd, 'working directory');
      assert.equal(state.mine, 'kept');
      const path = state.path.split(':');
      assert.equal(path[0], join(ROOT, 'node_modules', '.bin'), 'npm tools (binaryen wasm-opt) come first');
      assert.ok(state.path.endsWith(before.path), 'the old PATH follows');
      assert.ok(!state.node.includes('node_modules'), `node is the machine's, not ${state.node}`);
    }
  });
}

test('an unknown mode is refused and returned to the caller; the demo mode needs fewer tools than the tests', async () => {
  const { code, stdout, stderr } = await bash(`set +e; source '${SETUP}' nonsense; echo "status $?"; source '${SETUP}' demo; echo "demo $?"`);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^status 2$/m);
  assert.match(stderr, /unknown mode 'nonsense'/);
  // Everything the tests need is installed already, so the demo mode installs nothing more.
  assert.match(stdout, /^demo 0$/m);
  assert.doesNotMatch(stderr, /npm|apt|Installing/);
});

test('a failed install is returned to the caller, which keeps its options and directory', async () => {
  // Without ~/.cargo/bin on PATH, the first step (rustup) fails at once: nothing is installed.
  const env = { ...process.env, HOME: join(tmpdir(), 'estuary-no-such-home'), PATH: '/usr/bin:/bin' };
  const { code, stdout, stderr } = await bash(`set +e; ${STATE}; source '${SETUP}'; echo "status $?"; ${STATE}`, env);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  assert.match(lines.at(-2), /^status [1-9]\d*$/);
  const before = JSON.parse(lines.at(-3));
  const after = lastJson(stdout);
  assert.deepEqual({ ...after, path: undefined }, { ...before, path: undefined });
  assert.equal(after.path, before.path, 'PATH is left alone on failure');
  assert.match(stderr, /scripts\/setup\.sh failed/);
});
