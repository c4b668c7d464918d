#!/usr/bin/env bash
# Prints the toolchain that builds the npm package's .wasm: the `channel` pinned in
# wasm/rust-toolchain.toml (docs/toolchain.md trap 19). Read from the file rather than from
# `rustup show active-toolchain`, which an inherited RUSTUP_TOOLCHAIN would override.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
channel=$(sed -nE 's/^channel = "(.*)"$/\1/p' wasm/rust-toolchain.toml)
[ -n "$channel" ] || { echo "wasm/rust-toolchain.toml has no channel" >&2; exit 1; }
echo "$channel"
