#!/usr/bin/env bash
# The benchmark: builds the release package (web target), then measures its size (budget:
# .wasm + JS glue ≤ 34,000 B gzip -9, over budget = exit 1; the distance to the 32,000 B goal is
# reported) and runs the wasm client against a plain fetch client in headless Chromium against
# the local node: per-call overhead, large answers, init, memory, concurrency. Prints a table;
# writes bench/results/latest.json.
#
#   bash scripts/bench.sh            # full run (a few minutes)
#   bash scripts/bench.sh --quick    # smoke: few iterations, every section, same size budget
#
# Other options are passed to bench/run.mjs (--only, --iterations, --out, --seed; see --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh test
bash scripts/build-pkg.sh
exec node bench/run.mjs "$@"
