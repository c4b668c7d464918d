// third_party/gloo-net is gloo-net 0.7.0 from crates.io plus the diff in its PATCH.md, and
// nothing else: cargo fetches the real 0.7.0 (checksum checked against the registry index) into
// a scratch project outside the workspace, the diff is applied to a copy, and the two trees must
// be byte-identical (the vendored copy adds only its licences and PATCH.md).
//
//   node --test tests/vendored/      (needs cargo and the crates.io registry, or its cache)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ROOT, filesUnder } from '../package/helpers.mjs';

const VENDORED = join(ROOT, 'third_party', 'gloo-net');
/** What the vendored copy adds to the crate archive. */
const ADDED = ['LICENSE-APACHE', 'LICENSE-MIT', 'PATCH.md'];

/** The source folder of gloo-net 0.7.0 as cargo unpacked it from crates.io. */
function pristineGlooNet(scratch) {
  writeFileSync(
    join(scratch, 'Cargo.toml'),
    '[package]\nname = "gloo-net-pristine"\nversion = "0.0.0"\nedition = "2021"\n\n[lib]\npath = "lib.rs"\n\n' +
      '[dependencies]\ngloo-net = { version = "=0.7.0", default-features = false, features = ["http"] }\n',
  );
  writeFileSync(join(scratch, 'lib.rs'), '');
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--manifest-path', join(scratch, 'Cargo.toml')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  );
  const glooNet = metadata.packages.find((p) => p.name === 'gloo-net' && p.version === '0.7.0');
  assert.ok(glooNet, 'cargo metadata lists gloo-net 0.7.0');
  assert.match(glooNet.source ?? '', /^registry\+/, 'gloo-net 0.7.0 comes from the registry');
  return dirname(glooNet.manifest_path);
}

test('third_party/gloo-net is gloo-net 0.7.0 plus the diff in PATCH.md, and nothing else', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'estuary-user-gloo-'));
  try {
    const patched = join(scratch, 'patched');
    cpSync(pristineGlooNet(scratch), patched, { recursive: true });
    rmSync(join(patched, '.cargo-ok'), { force: true }); // cargo's unpacking marker, not the crate's

    const patchMd = readFileSync(join(VENDORED, 'PATCH.md'), 'utf8');
    const diffs = [...patchMd.matchAll(/^```diff\n([\s\S]*?)^```$/gm)];
    assert.equal(diffs.length, 1, 'PATCH.md holds exactly one ```diff block');
    writeFileSync(join(scratch, 'patch.diff'), diffs[0][1]);
    // git is there wherever the repository is (Debian's `patch` may not be); `git apply`
    // works outside a repository too.
    execFileSync('git', ['apply', '-p1', join(scratch, 'patch.diff')], { cwd: patched, stdio: 'pipe' });

    const expected = filesUnder(patched);
    const actual = filesUnder(VENDORED).filter((f) => !ADDED.includes(f));
    assert.deepEqual(actual, expected, 'the same files as the crate archive, plus licences and PATCH.md');
    for (const file of expected) {
      assert.ok(
        readFileSync(join(VENDORED, file)).equals(readFileSync(join(patched, file))),
        `${file} differs from gloo-net 0.7.0 + PATCH.md: update the diff in PATCH.md, or undo the change`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
