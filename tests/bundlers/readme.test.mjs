// The README's bundler and framework lines are the tested setups: the commands it gives for
// Rollup's and esbuild's step are the npm scripts the matrix runs, and each version it names is
// the major version an app here pins. Fails when one changes without the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../package/helpers.mjs';

/** The README's "Install and `init`" section, its line breaks and indents folded to spaces. */
const section = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Install and `init`');
  return readme.slice(start, readme.indexOf('\n## ', start + 1)).replace(/\s+/g, ' ');
})();

const manifest = (dir) => JSON.parse(readFileSync(join(ROOT, 'tests', dir, 'package.json'), 'utf8'));
/** The version as the README names it: the major, or for 0.x (where minors break) `0.minor`. */
const major = (version) => version.split('.').slice(0, version.startsWith('0.') ? 2 : 1).join('.');

test("the README gives Rollup's and esbuild's step as the matrix runs it", () => {
  for (const [tool, script] of [
    ['rollup', 'build:wasm-asset'],
    ['esbuild', 'build:wasm-file'],
  ]) {
    const command = manifest(`bundlers/${tool}`).scripts[script];
    assert.ok(section.includes(`\`${command}\``), `README lacks \`${command}\``);
  }
});

test('each bundler and framework version the README names is the one its app pins', () => {
  const pinned = (dir, name) => {
    const { dependencies = {}, devDependencies = {} } = manifest(dir);
    return major(dependencies[name] ?? devDependencies[name]);
  };
  for (const [label, dir, name] of [
    ['Vite', 'bundlers/vite', 'vite'],
    ['webpack', 'bundlers/webpack', 'webpack'],
    ['Parcel', 'bundlers/parcel', 'parcel'],
    ['Rollup', 'bundlers/rollup', 'rollup'],
    ['esbuild', 'bundlers/esbuild', 'esbuild'],
    ['Next.js', 'frameworks/next', 'next'],
    ['SvelteKit', 'frameworks/sveltekit', '@sveltejs/kit'],
    ['Angular', 'frameworks/angular', '@angular/core'],
  ]) {
    const version = pinned(dir, name);
    assert.ok(section.includes(`${label} ${version}`), `the README should name "${label} ${version}"`);
  }
});
