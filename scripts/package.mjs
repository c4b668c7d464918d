#!/usr/bin/env node
// Turns wasm-pack's web-target output in pkg/ into the published npm package `estuary-user`:
// one package for browsers with a bundler, browsers without one (`await init()`), and Node 18+.
//
//   node scripts/package.mjs [--pkg DIR]      (scripts/build-pkg.sh runs it after minify.mjs)
//
// It writes pkg/package.json (fields from the root Cargo.toml's [package], an `exports` map with
// `types` first and a `node` condition), pkg/node.js (the Node entry: reads the .wasm with
// node:fs when `init()` runs, never on import), pkg/inline.js (`estuary-user/inline`: the .wasm
// as base64) and the types of both (node.d.ts under the `node` condition) and of the `.wasm`
// subpath; it makes the glue's `initSync`
// accept a `WebAssembly.Module` of another realm, makes the .d.ts check under any `lib`, with or
// without the DOM (a reference to `esnext.disposable`, init input types that name no DOM type),
// replaces the raw, hash-named wasm exports of its `InitOutput` interface by an `unknown` index
// signature (no `any`, no build hashes in the public types), and copies README.md,
// CHANGELOG.md and the licence files.
// Idempotent: running it again on its own output changes nothing. Any missing input is an error.

import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The files of the web target that wasm-pack must have produced. */
const GLUE = 'estuary_user.js';
const WASM = 'estuary_user_bg.wasm';
const TYPES = 'estuary_user.d.ts';
const NODE_ENTRY = 'node.js';
/** Its types (the `node` condition's): `initSync()` needs no argument there either. */
const NODE_TYPES = 'node.d.ts';
/** `estuary-user/inline`: the .wasm inside the module, as base64. */
const INLINE_ENTRY = 'inline.js';
const INLINE_TYPES = 'inline.d.ts';
/** The types of the `./estuary_user_bg.wasm` subpath (wasm-pack's lists the raw exports). */
const WASM_TYPES = 'estuary_user_bg.wasm.d.ts';
/** Copied from the repository root. */
const DOCS = ['README.md', 'CHANGELOG.md', 'LICENSE-MIT', 'LICENSE-APACHE'];

class PackagingError extends Error {}

function fail(message) {
  throw new PackagingError(message);
}

function parseArgs(argv) {
  let pkgDir = join(ROOT, 'pkg');
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    if (name === '--pkg') {
      const value = inline ?? argv[++i];
      if (!value) fail('--pkg needs a directory');
      pkgDir = resolve(value);
    } else {
      fail(`unknown argument: ${argv[i]} (usage: node scripts/package.mjs [--pkg DIR])`);
    }
  }
  return { pkgDir };
}

/** Parses one TOML basic string (`"…"`) or array of them, as Cargo.toml metadata uses. */
function parseTomlValue(raw, key) {
  const text = raw.trim();
  const strings = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(text)) !== null) strings.push(JSON.parse(`"${m[1]}"`));
  if (text.startsWith('[')) return strings;
  if (text.startsWith('"') && strings.length === 1) return strings[0];
  fail(`Cargo.toml: cannot read [package] ${key} = ${text}`);
}

/**
 * The `[package]` table of the root Cargo.toml: its `key = value` lines up to the next table
 * header (the file may also hold `[workspace]` and others). Only string and string-array values
 * are read, which is all the package metadata needs; multi-line arrays are joined.
 */
export function readCargoPackage(cargoTomlPath) {
  if (!existsSync(cargoTomlPath)) fail(`missing ${cargoTomlPath}`);
  const lines = readFileSync(cargoTomlPath, 'utf8').split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*\[package\]\s*(#.*)?$/.test(l));
  if (start < 0) fail(`${cargoTomlPath} has no [package] table`);
  const fields = {};
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\[/.test(line)) break;
    const m = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2].replace(/\s+#[^"]*$/, '');
    if (value.trim().startsWith('[')) {
      while (!/\]\s*(#.*)?$/.test(value) && i + 1 < lines.length) value += ` ${lines[++i].trim()}`;
    }
    if (!(m[1] in fields)) fields[m[1]] = value;
  }
  const get = (key, { array = false, required = true } = {}) => {
    if (!(key in fields)) {
      if (required) fail(`${cargoTomlPath}: [package] has no ${key}`);
      return undefined;
    }
    const v = parseTomlValue(fields[key], key);
    if (array !== Array.isArray(v)) fail(`${cargoTomlPath}: [package] ${key} should be ${array ? 'an array' : 'a string'}`);
    return v;
  };
  return {
    name: get('name'),
    version: get('version'),
    description: get('description'),
    license: get('license'),
    repository: get('repository'),
    homepage: get('homepage', { required: false }),
    keywords: get('keywords', { array: true }),
  };
}

/** Semantic Versioning 2.0.0 (the regular expression from semver.org). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function requireFile(path, hint) {
  if (!existsSync(path) || !statSync(path).isFile()) fail(`missing ${path}${hint ? ` (${hint})` : ''}`);
}

/** The Node entry: nothing happens on import; `init()` / `initSync()` read the .wasm from disk. */
const NODE_JS = `// Node entry of estuary-user (the \`node\` condition of package.json's \`exports\`): Node 18+,
// Deno, Bun and server bundles. Importing it does nothing: \`init()\` and \`initSync()\` read the
// .wasm next to this file. Where there is no such file (a bundler rewrote \`import.meta.url\`, as
// Next.js does), \`init()\` fetches it as the web entry does. Generated by scripts/package.mjs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import webInit, { initSync as webInitSync } from "./estuary_user.js";

export * from "./estuary_user.js";

/** This file's URL: a bundler that rewrites the literal \`new URL(…, import.meta.url)\` below
 * replaces a bare \`import.meta.url\` by its source file's URL, which is a real path. */
const HERE = import.meta.url;

let instance;

/** The .wasm's bytes, from the file next to this module; throws where there is none. */
function readWasm() {
  try {
    return readFileSync(fileURLToPath(new URL("./${WASM}", import.meta.url)));
  } catch {
    return readFileSync(fileURLToPath(new URL("./${WASM}", HERE)));
  }
}

/**
 * Instantiates the module, once, and resolves with its exports: from \`init({ module_or_path })\`
 * as in browsers, or with no argument from the .wasm on disk, else fetched by URL.
 */
export default async function init(input) {
  if (input === undefined && instance === undefined) {
    try {
      input = { module_or_path: readWasm() };
    } catch (readError) {
      return (instance = await webInit().catch((fetchError) => {
        throw new Error(\`estuary-user: cannot read ${WASM} (\${readError.message}) nor fetch it (\${fetchError.message}): pass it to init({ module_or_path })\`, { cause: fetchError });
      }));
    }
  }
  return (instance = await webInit(input));
}

/** Instantiates the module synchronously: from \`initSync({ module })\`, or from the .wasm on disk. */
export function initSync(input) {
  if (input === undefined && instance === undefined) {
    try {
      input = { module: readWasm() };
    } catch (readError) {
      throw new Error(\`estuary-user: initSync() cannot read ${WASM} (\${readError.message}): pass initSync({ module }) or await init()\`, { cause: readError });
    }
  }
  return (instance = webInitSync(input));
}
`;

/**
 * The `estuary-user/inline` entry: the same API with the .wasm inside the module as base64
 * (`wasmBase64`), so `init()` and `initSync()` fetch and read nothing. It imports the one glue.
 */
const inlineJs = (wasmBase64) => `// estuary-user/inline: the API of the default entry, with the .wasm inside this module as
// base64, so \`init()\` and \`initSync()\` need no file and no fetch: for bundlers that do not emit
// \`new URL("….wasm", import.meta.url)\` assets (esbuild, Rollup), single-file bundles, workers
// and edge runtimes. Generated by scripts/package.mjs.
import webInit, { initSync as webInitSync } from "./${GLUE}";

export * from "./${GLUE}";

const WASM_BASE64 = "${wasmBase64}";

let instance;

/** The .wasm's bytes (\`atob\`: browsers, workers, Node 16+, Deno, Bun, edge runtimes). */
function wasmBytes() {
  const text = atob(WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Instantiates the module, once: from the bytes above, or from \`init({ module_or_path })\`. */
export default async function init(input) {
  return (instance = await webInit(input === undefined && instance === undefined ? { module_or_path: wasmBytes() } : input));
}

/** The same, synchronously: from the bytes above, or from \`initSync({ module })\`. */
export function initSync(input) {
  return (instance = webInitSync(input === undefined && instance === undefined ? { module: wasmBytes() } : input));
}
`;

/**
 * The types of an entry over the glue whose `init()` and `initSync()` find the .wasm themselves
 * (`from`: where): the default entry's, with every init argument optional.
 */
const entryDts = (entry, from) => `// ${entry}: the default entry's API; init() and initSync() need no argument.
import type { InitOutput, default as webInit, initSync as webInitSync } from "./${GLUE}";

export * from "./${GLUE}";

/** Instantiates the module, once, from ${from} (or from \`module_or_path\`). */
export default function init(module_or_path?: Parameters<typeof webInit>[0]): Promise<InitOutput>;

/** The same, synchronously (or from \`module\`). */
export function initSync(module?: Parameters<typeof webInitSync>[0]): InitOutput;
`;

/**
 * The types of the `./estuary_user_bg.wasm` subpath, as Cloudflare Workers (wrangler), workerd
 * and Next.js edge routes import a `.wasm`: a compiled module to pass to `initSync({ module })`.
 */
const WASM_DTS = `// The compiled module, as Cloudflare Workers, workerd and Next.js edge routes import a .wasm:
// pass it to initSync({ module }). Its type is the program's global WebAssembly.Module.
declare const wasmModule: typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never;
export default wasmModule;
`;

/**
 * What the public .d.ts says `init()` and `initSync()` resolve to. wasm-bindgen lists every raw
 * wasm export there, typed with `any` and named after internal symbols, some with a build hash
 * (`wasm_bindgen__convert__closures_____invoke__h13e1…`) that changes from build to build. They
 * are not the API (the classes and functions are): only `memory` is named; the rest is
 * `unknown` behind an index signature.
 */
const INIT_OUTPUT = `export interface InitOutput {
    /** The module's linear memory (a \`WebAssembly.Memory\`). */
    readonly memory: GlobalWasm<"Memory", object>;
    /** The raw wasm exports behind the classes and functions: internal, not the API. */
    readonly [rawExport: string]: unknown;
}`;

/**
 * wasm-bindgen's `InitInput` and `SyncInitInput` name `RequestInfo`, `BufferSource` and
 * `WebAssembly.*`, which only the DOM lib declares: a Node project (`lib: ["es2022"]` +
 * `@types/node`) could not compile the file. These say the same structurally, and take each
 * global class from whatever declares it in the user's program (lib.dom, @types/node, a Workers
 * types package), or `never` where nothing does; the file names no DOM type itself.
 */
const INIT_INPUTS = `/** The instance type of the global class \`Name\` in this program's libs, or \`Else\` where none declares it. */
type Global<Name extends string, Else = never> = typeof globalThis extends Record<Name, { prototype: infer T }> ? T : Else;
/** The same for the classes of the global \`WebAssembly\` namespace. */
type GlobalWasm<Name extends string, Else = never> = typeof globalThis extends { WebAssembly: Record<Name, { prototype: infer T }> } ? T : Else;

/** What \`initSync()\` instantiates: the .wasm's bytes, or a compiled \`WebAssembly.Module\` (of any realm). */
export type SyncInitInput = ArrayBuffer | ArrayBufferView | (GlobalWasm<"Module"> & object);

/** What \`init()\` instantiates: a URL to fetch (a string, \`URL\` or \`Request\`), a \`Response\`, or a \`SyncInitInput\`. */
export type InitInput = string | Global<"URL"> | Global<"Request"> | Global<"Response"> | SyncInitInput;`;

/** wasm-bindgen's declarations that INIT_INPUTS replaces, exactly as 0.2.130 writes them. */
const WASM_BINDGEN_INPUTS = [
  'export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;',
  'export type SyncInitInput = BufferSource | WebAssembly.Module;',
];

/** Makes a declaration without `export` private to the .d.ts. */
const PRIVATE_BY_DEFAULT = '\nexport {};\n';

/** Names only the DOM lib declares: none may be left in the .d.ts (outside comments). */
const DOM_ONLY = /\b(?:RequestInfo|BufferSource|WebAssembly\.\w+)\b/;

/**
 * The .d.ts declares wasm-bindgen's `[Symbol.dispose]()` on the classes, which TypeScript knows
 * only from its `esnext.disposable` lib: this reference makes the file check on its own under
 * any `lib` (e.g. `["es2022", "dom"]`) without `skipLibCheck`.
 */
const LIB_REFERENCE = '/// <reference lib="esnext.disposable" />';

function fixTypes(dts) {
  const start = dts.indexOf('export interface InitOutput {');
  if (start < 0) fail(`${TYPES} has no InitOutput interface: has wasm-bindgen's output changed?`);
  const end = dts.indexOf('\n}', start);
  if (end < 0) fail(`${TYPES}: unterminated InitOutput interface`);
  const memory = /^\s*readonly memory: (?:WebAssembly\.Memory|GlobalWasm<"Memory", object>);$/m;
  if (!memory.test(dts.slice(start, end))) fail(`${TYPES}: InitOutput has no \`memory\`: has wasm-bindgen's output changed?`);
  let out = dts.slice(0, start) + INIT_OUTPUT + dts.slice(end + 2);
  if (!out.includes(INIT_INPUTS)) {
    const [init, sync] = WASM_BINDGEN_INPUTS;
    if (!out.includes(init) || !out.includes(sync)) fail(`${TYPES}: wasm-bindgen's InitInput / SyncInitInput changed: update INIT_INPUTS`);
    out = out.replace(`${init}\n`, '').replace(sync, INIT_INPUTS);
  }
  // The default export is declared under wasm-bindgen's internal name; users call it `init`.
  out = out.replace('export default function __wbg_init (', 'export default function init(');
  if (!out.startsWith(`${LIB_REFERENCE}\n`)) out = `${LIB_REFERENCE}\n${out}`;
  // Without it, every declaration of a .d.ts module is exported, INIT_INPUTS' helpers too.
  if (!out.endsWith(PRIVATE_BY_DEFAULT)) out += PRIVATE_BY_DEFAULT;
  const left = out.split('\n').find((line) => !/^\s*(\*|\/\*\*|\/\/)/.test(line) && DOM_ONLY.test(line));
  if (left) fail(`${TYPES} still names a DOM-only type: ${left.trim()}`);
  return out;
}

/** What wasm-bindgen's `initSync` tests a precompiled module with, and what it must test. */
const FOREIGN_MODULE_TEST = /\b([A-Za-z_$][\w$]*) instanceof WebAssembly\.Module\b/g;
const moduleTagTest = (name) => `Object.prototype.toString.call(${name})==="[object WebAssembly.Module]"`;

/**
 * wasm-bindgen's `initSync` passes anything that is not `instanceof WebAssembly.Module` to
 * `new WebAssembly.Module()`, which throws for a module compiled in another realm (a Next.js
 * edge route's `.wasm?module` import, a `vm` context, an iframe). Its tag says what it is in
 * every realm. Exactly one such test is expected (raw or minified glue); none left, or the
 * build fails.
 */
export function acceptForeignModules(glue) {
  const found = [...glue.matchAll(FOREIGN_MODULE_TEST)];
  if (found.length === 0) {
    if (/Object\.prototype\.toString\.call\([\w$]+\)==="\[object WebAssembly\.Module\]"/.test(glue)) return glue;
    fail(`${GLUE} has no \`instanceof WebAssembly.Module\` test in initSync: has wasm-bindgen's output changed?`);
  }
  if (found.length > 1) fail(`${GLUE} has ${found.length} \`instanceof WebAssembly.Module\` tests, expected the one of initSync`);
  return glue.replace(FOREIGN_MODULE_TEST, (_, name) => moduleTagTest(name));
}

function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileSync(path, text);
  return true;
}

export function buildPackage(pkgDir) {
  if (!existsSync(pkgDir)) fail(`missing ${pkgDir}: run scripts/build-pkg.sh (wasm-pack) first`);
  for (const f of [GLUE, WASM, TYPES]) requireFile(join(pkgDir, f), 'wasm-pack --target web output');
  for (const f of DOCS) requireFile(join(ROOT, f), 'expected at the repository root');

  const glue = readFileSync(join(pkgDir, GLUE), 'utf8');
  // wasm-bindgen's output, or the same after scripts/minify.mjs (`export{P as initSync,C as default}`).
  const exportsInit = /export\s*\{[^}]*\binitSync\b[^}]*\}/.test(glue) && /export\s*\{[^}]*\bas default\b[^}]*\}/.test(glue);
  const urlOfWasm = new RegExp(`new URL\\(\\s*["']${WASM.replace('.', '\\.')}["']\\s*,\\s*import\\.meta\\.url\\s*\\)`);
  if (!exportsInit || !urlOfWasm.test(glue)) {
    fail(`${GLUE} is not wasm-bindgen's web-target glue for ${WASM} (build with --target web)`);
  }

  const cargo = readCargoPackage(join(ROOT, 'Cargo.toml'));
  if (cargo.name !== 'estuary-user') fail(`Cargo.toml [package] name is ${cargo.name}, expected estuary-user`);
  if (!SEMVER.test(cargo.version)) fail(`Cargo.toml version ${cargo.version} is not semver`);

  const files = [GLUE, WASM, TYPES, NODE_ENTRY, NODE_TYPES, INLINE_ENTRY, INLINE_TYPES, WASM_TYPES, ...DOCS];
  // wasm-bindgen puts `inline_js` / `module` snippets there; the glue imports them.
  if (existsSync(join(pkgDir, 'snippets'))) files.splice(files.indexOf(WASM_TYPES) + 1, 0, 'snippets/');

  const repository = cargo.repository.startsWith('https://github.com/')
    ? { type: 'git', url: `git+${cargo.repository.replace(/\/$/, '')}.git` }
    : { type: 'git', url: cargo.repository };

  const manifest = {
    name: cargo.name,
    version: cargo.version,
    description: cargo.description,
    keywords: cargo.keywords,
    ...(cargo.homepage ? { homepage: cargo.homepage } : {}),
    // Issues live beside the repository on GitHub.
    ...(cargo.repository.startsWith('https://github.com/') ? { bugs: { url: `${cargo.repository.replace(/\/$/, '')}/issues` } } : {}),
    repository,
    license: cargo.license,
    type: 'module',
    sideEffects: false,
    engines: { node: '>=18' },
    files,
    exports: {
      // `node` first, with its own types: TypeScript's node16/nodenext resolution takes it
      // too, where `initSync()` needs no argument; bundler resolution takes the next two.
      '.': {
        node: { types: `./${NODE_TYPES}`, default: `./${NODE_ENTRY}` },
        types: `./${TYPES}`,
        default: `./${GLUE}`,
      },
      './inline': { types: `./${INLINE_TYPES}`, default: `./${INLINE_ENTRY}` },
      [`./${WASM}`]: { types: `./${WASM_TYPES}`, default: `./${WASM}` },
      './package.json': './package.json',
    },
    main: `./${NODE_ENTRY}`,
    module: `./${GLUE}`,
    types: `./${TYPES}`,
  };

  const changed = [];
  const write = (name, text) => writeIfChanged(join(pkgDir, name), text) && changed.push(name);
  write('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
  write(GLUE, acceptForeignModules(glue));
  write(NODE_ENTRY, NODE_JS);
  // The .wasm as it is now: scripts/build-pkg.sh runs this after scripts/minify.mjs.
  write(INLINE_ENTRY, inlineJs(readFileSync(join(pkgDir, WASM)).toString('base64')));
  write(NODE_TYPES, entryDts('The Node entry (node.js)', 'the .wasm file next to it'));
  write(INLINE_TYPES, entryDts('estuary-user/inline', 'the .wasm this entry carries'));
  write(WASM_TYPES, WASM_DTS);
  write(TYPES, fixTypes(readFileSync(join(pkgDir, TYPES), 'utf8')));
  for (const f of DOCS) {
    const src = readFileSync(join(ROOT, f));
    const dst = join(pkgDir, f);
    if (!existsSync(dst) || !readFileSync(dst).equals(src)) {
      copyFileSync(join(ROOT, f), dst);
      changed.push(f);
    }
  }
  return { manifest, changed };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    const { pkgDir } = parseArgs(process.argv.slice(2));
    const { manifest, changed } = buildPackage(pkgDir);
    console.log(
      `package.mjs: ${manifest.name}@${manifest.version} in ${pkgDir}: ` +
        (changed.length ? `wrote ${changed.join(', ')}` : 'already up to date'),
    );
  } catch (e) {
    console.error(`package.mjs: ${e instanceof PackagingError ? e.message : e.stack}`);
    process.exit(1);
  }
}
