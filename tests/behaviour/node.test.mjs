// The behaviour suite (cases.mjs) in Node, on the exact files `npm pack` ships: the unpacked
// tarball's Node entry (node.js, the `node` condition), which loads its .wasm from disk.
//
//   node --test tests/behaviour/node.test.mjs     (needs pkg/ built by scripts/build-pkg.sh)
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { CASES } from './cases.mjs';
import { CASE_TIMEOUT_MS, caseName, startNode, unpackedPackage } from './harness.mjs';
import { makeContext } from './kit.mjs';

let unpacked;
let node;
let ctx;

before(async () => {
  unpacked = await unpackedPackage();
  node = await startNode();
  const mod = await import(pathToFileURL(join(unpacked.dir, 'node.js')).href);
  await mod.default();
  ctx = makeContext(mod, node.url);
});

after(async () => {
  await node?.close();
  unpacked?.remove();
});

for (const c of CASES) {
  test(`node: ${caseName(c)}`, { timeout: CASE_TIMEOUT_MS }, async () => {
    await ctx.reset();
    await c.run(ctx);
  });
}
