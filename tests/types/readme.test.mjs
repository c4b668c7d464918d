// The README's TypeScript quick start is the file tsc checks (readme-example.ts): a change to
// one without the other fails here.
//
//   node --test tests/types/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

test("the README's quick start is readme-example.ts, which tsc checks", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'the README has a "Quick start" TypeScript block');
  const example = readFileSync(join(HERE, 'readme-example.ts'), 'utf8').replace(/^(\/\/.*\n)+/, '');
  assert.equal(block[1], example);
});

// The README is the npm page and holds each tested setup (bundlers, frameworks, test runners,
// runtimes, Rust) exactly as tested; contributor material belongs in CONTRIBUTING.md.
test('the README stays a user\'s README: at most 26,000 bytes, the two commands first', () => {
  const readme = readFileSync(join(ROOT, 'README.md'));
  assert.ok(readme.length <= 26_000, `${readme.length} bytes`);
  const text = readme.toString('utf8');
  assert.ok(text.indexOf('bash scripts/demo.sh') < text.indexOf('## Install'));
  assert.ok(text.includes('bash scripts/test.sh'));
});
