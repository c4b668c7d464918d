// Starting a node for the package's own tests, in-process or as the command from the source
// tree. Kept out of test/, where node --test would run it as a test file.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { startNode } from '../src/index.mjs';

export const BIN = fileURLToPath(new URL('../bin/estuary-user-node.mjs', import.meta.url));

/** Starts a node on a free port for one test and always closes it. */
export async function withNode(options, fn) {
  const node = await startNode({ port: 0, ...options });
  try {
    return await fn(node);
  } finally {
    await node.close();
  }
}

/**
 * Starts the command (bin/) with `args` and resolves once its JSON line is out: `{ line (parsed),
 * stderr() (so far), stop(signal) }`, where stop resolves with `{ code, signal }` of its exit.
 */
export async function startCommand(args) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve();
    });
    exited.then(() => reject(new Error(`exited early: ${out}${err}`)));
  });
  return {
    line: JSON.parse(out),
    stderr: () => err,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}
