#!/usr/bin/env bash
# Builds the npm package into pkg/: the release wasm (web target) and its JS glue, then the
# package.json, Node entry and docs that make one package serve browsers, bundlers and Node.
# Source scripts/setup.sh first (the demo, test and bench scripts do).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# wasm-pack runs the first wasm-opt on PATH, and without one it silently ships an unoptimised
# .wasm: it must be npm's binaryen (Debian's corrupts wasm-bindgen output, docs/toolchain.md).
export PATH="$PWD/node_modules/.bin:$PATH"
[ -x node_modules/.bin/wasm-opt ] || { echo "npm's wasm-opt is missing: run \`npm ci\` (scripts/setup.sh does)" >&2; exit 1; }
# Panic locations would otherwise carry this machine's paths ("/root/.cargo/registry/src/
# index.crates.io-…/js-sys-…/src/…") into the shipped .wasm: map them to neutral prefixes.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
remap=""
for dir in "$registry"/*/; do
  [ -d "$dir" ] && remap+=" --remap-path-prefix=${dir%/}=crates.io"
done
# The cdylib is built by the nightly that wasm/rust-toolchain.toml pins, with std rebuilt to
# panic by an immediate trap: std's panic handler, its formatting and its messages leave the
# .wasm (−2.7 KB gzip). A panic already ended in a trap that printed
# nothing, so nothing users see changes (docs/toolchain.md trap 19). RUSTFLAGS reach only the
# wasm32 target's crates: cargo is given `--target`, so build scripts stay as they are.
# wasm-pack runs some cargo commands from the repository root, so the toolchain is named for
# all of them (and an inherited RUSTUP_TOOLCHAIN cannot swap it).
RUSTUP_TOOLCHAIN="$(bash scripts/pkg-toolchain.sh)"
export RUSTUP_TOOLCHAIN
sysroot=$(rustc --print sysroot 2>/dev/null) && [ -d "$sysroot/lib/rustlib/src/rust/library" ] || {
  echo "the package's toolchain $RUSTUP_TOOLCHAIN (with rust-src) is missing: run \`source scripts/setup.sh demo\`" >&2
  exit 1
}
# std is compiled from the toolchain's sources under this machine's rustup home: its paths
# are mapped to a neutral prefix too.
remap+=" --remap-path-prefix=$sysroot/lib/rustlib/src/rust=rust"
# CARGO_ENCODED_RUSTFLAGS would replace RUSTFLAGS entirely, and with them immediate-abort.
unset CARGO_ENCODED_RUSTFLAGS
export RUSTFLAGS="${RUSTFLAGS:-}$remap --remap-path-prefix=$PWD=estuary-user -Zunstable-options -Cpanic=immediate-abort"
# Its own target directory: the wasm suite and the Rust checks build this workspace with stable,
# and two compilers sharing one directory would leave either one's .wasm in the same place.
export CARGO_TARGET_DIR="$PWD/target/npm"
# wasm/ is the cdylib-only crate, so the release profile's LTO applies (docs/toolchain.md, trap 4).
wasm-pack --log-level warn build wasm --target web --release --mode no-install \
  --out-dir ../pkg --out-name estuary_user -- -Zbuild-std=std,panic_abort
# Short import/export names (binaryen), no producers/target_features sections (wasm-opt) and a
# glue minified and renamed to match by esbuild: −4.8 KB gzip (docs/benchmarks.md, "Size").
node scripts/minify.mjs
# package.json, the Node and inline entries (the latter carries the minified .wasm) and the types.
node scripts/package.mjs
