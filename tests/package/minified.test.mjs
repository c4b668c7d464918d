// scripts/minify.mjs on the built package: the .wasm's imports and exports carry short names
// (no build hashes), `memory` and the public class and function names survive, the glue is
// minified, no build-machine path is left in either, and running the script again changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PKG, ROOT, requireBuiltPackage, run, tempDir } from './helpers.mjs';
import { renameGlue, renameWasm } from '../../scripts/minify.mjs';

requireBuiltPackage();
const wasmBytes = readFileSync(join(PKG, 'estuary_user_bg.wasm'));
const glue = readFileSync(join(PKG, 'estuary_user.js'), 'utf8');

test('every import and export has a short name without a build hash; memory keeps its name', () => {
  const module = new WebAssembly.Module(wasmBytes);
  const imports = WebAssembly.Module.imports(module);
  assert.ok(imports.length > 20, 'the glue provides the imports');
  for (const { module: from, name } of imports) {
    assert.equal(from, 'a', `import ${name} comes from the glue's object`);
    assert.match(name, /^[a-zA-Z]{1,2}$/);
  }
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  assert.ok(exports.includes('memory'));
  for (const name of exports) if (name !== 'memory') assert.match(name, /^[a-zA-Z]{1,2}$/);
  assert.doesNotMatch(glue, /_h?[0-9a-f]{16}\b/, "no wasm-bindgen hash is left in the glue");
  for (const section of ['producers', 'target_features']) {
    assert.equal(WebAssembly.Module.customSections(module, section).length, 0, `no ${section} section`);
  }
});

test('the minified glue keeps the public names: classes, functions, init and memory', async () => {
  assert.ok(glue.split('\n').length < 5, 'the glue is minified');
  const pkg = await import(pathToFileURL(join(PKG, 'node.js')).href);
  assert.equal(pkg.EstuaryUser.name, 'EstuaryUser');
  assert.equal(pkg.EstuaryError.name, 'EstuaryError');
  for (const fn of ['checkExpiry', 'isEstuaryError', 'tokenHash']) assert.equal(pkg[fn].name, fn);
  const output = await pkg.default();
  assert.ok(output.memory instanceof WebAssembly.Memory);
  // A call through the renamed imports and exports, end to end inside the module.
  assert.equal(pkg.checkExpiry('720h'), null);
  assert.match(pkg.checkExpiry('7d'), /unit/);
});

test('the shipped .wasm and glue carry no path of the machine that built them', () => {
  const text = wasmBytes.toString('latin1') + glue;
  const home = process.env.CARGO_HOME ?? join(process.env.HOME ?? '/root', '.cargo');
  for (const path of [ROOT, home, '/root/', '/home/', 'registry/src/index.crates.io']) {
    assert.ok(!text.includes(path), `found ${path}`);
  }
});

test('running scripts/minify.mjs again changes nothing', async () => {
  const { dir, remove } = tempDir('minify');
  try {
    cpSync(PKG, dir, { recursive: true });
    const out = await run(process.execPath, [join(ROOT, 'scripts', 'minify.mjs'), '--pkg', dir]);
    assert.match(out.stdout, /already minified/);
    assert.ok(readFileSync(join(dir, 'estuary_user_bg.wasm')).equals(wasmBytes));
    assert.equal(readFileSync(join(dir, 'estuary_user.js'), 'utf8'), glue);
  } finally {
    remove();
  }
});

test('unexpected glue is an error, not a guess', () => {
  const renaming = { imports: new Map([['__wbg_fetch_0123456789abcdef', 'a']]), exports: new Map() };
  assert.throws(() => renameGlue('no import object here', renaming), /expected one/);
  const glueWithout = '"./estuary_user_bg.js": import0,\n';
  assert.throws(() => renameGlue(glueWithout, renaming), /defined 0 times/);
  assert.throws(() => renameGlue(`${glueWithout}wasm["x"]()`, { imports: new Map(), exports: new Map() }), /computed name/);
  assert.throws(() => renameWasm(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a version-1 wasm module/);
});

test('a module with large sections is renamed without overflowing the call stack', () => {
  const enc = new TextEncoder();
  const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const str = (s) => [...leb(enc.encode(s).length), ...enc.encode(s)];
  const section = (id, payload) => [id, ...leb(payload.length), ...payload];
  const big = new Uint8Array(300_000).fill(7);
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(2, [1, ...str('./estuary_user_bg.js'), ...str('__wbg_x_0123456789abcdef'), 0, 0]),
  ]);
  const custom = Buffer.concat([Buffer.from([0, ...leb(big.length + 4), ...str('big')]), big]);
  const renamed = renameWasm(Buffer.concat([bytes, custom]));
  const module = new WebAssembly.Module(renamed.bytes);
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'a', name: 'a', kind: 'function' }]);
  assert.equal(WebAssembly.Module.customSections(module, 'big')[0].byteLength, big.length);
  assert.deepEqual([...renamed.imports], [['__wbg_x_0123456789abcdef', 'a']]);
});
