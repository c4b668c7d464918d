#!/usr/bin/env node
// Shrinks the web-target build in pkg/ with standard tools only (scripts/build-pkg.sh runs it
// after scripts/package.mjs); it parses neither the .wasm nor the glue itself:
//
// 1. binaryen's wasm-opt (npm binaryen@132, docs/toolchain.md trap 1) gives the .wasm's imports,
//    exports and import module short names with `--minify-imports-and-exports-and-modules`, and
//    prints the old -> new names as JSON. (The plain `--minify-imports-and-exports` renames only
//    imports from "env"; wasm-bindgen imports from "./estuary_user_bg.js".)
// 2. binaryen's JS API (the same npm package) exports the memory as `memory` again: the pass
//    renames every export, and the public `InitOutput` type names this one.
// 3. wasm-opt `-Oz --strip-producers --strip-target-features` drops the two custom sections no
//    runtime reads and writes the module as compactly as wasm-pack's own -Oz did (a plain
//    re-encoding by binaryen measured +140 bytes: it writes code through its optimised Stack IR
//    only when it optimises).
// 4. esbuild minifies the glue and applies binaryen's map to it: `mangleProps` matches exactly
//    the old names, `mangleCache` fixes each one's new name. It renames every property access
//    (`wasm.name`, `wasm["name"]`, destructuring) and object key (the import object, the import
//    module's key), so nothing depends on the shape of wasm-bindgen's output. No `format`:
//    top-level names such as the classes `EstuaryUser` and `EstuaryError` are kept.
//
//   node scripts/minify.mjs [--pkg DIR]
//
// The result is checked before anything is written: no old name is left as a property or key
// in the glue, and the minified glue instantiates the minified .wasm (every import provided,
// `memory` exported). Idempotent: a build whose imports no longer come from
// "./estuary_user_bg.js" is left alone.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import binaryen from 'binaryen';
import { transformSync } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GLUE = 'estuary_user.js';
const WASM = 'estuary_user_bg.wasm';
/** The import module wasm-bindgen's web-target glue provides. */
const GLUE_MODULE = './estuary_user_bg.js';
/** The export whose name is part of the public types (`InitOutput`). */
const MEMORY = 'memory';
/** The features the release build uses, as in wasm/Cargo.toml (docs/toolchain.md trap 3). */
const FEATURE_FLAGS = [
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--enable-mutable-globals',
];
const FEATURES = binaryen.Features.BulkMemory | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt |
  binaryen.Features.ReferenceTypes | binaryen.Features.Multivalue | binaryen.Features.MutableGlobals;

class MinifyError extends Error {}
const fail = (message) => {
  throw new MinifyError(message);
};

/** Runs npm binaryen's wasm-opt on `bytes` with `args`; gives the new bytes and what it printed. */
export function wasmOpt(bytes, args) {
  const dir = mkdtempSync(join(tmpdir(), 'estuary-minify-'));
  try {
    const input = join(dir, 'in.wasm');
    const output = join(dir, 'out.wasm');
    writeFileSync(input, bytes);
    const stdout = execFileSync(join(ROOT, 'node_modules', '.bin', 'wasm-opt'), [input, ...FEATURE_FLAGS, ...args, '-o', output], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 << 20,
    });
    return { bytes: readFileSync(output), stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Step 1: binaryen renames the imports, exports and import modules. Gives the new bytes and
 * its map (`{ imports: [[module, old, new]…], exports: [[old, new]…] }`).
 */
export function minifyNames(bytes) {
  const { bytes: renamed, stdout } = wasmOpt(bytes, ['--minify-imports-and-exports-and-modules']);
  try {
    return { bytes: renamed, map: JSON.parse(stdout) };
  } catch {
    fail(`wasm-opt printed no JSON map of the names (has binaryen changed its output?): ${stdout.slice(0, 200)}`);
  }
}

/** Step 2: the memory export, renamed by the pass to `renamed`, is exported as `memory` again. */
export function restoreMemoryName(bytes, renamed) {
  const module = binaryen.readBinary(bytes);
  try {
    module.setFeatures(FEATURES);
    const exp = module.getExport(renamed);
    if (!exp || binaryen.getExportInfo(exp).kind !== binaryen.ExternalMemory) fail(`${WASM}: export ${renamed} is not the memory`);
    const { value } = binaryen.getExportInfo(exp);
    module.removeExport(renamed);
    module.addMemoryExport(value, MEMORY);
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

/** The renaming to apply to the glue: old → new, the import module's name included. */
export function glueRenaming(map, modules) {
  const renaming = new Map();
  const add = (old, short) => {
    if (renaming.has(old) && renaming.get(old) !== short) fail(`${old} is renamed twice (${renaming.get(old)}, ${short})`);
    renaming.set(old, short);
  };
  for (const [module, old, short] of map.imports) {
    if (module !== GLUE_MODULE) fail(`${WASM} imports ${old} from "${module}", not from the glue's "${GLUE_MODULE}": has wasm-bindgen's output changed?`);
    add(old, short);
  }
  for (const [old, short] of map.exports) if (old !== MEMORY) add(old, short);
  // The pass gives every import module one name; the glue's import object has one key.
  if (modules.length !== 1) fail(`${WASM} imports from ${modules.length} modules (${modules.join(', ')}), expected "a" only`);
  add(GLUE_MODULE, modules[0]);
  return renaming;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Step 4: esbuild minifies the glue and renames the properties named in `renaming`. */
export function minifyGlue(js, renaming) {
  const { code, warnings } = transformSync(js, {
    minify: true,
    target: 'es2020',
    legalComments: 'none',
    mangleProps: new RegExp(`^(?:${[...renaming.keys()].map(escapeRegExp).join('|')})$`),
    mangleQuoted: true,
    mangleCache: Object.fromEntries(renaming),
  });
  if (warnings.length) fail(`${GLUE}: esbuild warned: ${warnings.map((w) => w.text).join('; ')}`);
  // A name esbuild could not reach (e.g. built from parts at run time) would be left as is. An
  // old name may remain as a binding (`export function tokenHash`), never as a property or key.
  for (const old of renaming.keys()) {
    const e = escapeRegExp(old);
    if (new RegExp(`\\.${e}\\b|["'\`]${e}["'\`]|[{,]${e}:`).test(code)) fail(`${GLUE}: ${old} is still used in the minified glue`);
  }
  return code;
}

/** Instantiates `wasmBytes` with `glue` (written next to each other in a temporary folder). */
async function checkLinks(glue, wasmBytes) {
  const dir = mkdtempSync(join(tmpdir(), 'estuary-minify-check-'));
  try {
    writeFileSync(join(dir, GLUE), glue);
    const { initSync } = await import(pathToFileURL(join(dir, GLUE)).href);
    const exports = initSync({ module: wasmBytes });
    if (!(exports[MEMORY] instanceof WebAssembly.Memory)) fail(`${WASM}: no \`${MEMORY}\` export after minifying`);
  } catch (e) {
    if (e instanceof MinifyError) throw e;
    fail(`the minified glue does not instantiate the minified ${WASM}: ${e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function minifyPackage(pkgDir) {
  const wasmPath = join(pkgDir, WASM);
  const gluePath = join(pkgDir, GLUE);
  const original = readFileSync(wasmPath);
  const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(original)).map((i) => i.module));
  if (!modules.has(GLUE_MODULE)) return false; // already minified
  const { bytes: renamed, map } = minifyNames(original);
  const memory = map.exports.find(([old]) => old === MEMORY);
  if (!memory) fail(`${WASM} exports no \`${MEMORY}\``);
  // Step 3 (see the header).
  const { bytes } = wasmOpt(restoreMemoryName(renamed, memory[1]), ['-Oz', '--strip-producers', '--strip-target-features']);
  const newModules = [...new Set(WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => i.module))];
  const glue = minifyGlue(readFileSync(gluePath, 'utf8'), glueRenaming(map, newModules));
  await checkLinks(glue, bytes);
  writeFileSync(wasmPath, bytes);
  writeFileSync(gluePath, glue);
  return true;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    const args = process.argv.slice(2);
    let pkgDir = join(ROOT, 'pkg');
    if (args[0] === '--pkg' && args[1] && args.length === 2) pkgDir = resolve(args[1]);
    else if (args.length) fail('usage: node scripts/minify.mjs [--pkg DIR]');
    const done = await minifyPackage(pkgDir);
    console.log(`minify.mjs: ${done ? `short import/export names and minified glue in ${pkgDir}` : 'already minified'}`);
  } catch (e) {
    console.error(`minify.mjs: ${e instanceof MinifyError ? e.message : e.stack}`);
    process.exit(1);
  }
}
