// The command's lifecycle (issue 26), from the source tree: it exits once the process that
// started it is gone (npx does not pass SIGTERM on), unless --detached; its banner names the
// address it is really bound to and warns when that is not loopback. Run:
//   node --test estuary-user-node/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BIN, startCommand } from '../test-fixtures/node.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether something still answers at baseUrl. */
const answers = (baseUrl) => fetch(`${baseUrl}/user/stats`).then(() => true, () => false);

/** Polls until `cond()` holds; fails after 10 s. */
async function until(cond, what) {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await sleep(50);
  }
  assert.fail(`still waiting: ${what}`);
}

/** Runs a shell that starts the node in the background and exits: resolves with the node's pid and JSON line. */
async function orphan(args) {
  const dir = mkdtempSync(join(tmpdir(), 'estuary-user-node-life-'));
  try {
    // The shell waits for the JSON line, as a script that uses the node does: a parent that is
    // gone before the node has started cannot be told from one that started it under PID 1.
    const script = `"${process.execPath}" "${BIN}" ${args.join(' ')} > "${dir}/node.json" 2> "${dir}/err" & until [ -s "${dir}/node.json" ]; do sleep 0.05; done; echo $!`;
    const pid = await new Promise((resolve, reject) => execFile('sh', ['-c', script], (e, out) => (e ? reject(e) : resolve(Number(out.trim())))));
    let line = '';
    await until(() => (line = readFileSync(join(dir, 'node.json'), 'utf8')).includes('\n'), 'the JSON line');
    return { pid, line: JSON.parse(line) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const running = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the parent shell exits: the node exits too; --detached keeps it serving', async () => {
  const gone = await orphan(['--port', '0', '--quiet']);
  await until(async () => !running(gone.pid) && !(await answers(gone.line.baseUrl)), 'the orphaned node to exit');

  const kept = await orphan(['--port', '0', '--quiet', '--detached']);
  try {
    // Its parent (sh) is gone already; the watch would have fired within a few of its 250 ms ticks.
    await sleep(1_000);
    assert.ok(running(kept.pid));
    assert.equal(await answers(kept.line.baseUrl), true);
  } finally {
    process.kill(kept.pid, 'SIGTERM');
  }
  await until(() => !running(kept.pid), 'SIGTERM to stop the detached node');
});

/** Starts the command, waits for its JSON line, stops it; resolves with its stderr. */
async function stderrOf(args) {
  const node = await startCommand(args);
  const { baseUrl } = node.line;
  // The banner is written right after the line; give the pipe a moment by asking the node once.
  await fetch(`${baseUrl}/nope`);
  assert.deepEqual(await node.stop(), { code: 0, signal: null });
  return { err: node.stderr(), port: new URL(baseUrl).port, baseUrl };
}

test('the banner names the bind address; a non-loopback one gets a warning, even with --quiet', async () => {
  const local = await stderrOf(['--port', '0']);
  assert.match(local.err, new RegExp(`^estuary-user-node: listening on http://127\\.0\\.0\\.1:${local.port}; control API at http://127\\.0\\.0\\.1:${local.port}/__test/;`));
  assert.doesNotMatch(local.err, /warning/);

  const all = await stderrOf(['--port', '0', '--host', '0.0.0.0']);
  assert.match(all.err, new RegExp(`listening on http://0\\.0\\.0\\.0:${all.port} \\(from this machine: http://127\\.0\\.0\\.1:${all.port}\\); control API off`));
  assert.match(all.err, new RegExp(`warning: http://0\\.0\\.0\\.0:${all.port} is not a loopback address: other machines that reach this one can call the node with its tokens\\n`));
  const quiet = await stderrOf(['--port', '0', '--host', '0.0.0.0', '--quiet', '--control']);
  assert.match(quiet.err, /^estuary-user-node: warning: .* with its tokens, and use its control API\n$/);
});

test('bad flags exit 2 with the usage: a value flag followed by a flag, contradictions, a bad --now', async () => {
  for (const args of [['--token', '--quiet'], ['--control', '--no-control'], ['--now', 'tomorrow']]) {
    const r = await new Promise((resolve) => execFile(process.execPath, [BIN, ...args], (e, stdout, stderr) => resolve({ code: e?.code ?? 0, stdout, stderr })));
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^estuary-user-node: /);
  }
});
