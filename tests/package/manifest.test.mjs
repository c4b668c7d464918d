// pkg/package.json as npm users and tools expect it, and scripts/package.mjs itself: idempotent
// and loud when an input is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { EXPECTED_TARBALL_FILES, PKG, ROOT, requireBuiltPackage, run, tempDir } from './helpers.mjs';

const manifest = requireBuiltPackage();

/** `[package] version` of the root Cargo.toml (the first `version =` in that table). */
function cargoVersion() {
  const toml = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8');
  const table = /^\[package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml);
  assert.ok(table, 'Cargo.toml has a [package] table');
  const m = /^version\s*=\s*"([^"]+)"/m.exec(table[1]);
  assert.ok(m, 'Cargo.toml [package] has a version');
  return m[1];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

test('name, version (Cargo.toml, semver) and metadata', () => {
  assert.equal(manifest.name, 'estuary-user');
  assert.equal(manifest.version, cargoVersion());
  assert.match(manifest.version, SEMVER);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.equal(typeof manifest.description, 'string');
  assert.ok(manifest.description.length > 20);
  assert.equal(manifest.repository?.type, 'git');
  assert.match(manifest.repository?.url, /^git\+https:\/\/.+\.git$/);
  assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.includes('estuary'));
  // What the registry shows beside the package: where it lives and where to report a bug.
  assert.equal(manifest.homepage, 'https://github.com/estuary-user/estuary-user');
  assert.deepEqual(manifest.bugs, { url: 'https://github.com/estuary-user/estuary-user/issues' });
  assert.deepEqual(manifest.repository, { type: 'git', url: 'git+https://github.com/estuary-user/estuary-user.git' });
  assert.equal(manifest.private, undefined, 'the package is publishable');
  assert.equal(manifest.dependencies, undefined, 'the package has no runtime dependencies');
});

test('ESM, side-effect free, Node 18+', () => {
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.sideEffects, false);
  assert.deepEqual(manifest.engines, { node: '>=18' });
});

test('exports: node (with its types) first, then types, then default; the inline entry, the typed .wasm and package.json', () => {
  const root = manifest.exports?.['.'];
  assert.ok(root && typeof root === 'object', 'exports["."] is a conditions object');
  assert.deepEqual(Object.keys(root), ['node', 'types', 'default'], 'condition order matters: node (TypeScript takes it under nodenext) first, default last');
  assert.deepEqual(root, { node: { types: './node.d.ts', default: './node.js' }, types: './estuary_user.d.ts', default: './estuary_user.js' });
  assert.deepEqual(manifest.exports['./inline'], { types: './inline.d.ts', default: './inline.js' });
  assert.deepEqual(manifest.exports['./estuary_user_bg.wasm'], { types: './estuary_user_bg.wasm.d.ts', default: './estuary_user_bg.wasm' });
  assert.equal(manifest.exports['./package.json'], './package.json');
  assert.deepEqual(Object.keys(manifest.exports), ['.', './inline', './estuary_user_bg.wasm', './package.json']);
  assert.equal(manifest.main, './node.js');
  assert.equal(manifest.module, './estuary_user.js');
  assert.equal(manifest.types, './estuary_user.d.ts');
});

test('"files" lists exactly what is needed, and every file is in pkg/', () => {
  assert.deepEqual(
    [...manifest.files].filter((f) => f !== 'snippets/').sort(),
    EXPECTED_TARBALL_FILES.filter((f) => f !== 'package.json'),
  );
  for (const f of manifest.files) assert.ok(existsSync(join(PKG, f)), `pkg/${f} exists`);
  const targets = ['.', './inline', './estuary_user_bg.wasm'].flatMap((subpath) => Object.values(manifest.exports[subpath])).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
  for (const target of [manifest.main, manifest.module, manifest.types, ...targets]) {
    const file = target.replace(/^\.\//, '');
    assert.ok(manifest.files.includes(file), `${target} is in "files"`);
  }
});

test('README, CHANGELOG and licences are the repository root\'s; the CHANGELOG has this version', () => {
  for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.ok(readFileSync(join(PKG, f)).equals(readFileSync(join(ROOT, f))), `pkg/${f} equals ${f}`);
  }
  const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, /^## \[Unreleased\]$/m);
  const escaped = manifest.version.replace(/\./g, '\\.');
  assert.match(changelog, new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'), `CHANGELOG.md has a ## [${manifest.version}] section`);
  assert.match(changelog, new RegExp(`^\\[${escaped}\\]: `, 'm'), 'and a link for it');
});

/** path → contents of every file under `dir`. */
function snapshot(dir) {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? e.path, e.name))
      .sort()
      .map((f) => [f.slice(dir.length), readFileSync(f).toString('base64')]),
  );
}

test('scripts/package.mjs is idempotent and fails loudly on a missing input', async () => {
  const tmp = tempDir('packaging');
  try {
    const copy = join(tmp.dir, 'pkg');
    cpSync(PKG, copy, { recursive: true });
    await run(process.execPath, ['scripts/package.mjs', '--pkg', copy]);
    const once = snapshot(copy);
    const { stdout } = await run(process.execPath, ['scripts/package.mjs', '--pkg', copy]);
    assert.match(stdout, /already up to date/);
    assert.deepEqual(snapshot(copy), once, 'a second run changes nothing');
    assert.deepEqual(snapshot(copy), snapshot(PKG), 'pkg/ is what package.mjs makes of it');

    rmSync(join(copy, 'estuary_user_bg.wasm'));
    await assert.rejects(run(process.execPath, ['scripts/package.mjs', '--pkg', copy]), /exit code 1[\s\S]*missing .*estuary_user_bg\.wasm/);
    await assert.rejects(run(process.execPath, ['scripts/package.mjs', '--pkg', join(tmp.dir, 'nothing')]), /exit code 1[\s\S]*missing/);
  } finally {
    tmp.remove();
  }
});

test("package.mjs patches the glue's one `instanceof WebAssembly.Module`, or fails the build", async () => {
  const { acceptForeignModules } = await import('../../scripts/package.mjs');
  const tag = 'Object.prototype.toString.call(m)==="[object WebAssembly.Module]"';
  assert.equal(acceptForeignModules('if(!(m instanceof WebAssembly.Module))m=new WebAssembly.Module(m)'), `if(!(${tag}))m=new WebAssembly.Module(m)`);
  assert.equal(acceptForeignModules(`if(!(${tag}))x()`), `if(!(${tag}))x()`, 'idempotent');
  assert.throws(() => acceptForeignModules('new WebAssembly.Module(m)'), /no `instanceof WebAssembly\.Module` test/);
  assert.throws(() => acceptForeignModules('a instanceof WebAssembly.Module;b instanceof WebAssembly.Module'), /2 `instanceof WebAssembly\.Module` tests/);
  assert.match(readFileSync(join(PKG, 'estuary_user.js'), 'utf8'), /Object\.prototype\.toString\.call\(\w+\)==="\[object WebAssembly\.Module\]"/, 'the shipped glue has the tag test');
});
