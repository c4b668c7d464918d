#!/usr/bin/env bash
# Builds the npm package into pkg/: the release wasm (web target) and its JS glue, then the
# package.json, Node entry and docs that make one package serve browsers, bundlers and Node.
# Source scripts/setup.sh first (the demo, test and bench scripts do).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# wasm/ is the cdylib-only crate, so the release profile's LTO applies (TOOLCHAIN.md trap 4).
wasm-pack --log-level warn build wasm --target web --release --mode no-install \
  --out-dir ../pkg --out-name estuary_user
if [ -f scripts/package.mjs ]; then node scripts/package.mjs; fi
