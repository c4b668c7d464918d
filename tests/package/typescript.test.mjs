// TypeScript consumers of the packed package, installed from the tarball (types found through
// `exports`): `tsc --strict`, no skipLibCheck, under the three settings the README names —
// (a) lib es2022 + @types/node, nodenext (a Node project: no DOM lib); (b) lib es2022 + dom,
// bundler; (c) lib es2022 + dom, nodenext. Each program uses all three entries' types: the
// default entry, estuary-user/inline and the .wasm subpath (the Workers recipe).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, TYPE_ROOTS } from 'estuary-user-test-tools';

import { consumerProject, requireBuiltPackage, run, tempDir } from './helpers.mjs';

/** What an app writes: every entry, exact types, and lines that must not compile. */
const CONSUMER = `import init, { EstuaryUser, initSync, isEstuaryError, type ApiKey, type InitInput, type InitOutput, type UserStats } from "estuary-user";
import initInline, { initSync as initSyncInline, EstuaryUser as InlineUser } from "estuary-user/inline";
import wasm from "estuary-user/estuary_user_bg.wasm";

const output: InitOutput = await init();
const memory: object = output.memory;
await initInline();
initSyncInline();
initSync({ module: wasm });
initSync({ module: new Uint8Array(8) });
const input: InitInput = "https://example.com/estuary_user_bg.wasm";
await init({ module_or_path: input });
const user = new EstuaryUser({ token: "EST…ARY", baseUrl: "http://127.0.0.1:3004" });
const same: EstuaryUser = new InlineUser({ token: "EST…ARY", baseUrl: "http://127.0.0.1:3004" });
const stats: UserStats = await user.getStats();
const keys: ApiKey[] = await same.listApiKeys();
try {
  await user.revokeApiKey(keys[0]);
} catch (e: unknown) {
  if (isEstuaryError(e)) console.log(e.kind, e.status ?? 0);
}
// @ts-expect-error getStats resolves to UserStats, not a string
const wrong: string = await user.getStats();
console.log(stats.totalSize + stats.numPins, wrong, memory);
`;

/** Node resolution (the `node` condition, node.d.ts): initSync() reads the .wasm itself. */
const NODE_ONLY = `import { initSync } from "estuary-user";
initSync();
`;

/** Bundler resolution (the browser entry's types): initSync() needs the module. */
const BUNDLER_ONLY = `import { initSync } from "estuary-user";
// @ts-expect-error the default entry's initSync needs the module
initSync();
`;

/** Only in the program without the DOM lib: the package must not bring it in. */
const NO_DOM = `// @ts-expect-error the package adds no DOM lib to a program without one
document.title;
// @ts-expect-error the .d.ts's helper types are private
import type { Global } from "estuary-user";
`;

const base = { strict: true, noEmit: true, target: 'ES2022', skipLibCheck: false };
const MATRIX = {
  '(a) lib es2022 + @types/node, nodenext': {
    compilerOptions: { ...base, lib: ['ES2022'], typeRoots: [TYPE_ROOTS], types: ['node'], module: 'NodeNext', moduleResolution: 'NodeNext' },
    files: ['consumer.ts', 'node-only.ts', 'no-dom.ts'],
    entryTypes: 'node.d.ts',
  },
  '(b) lib es2022 + dom, bundler': {
    compilerOptions: { ...base, lib: ['ES2022', 'DOM'], types: [], module: 'ESNext', moduleResolution: 'Bundler' },
    files: ['consumer.ts', 'bundler-only.ts'],
    entryTypes: 'estuary_user.d.ts',
  },
  '(c) lib es2022 + dom, nodenext': {
    compilerOptions: { ...base, lib: ['ES2022', 'DOM'], types: [], module: 'NodeNext', moduleResolution: 'NodeNext' },
    files: ['consumer.ts', 'node-only.ts'],
    entryTypes: 'node.d.ts',
  },
};

let tmp;
let project;

before(async () => {
  requireBuiltPackage();
  tmp = tempDir('typescript');
  const files = { 'consumer.ts': CONSUMER, 'node-only.ts': NODE_ONLY, 'bundler-only.ts': BUNDLER_ONLY, 'no-dom.ts': NO_DOM };
  ({ project } = await consumerProject(tmp.dir, 'ts-consumer', files));
});

after(() => tmp?.remove());

Object.entries(MATRIX).forEach(([name, { entryTypes, ...config }], i) => {
  test(`tsc --strict, no skipLibCheck: ${name}`, async () => {
    const file = `tsconfig.${i}.json`;
    writeFileSync(join(project, file), JSON.stringify(config, null, 2));
    const { stdout } = await run(process.execPath, [BIN.tsc, '-p', file, '--listFiles', '--traceResolution'], { cwd: project, timeoutMs: 60_000 });
    assert.match(stdout, new RegExp(`Module name 'estuary-user' was successfully resolved to '[^']*/node_modules/estuary-user/${entryTypes.replaceAll('.', '\\.')}'`));
    for (const types of ['estuary_user.d.ts', 'inline.d.ts', 'estuary_user_bg.wasm.d.ts']) {
      assert.match(stdout, new RegExp(`/node_modules/estuary-user/${types.replaceAll('.', '\\.')}\\n`), `${types} comes from the installed package`);
    }
    if (!config.compilerOptions.lib.includes('DOM')) assert.doesNotMatch(stdout, /\/lib\.dom\.d\.ts$/m, 'the program has no DOM lib');
  });
});
