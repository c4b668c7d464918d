#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: lint, native unit tests, the local server's
# own tests, the packed package in every runtime, under Jest, Vitest and node:test and in
# production builds of bundler and framework apps, the behaviour suite on the packed package
# in Node, headless Chromium and headless Firefox, and the wasm suite in the same three against
# that server. pkg/ is built once, here, and every test that loads it uses that build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh test

# Each section's title with the seconds since the start, so that a log shows what each costs.
section() { printf '== %s (at %d s)\n' "$*" "$SECONDS"; }

PORT="${ESTUARY_TEST_PORT:-3999}"
export ESTUARY_TEST_URL="http://127.0.0.1:$PORT"

section "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings
cargo clippy --workspace --all-targets --all-features -- -D warnings

section "native unit and property tests"
cargo test

section "the vendored gloo-net is crates.io's 0.7.0 plus third_party/gloo-net/PATCH.md (tests/vendored/)"
node --test tests/vendored/

section "rustdoc without warnings; the doc examples and examples/ compile for wasm32"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown --features js
# What docs.rs builds ([package.metadata.docs.rs]: wasm32, default features).
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown
cargo test --doc --target wasm32-unknown-unknown
cargo build --examples --target wasm32-unknown-unknown

section "the crate as published: only what a Rust user needs, and it builds (cargo publish --dry-run)"
mkdir -p target
cargo package --list -p estuary-user --allow-dirty > target/crate-files.txt
if grep -E '^(tests|www|bench|scripts|\.ci|test-tools|estuary-user-node|pkg|wasm|node_modules)/|^package(-lock)?\.json$' target/crate-files.txt; then
  echo "the crate would ship the files above" >&2
  exit 1
fi
cargo publish --dry-run -p estuary-user --allow-dirty

section "a Rust app on the oldest (wasm-bindgen 0.2.114) and on the newest wasm-bindgen the crate accepts, checked for wasm32 (tests/rust-apps/)"
bash tests/rust-apps/check.sh

section "package build (web target) and its TypeScript types (tsc --strict)"
bash scripts/build-pkg.sh
tsc -p tests/types                       # lib ESNext + DOM, no skipLibCheck
tsc -p tests/types/tsconfig.es2022.json  # lib ES2022 + DOM, no skipLibCheck
node --test tests/types/                 # the README's quick start is what tsc checked; its size
printf 'pkg sizes (raw / gzip -9): wasm %s / %s bytes, glue %s / %s bytes, inline.js (estuary-user/inline) %s / %s bytes\n' \
  "$(wc -c < pkg/estuary_user_bg.wasm)" "$(gzip -9c pkg/estuary_user_bg.wasm | wc -c)" \
  "$(wc -c < pkg/estuary_user.js)" "$(gzip -9c pkg/estuary_user.js | wc -c)" \
  "$(wc -c < pkg/inline.js)" "$(gzip -9c pkg/inline.js | wc -c)"

section "the npm package as Node, Vite and TypeScript users install it: entries, TypeScript matrix, publint, attw (tests/package/)"
bash scripts/test-package.sh

section "bundlers and frameworks: production builds of apps using the npm pack tarball, run in Chromium/HTTP against estuary-user-node (tests/bundlers/, tests/frameworks/)"
# Vite, webpack 5, Rollup 4, esbuild and Parcel 2 (default and inline entry); Next.js
# (Turbopack and webpack), SvelteKit and Angular. Each app's own lockfile, npm ci'd into a
# temporary copy (npm's cache makes a second run fast).
node --test tests/bundlers/ tests/frameworks/

section "the packed package in Node 18/20/22 (and require() in 20/22), Deno, Bun, workerd and a Chromium module Worker; the inline entry in Node 18, Deno and Bun (tests/runtimes/)"
node --test tests/runtimes/

section "the behaviour suite on the files npm pack ships, in Node, headless Chromium and headless Firefox (tests/behaviour/)"
node --test tests/behaviour/

section "an app's tests of the packed package under Jest 30 (ESM), Vitest (forks, threads, vmThreads, vmForks) and node:test (tests/runners/)"
node --test tests/runners/

section "benchmark smoke run (bench/run.mjs --quick: every section, few iterations; the size budget is enforced)"
node bench/run.mjs --quick

section "the JS error contract on the built package"
node --test tests/js/

section "the local Estuary node, estuary-user-node/: its behaviour, and its npm pack tarball installed (CLI, startNode in Node 18/20/22, Deno, Bun, types)"
node --test estuary-user-node/test/

section "scripts/setup.sh, sourced, changes only PATH in the caller's shell (tests/scripts/)"
node --test tests/scripts/

section "wasm suite in headless Chromium, headless Firefox and Node (server on $ESTUARY_TEST_URL)"
# The estuary-user-node command (node_modules/.bin, linked by npm ci) with the suite's fixed
# test users; it prints one JSON line on stdout when it is ready. The browsers' test page
# drives the node's control API from its own origin, which the node must be told (it refuses
# every other page): the runner serves that page on a free port named here.
PAGE_PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
export WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$PAGE_PORT"
estuary-user-node --fixtures --quiet --port "$PORT" --control-origin "http://127.0.0.1:$PAGE_PORT" > target/test-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q '"baseUrl"' target/test-server.log 2>/dev/null && break
  sleep 0.1
done
grep -q '"baseUrl"' target/test-server.log || { cat target/test-server.log; exit 1; }

# The suite drives the JS facade, which is behind the `js` feature.
wasm-pack --log-level warn test --headless --chrome --mode no-install --test browser --features js
wasm-pack --log-level warn test --headless --firefox --mode no-install --test browser --features js
wasm-pack --log-level warn test --node --mode no-install --test node --features js

section "demo page end to end in headless Chromium (screenshot: tests/artifacts/demo.png)"
node --test tests/e2e/

section "all tests passed"
