#!/usr/bin/env node
// Shrinks the web-target build in pkg/ (scripts/build-pkg.sh runs it after scripts/package.mjs):
//
// 1. Short names for the .wasm's imports and exports. wasm-bindgen names every import
//    `__wbg_<name>_<16 hex digits>` under the module "./estuary_user_bg.js", and each name is
//    written twice, in the .wasm and in the glue; the hashes do not compress. Renaming them to
//    `a`, `b`, … measured −1.7 KB of `.wasm` and −1.0 KB of glue, gzip -9. `memory` keeps its
//    name: the public `InitOutput` type names it. The `producers` and `target_features`
//    custom sections go too (−0.2 KB).
// 2. The glue minified by esbuild (`transform`, no `format`: top-level names such as the
//    classes `EstuaryUser` and `EstuaryError` are kept, so `constructor.name` and devtools
//    still say them): −2.0 KB gzip more.
//
//   node scripts/minify.mjs [--pkg DIR]
//
// The .wasm is only renamed, never otherwise changed: its code and data are copied byte for
// byte; of its custom sections only `producers` and `target_features` (read by no runtime)
// are dropped. Idempotent: a build whose imports are already renamed is left alone.
// Anything unexpected in wasm-bindgen's output is an error, never a guess.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GLUE = 'estuary_user.js';
const WASM = 'estuary_user_bg.wasm';
/** The import module wasm-bindgen's web-target glue provides. */
const GLUE_MODULE = './estuary_user_bg.js';
/** What the glue's import object is called in the renamed build. */
const SHORT_MODULE = 'a';
/** Custom sections no runtime reads: toolchain versions and the target features used. */
const DROP_CUSTOM = new Set(['producers', 'target_features']);
/** Exports whose names are part of the public types (`InitOutput`). */
const KEEP_EXPORTS = new Set(['memory']);

class MinifyError extends Error {}
const fail = (message) => {
  throw new MinifyError(message);
};

// --- the wasm binary: just enough of the format to rename imports and exports ---------------

function readU32(bytes, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) fail(`${WASM}: truncated LEB128`);
    const b = bytes[pos++];
    // The fifth byte of a u32 holds its top 4 bits only.
    if (shift === 28 && b & 0x70) fail(`${WASM}: LEB128 beyond a u32`);
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result >>> 0, pos];
    shift += 7;
    if (shift > 28) fail(`${WASM}: LEB128 longer than a u32`);
  }
}

function u32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function readName(bytes, pos) {
  const [len, start] = readU32(bytes, pos);
  return [utf8.decode(bytes.subarray(start, start + len)), start + len];
}

function name(text) {
  const b = encoder.encode(text);
  return [...u32(b.length), ...b];
}

/** Skips a `limits` (table or memory): flags, min, max if flag bit 0 is set. */
function skipLimits(bytes, pos) {
  const flags = bytes[pos++];
  [, pos] = readU32(bytes, pos);
  if (flags & 1) [, pos] = readU32(bytes, pos);
  return pos;
}

/** End of an import's description (func, table, memory, global or tag). */
function skipImportDesc(bytes, pos) {
  const kind = bytes[pos++];
  switch (kind) {
    case 0x00: return readU32(bytes, pos)[1]; // func: type index
    case 0x01: return skipLimits(bytes, pos + 1); // table: reftype byte, limits
    case 0x02: return skipLimits(bytes, pos); // memory
    case 0x03: return pos + 2; // global: valtype byte, mutability byte
    case 0x04: return readU32(bytes, pos + 1)[1]; // tag: attribute, type index
    default: fail(`${WASM}: unknown import kind 0x${kind.toString(16)}`);
  }
}

/** The sections of a module, as [id, payload] pairs. */
function sections(bytes) {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (!header.every((b, i) => bytes[i] === b)) fail(`${WASM} is not a version-1 wasm module`);
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    let size;
    [size, pos] = readU32(bytes, pos);
    if (pos + size > bytes.length) fail(`${WASM}: section ${id} runs past the end`);
    out.push([id, bytes.subarray(pos, pos + size)]);
    pos += size;
  }
  return out;
}

/** `a`…`z`, `A`…`Z`, then two letters: valid JS property names, none of them `memory`. */
function* shortNames() {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const c of letters) yield c;
  for (const c of letters) for (const d of letters) yield c + d;
}

/**
 * Renames the imports from the glue's module and every export but `memory`. Returns the new
 * bytes and the two renamings (old name → new), or null when the module is already renamed.
 */
export function renameWasm(bytes) {
  const imports = new Map();
  const exports = new Map();
  let sawGlueModule = false;
  // Chunks joined at the end: spreading a section into `push` overflows the call stack
  // beyond ~100,000 bytes.
  const out = [bytes.subarray(0, 8)];
  for (const [id, payload] of sections(bytes)) {
    let body = payload;
    if (id === 2) {
      const names = shortNames();
      let [count, pos] = readU32(payload, 0);
      const rebuilt = [...u32(count)];
      for (; count > 0; count--) {
        let module;
        let field;
        [module, pos] = readName(payload, pos);
        [field, pos] = readName(payload, pos);
        const end = skipImportDesc(payload, pos);
        if (module === GLUE_MODULE) {
          sawGlueModule = true;
          if (imports.has(field)) fail(`${WASM}: import ${field} appears twice`);
          const short = names.next().value;
          imports.set(field, short);
          rebuilt.push(...name(SHORT_MODULE), ...name(short));
        } else if (module === SHORT_MODULE) {
          return null; // already renamed
        } else {
          fail(`${WASM} imports from "${module}", which this script does not know: has wasm-bindgen's output changed?`);
        }
        for (let i = pos; i < end; i++) rebuilt.push(payload[i]);
        pos = end;
      }
      if (pos !== payload.length) fail(`${WASM}: import section has trailing bytes`);
      body = Uint8Array.from(rebuilt);
    } else if (id === 7) {
      const names = shortNames();
      let [count, pos] = readU32(payload, 0);
      const rebuilt = [...u32(count)];
      for (; count > 0; count--) {
        let field;
        [field, pos] = readName(payload, pos);
        const kind = payload[pos];
        const [, end] = readU32(payload, pos + 1);
        let short = field;
        if (!KEEP_EXPORTS.has(field)) {
          do short = names.next().value; while (KEEP_EXPORTS.has(short));
          exports.set(field, short);
        }
        rebuilt.push(...name(short));
        for (let i = pos; i < end; i++) rebuilt.push(payload[i]);
        pos = end;
      }
      if (pos !== payload.length) fail(`${WASM}: export section has trailing bytes`);
      body = Uint8Array.from(rebuilt);
    }
    if (id === 0 && DROP_CUSTOM.has(readName(payload, 0)[0])) continue;
    out.push(Uint8Array.from([id, ...u32(body.length)]), body);
  }
  if (!sawGlueModule) fail(`${WASM} imports nothing from "${GLUE_MODULE}": has wasm-bindgen's output changed?`);
  return { bytes: new Uint8Array(Buffer.concat(out)), imports, exports };
}

// --- the glue ------------------------------------------------------------------------------

const escape = (s) => s.replace(/[$]/g, '\\$&');

/** Applies the renaming to wasm-bindgen's web-target glue; every name must be where expected. */
export function renameGlue(js, { imports, exports }) {
  const moduleKey = `"${GLUE_MODULE}": import0,`;
  if (js.split(moduleKey).length !== 2) fail(`${GLUE}: expected one \`${moduleKey}\` in __wbg_get_imports`);
  js = js.replace(moduleKey, `${SHORT_MODULE}: import0,`);
  for (const [old, short] of imports) {
    // Each import is one `name: function(…)` entry of the import object.
    const re = new RegExp(`^(\\s+)${escape(old)}:`, 'gm');
    const hits = js.match(re)?.length ?? 0;
    if (hits !== 1) fail(`${GLUE}: import ${old} is defined ${hits} times, expected once`);
    js = js.replace(re, `$1${short}:`);
  }
  // The glue reaches exports only as `wasm.name` (some, e.g. `__instance_terminated`, never).
  if (/\bwasm\s*\[/.test(js)) fail(`${GLUE} reads a wasm export by a computed name: has wasm-bindgen's output changed?`);
  for (const [old, short] of exports) {
    js = js.replace(new RegExp(`\\bwasm\\.${escape(old)}\\b`, 'g'), `wasm.${short}`);
  }
  // Every export the glue reaches must now go by its new name, and by no other way.
  const renamed = new Set([...exports.values(), ...KEEP_EXPORTS]);
  for (const [, used] of js.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)) {
    if (!renamed.has(used)) fail(`${GLUE} reaches the wasm export ${used}, which the .wasm does not have: has wasm-bindgen's output changed?`);
  }
  if (/\.exports\.[A-Za-z_$]/.test(js)) fail(`${GLUE} reads an export other than as wasm.name: has wasm-bindgen's output changed?`);
  return js;
}

export function minifyGlue(js) {
  // No `format`: esbuild then keeps top-level names (the exported classes and functions).
  const { code, warnings } = transformSync(js, { minify: true, target: 'es2020', legalComments: 'none' });
  if (warnings.length) fail(`${GLUE}: esbuild warned: ${warnings.map((w) => w.text).join('; ')}`);
  return code;
}

export function minifyPackage(pkgDir) {
  const wasmPath = join(pkgDir, WASM);
  const gluePath = join(pkgDir, GLUE);
  const renamed = renameWasm(readFileSync(wasmPath));
  if (renamed === null) return false;
  const glue = minifyGlue(renameGlue(readFileSync(gluePath, 'utf8'), renamed));
  // The renamed module must still be valid before anything is written.
  try {
    new WebAssembly.Module(renamed.bytes);
  } catch (e) {
    fail(`${WASM}: the renamed module does not compile: ${e.message}`);
  }
  writeFileSync(wasmPath, renamed.bytes);
  writeFileSync(gluePath, glue);
  return true;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    const args = process.argv.slice(2);
    let pkgDir = join(ROOT, 'pkg');
    if (args[0] === '--pkg' && args[1]) pkgDir = resolve(args[1]);
    else if (args.length) fail(`usage: node scripts/minify.mjs [--pkg DIR]`);
    const done = minifyPackage(pkgDir);
    console.log(`minify.mjs: ${done ? `short import/export names and minified glue in ${pkgDir}` : 'already minified'}`);
  } catch (e) {
    console.error(`minify.mjs: ${e instanceof MinifyError ? e.message : e.stack}`);
    process.exit(1);
  }
}
