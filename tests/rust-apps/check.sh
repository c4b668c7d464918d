#!/usr/bin/env bash
# A Rust wasm app that depends on estuary-user by path, resolved afresh and checked for wasm32
# twice: `lowest/` pins every wasm dependency of the library at the library's lower bound
# (wasm-bindgen 0.2.114, the oldest gloo-net 0.7 allows), `newest/` takes the newest the
# registry has. Both check the same app (app.rs) with all of the library's features.
# Run from the repository root (scripts/test.sh does); the build goes to target/rust-apps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The library's lower bound (`name = "X"` or `name = { version = "X"`) must be what lowest/ pins.
# The first requirement of that name: the library's own (its dev-dependencies may pin again).
version_of() { sed -nE "s/^$1 = (\\{ version = )?\"=?([0-9.]+)\".*/\\2/p" "$2" | head -n 1; }
for crate in wasm-bindgen wasm-bindgen-futures js-sys web-sys gloo-net serde-wasm-bindgen sha2; do
  lib=$(version_of "$crate" Cargo.toml)
  app=$(version_of "$crate" tests/rust-apps/lowest/Cargo.toml)
  [ -n "$lib" ] && [ "$lib" = "$app" ] || {
    echo "Cargo.toml asks for $crate \"$lib\" but tests/rust-apps/lowest pins \"=$app\": keep them equal" >&2
    exit 1
  }
done

for app in lowest newest; do
  manifest="tests/rust-apps/$app/Cargo.toml"
  # A fresh resolution every run (the lockfile is not committed): newest/ gets today's newest.
  cargo generate-lockfile --quiet --manifest-path "$manifest"
  cargo check --quiet --manifest-path "$manifest" --target wasm32-unknown-unknown --target-dir target/rust-apps \
    --features estuary-user/js,estuary-user/console-panic-hook
  resolved=$(grep -A1 '^name = "wasm-bindgen"$' "tests/rust-apps/$app/Cargo.lock" | sed -nE 's/^version = "(.*)"/\1/p')
  echo "a Rust app on wasm-bindgen $resolved ($app) checks for wasm32"
done
