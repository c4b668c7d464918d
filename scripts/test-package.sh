#!/usr/bin/env bash
# Tests the npm package in pkg/ the way its users get it (tests/package/): the package.json
# fields, the public .d.ts (no `any`, exact Promise types), how each entry loads the .wasm
# (entries.test.mjs), `npm pack` + install into a Node project calling the local test node, a
# TypeScript app under the three settings the README names (typescript.test.mjs), publint and
# @arethetypeswrong/cli on the tarball (linters.test.mjs), and a Vite app built from the packed
# tarball running in headless Chromium. The web target from a plain page is covered by tests/e2e/.
# Needs pkg/ built by scripts/build-pkg.sh and `source scripts/setup.sh` (npm, vite,
# playwright-core, Debian's chromium). Every test starts its own server on a free port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for f in package.json node.js estuary_user.js estuary_user_bg.wasm estuary_user.d.ts; do
  [ -f "pkg/$f" ] || { echo "pkg/$f is missing: run \`bash scripts/build-pkg.sh\` first" >&2; exit 1; }
done
[ -f node_modules/vite/bin/vite.js ] || { echo "vite is missing: run \`source scripts/setup.sh\` (npm ci) first" >&2; exit 1; }
node --test tests/package/
