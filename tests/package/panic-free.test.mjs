// The shipped .wasm is built with std rebuilt to panic by an immediate trap (scripts/build-pkg.sh,
// docs/toolchain.md trap 19): none of std's panic messages or source paths is in it. A build by
// stable Rust, or one that lost `-Cpanic=immediate-abort`, still carries them (and 2.7 KB gzip
// more) while passing every other test, so this is what notices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PKG, requireBuiltPackage } from './helpers.mjs';

requireBuiltPackage();

/** Messages of std's and core's panics, each present in a `panic = "abort"` build of this package. */
const STD_PANIC_TEXT = [
  'RefCell already borrowed',
  'RefCell already mutably borrowed',
  '`async fn` resumed after completion',
  'capacity overflow',
  '/rustc/',
];

test('the .wasm carries none of std\'s panic messages (built with -Cpanic=immediate-abort)', () => {
  const text = readFileSync(join(PKG, 'estuary_user_bg.wasm')).toString('latin1');
  for (const message of STD_PANIC_TEXT) {
    assert.ok(!text.includes(message), `found "${message}": was the .wasm built by stable Rust?`);
  }
});
