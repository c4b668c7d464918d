// How the package's entries load the .wasm, each on a fresh copy of pkg/ (a fresh module state):
// the node entry reads nothing on import, reads the file in init()/initSync(), survives a bundler
// that rewrote its `new URL(…, import.meta.url)` and falls back to fetching; the inline entry
// needs no file at all; and both accept a WebAssembly.Module compiled in another realm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';

import { PKG, consumerProject, requireBuiltPackage, tempDir } from './helpers.mjs';

requireBuiltPackage();
const WASM = 'estuary_user_bg.wasm';
const wasmBytes = readFileSync(join(PKG, WASM));
const tmp = tempDir('entries');
test.after(() => tmp.remove());

let copies = 0;
/**
 * A fresh copy of pkg/ (so a fresh, uninitialised glue), with `change(dir)` applied, and the
 * entry `entry` of it imported.
 */
async function freshEntry(entry, change = () => {}) {
  const dir = join(tmp.dir, `pkg-${copies++}`);
  cpSync(PKG, dir, { recursive: true });
  change(dir);
  return import(pathToFileURL(join(dir, entry)).href);
}

/** A token-free call that needs the instantiated module. */
const works = (mod) => mod.tokenHash('EST-x-ARY').length === 43;

/** Replaces `from` (which must be there) by `to` in the file `dir/name`. */
function rewrite(dir, name, from, to) {
  const text = readFileSync(join(dir, name), 'utf8');
  assert.ok(text.includes(from), `${name} has ${from}`);
  writeFileSync(join(dir, name), text.replaceAll(from, to));
}

/** What Next.js's bundlers make of the literal: an object with `protocol: ''`, not a file URL. */
const BUNDLER_URL = '({ href: "/_next/static/media/estuary_user_bg.0a1b2c.wasm", protocol: "" })';
const LITERAL_URL = `new URL("./${WASM}", import.meta.url)`;

test('node.js reads nothing on import: without the .wasm it imports, then init() says what is missing', async () => {
  const mod = await freshEntry('node.js', (dir) => rmSync(join(dir, WASM)));
  await assert.rejects(mod.default(), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /^estuary-user: cannot read estuary_user_bg\.wasm \(.*ENOENT.*\) nor fetch it \(.+\): pass it to init\(\{ module_or_path \}\)$/);
    return true;
  });
  assert.throws(() => mod.initSync(), /^Error: estuary-user: initSync\(\) cannot read estuary_user_bg\.wasm \(.*ENOENT.*\): pass initSync\(\{ module \}\) or await init\(\)$/);
  // The module given explicitly works after those failures.
  await mod.default({ module_or_path: wasmBytes });
  assert.ok(works(mod));
});

test('node.js: initSync() with no argument reads the .wasm from disk', async () => {
  const mod = await freshEntry('node.js');
  const exports = mod.initSync();
  assert.ok(works(mod));
  assert.equal(await mod.default(), exports, 'init() afterwards resolves with the same exports');
});

test('node.js under a bundler that rewrote new URL(…, import.meta.url): import works, init() reads the file by this module\'s own URL', async () => {
  const mod = await freshEntry('node.js', (dir) => rewrite(dir, 'node.js', LITERAL_URL, BUNDLER_URL));
  await mod.default();
  assert.ok(works(mod));
});

test('node.js where no file can be read: init() fetches the .wasm as the web entry does', async () => {
  const mod = await freshEntry('node.js', (dir) => {
    rewrite(dir, 'node.js', LITERAL_URL, BUNDLER_URL);
    rewrite(dir, 'node.js', 'const HERE = import.meta.url;', 'const HERE = "file:///nowhere/node.js";');
  });
  // Node's fetch has no file: URLs; this one serves the URL the glue asks for, and records it.
  const fetched = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (url) => {
    fetched.push(String(url));
    return new Response(readFileSync(fileURLToPath(url)), { headers: { 'content-type': 'application/wasm' } });
  };
  try {
    await mod.default();
  } finally {
    globalThis.fetch = original;
  }
  assert.equal(fetched.length, 1);
  assert.match(fetched[0], /^file:\/\/.*\/estuary_user_bg\.wasm$/);
  assert.ok(works(mod));
});

test('inline.js needs no .wasm file: init() and initSync() with no argument', async () => {
  const viaInit = await freshEntry('inline.js', (dir) => rmSync(join(dir, WASM)));
  await viaInit.default();
  assert.ok(works(viaInit));
  const viaSync = await freshEntry('inline.js', (dir) => rmSync(join(dir, WASM)));
  viaSync.initSync();
  assert.ok(works(viaSync));
});

test('estuary-user/inline in an esbuild single-file bundle (defaults, no plugin): one file, init() with nothing beside it', async () => {
  const app = 'import init, { tokenHash } from "estuary-user/inline";\nawait init();\nexport const hash = tokenHash("EST-x-ARY");\n';
  const { project } = await consumerProject(join(tmp.dir, 'esbuild'), 'esbuild-app', { 'app.mjs': app });
  const out = join(project, 'dist');
  const { warnings } = await build({ absWorkingDir: project, entryPoints: ['app.mjs'], bundle: true, format: 'esm', outdir: 'dist', logLevel: 'silent' });
  assert.deepEqual(warnings, []);
  assert.deepEqual(readdirSync(out), ['app.js'], 'nothing but the bundle');
  rmSync(join(project, 'node_modules'), { recursive: true });
  const { hash } = await import(pathToFileURL(join(out, 'app.js')).href);
  assert.equal(hash.length, 43);
});

test('inline.js carries exactly the shipped .wasm', () => {
  const [, base64] = /const WASM_BASE64 = "([A-Za-z0-9+/=]+)";/.exec(readFileSync(join(PKG, 'inline.js'), 'utf8')) ?? [];
  assert.ok(base64, 'inline.js has WASM_BASE64');
  assert.ok(Buffer.from(base64, 'base64').equals(wasmBytes));
});

/** A WebAssembly.Module compiled in another realm (as a Next.js edge route's `.wasm?module` import is). */
function foreignModule() {
  const module = vm.runInNewContext('new WebAssembly.Module(bytes)', { bytes: new Uint8Array(wasmBytes) });
  assert.equal(module instanceof WebAssembly.Module, false, 'the module is of another realm');
  assert.equal(Object.prototype.toString.call(module), '[object WebAssembly.Module]');
  return module;
}

for (const entry of ['estuary_user.js', 'node.js', 'inline.js']) {
  test(`${entry}: initSync({ module }) and init({ module_or_path }) accept a WebAssembly.Module of another realm`, async () => {
    const sync = await freshEntry(entry);
    sync.initSync({ module: foreignModule() });
    assert.ok(works(sync));
    const async = await freshEntry(entry);
    await async.default({ module_or_path: foreignModule() });
    assert.ok(works(async));
  });
}
