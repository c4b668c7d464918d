// scripts/minify.mjs on the built package (binaryen renames, esbuild applies its map): the
// .wasm's imports and exports carry short names (no build hashes), `memory` and the public class
// and function names survive, the glue is minified, no build-machine path is left in either,
// running the script again changes nothing, and the glue is renamed however it reaches a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PKG, ROOT, requireBuiltPackage, run, tempDir } from './helpers.mjs';
import { glueRenaming, minifyGlue } from '../../scripts/minify.mjs';

requireBuiltPackage();
const wasmBytes = readFileSync(join(PKG, 'estuary_user_bg.wasm'));
const glue = readFileSync(join(PKG, 'estuary_user.js'), 'utf8');

test('every import and export has a short name without a build hash; memory keeps its name', () => {
  const module = new WebAssembly.Module(wasmBytes);
  const imports = WebAssembly.Module.imports(module);
  assert.ok(imports.length > 20, 'the glue provides the imports');
  for (const { module: from, name } of imports) {
    assert.equal(from, 'a', `import ${name} comes from the glue's object`);
    assert.match(name, /^[a-zA-Z_$]{1,2}$/);
  }
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  assert.ok(exports.includes('memory'));
  for (const name of exports) if (name !== 'memory') assert.match(name, /^[a-zA-Z_$]{1,2}$/);
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
  const rustup = process.env.RUSTUP_HOME ?? join(process.env.HOME ?? '/root', '.rustup');
  // The last two: std's sources, which the package's build compiles (docs/toolchain.md trap 19).
  for (const path of [ROOT, home, rustup, '/root/', '/home/', 'registry/src/index.crates.io', '.rustup/', 'lib/rustlib/src']) {
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

test('esbuild renames an export however the glue reaches it, and an import object key', () => {
  const renaming = new Map([
    ['__wbg_fetch_0123456789abcdef', 'a'],
    ['estuaryuser_new_0123456789abcdef', 'b'],
    ['__wbindgen_malloc_0123456789abcdef', 'c'],
    ['./estuary_user_bg.js', 'a'],
  ]);
  const js = `
    export function run(wasm) {
      const { estuaryuser_new_0123456789abcdef: make } = wasm;
      const alias = wasm;
      const imports = { "./estuary_user_bg.js": { __wbg_fetch_0123456789abcdef: () => 1 } };
      return [make(), alias.__wbindgen_malloc_0123456789abcdef(), wasm["__wbindgen_malloc_0123456789abcdef"], imports];
    }`;
  const out = minifyGlue(js, renaming);
  for (const old of renaming.keys()) assert.ok(!out.includes(old), `${old} is renamed: ${out}`);
  const { run: call } = { run: new Function(`${out.replace('export ', '')}; return run;`)() };
  const wasm = { a: 'fetch?', b: () => 'made', c: () => 'malloc' };
  const [made, malloc, viaString, imports] = call(wasm);
  assert.deepEqual([made, malloc, typeof viaString], ['made', 'malloc', 'function']);
  assert.deepEqual(Object.keys(imports), ['a']);
  assert.deepEqual(Object.keys(imports.a), ['a']);
});

test('a map esbuild cannot apply safely is an error, not a guess', () => {
  const map = { imports: [['env', '__wbg_x_0123456789abcdef', 'a']], exports: [] };
  assert.throws(() => glueRenaming(map, ['a']), /not from the glue's/);
  const two = { imports: [['./estuary_user_bg.js', '__wbg_x_0123456789abcdef', 'a']], exports: [] };
  assert.throws(() => glueRenaming(two, ['a', 'b']), /2 modules/);
  // A name only built at run time stays in the glue as a string: refused.
  assert.throws(() => minifyGlue('export const f = (w) => w[["__wbg_", "x"].join("")] ?? "__wbg_x";', new Map([['__wbg_x', 'a']])), /still used/);
});
