#!/usr/bin/env bash
# Sets up a fresh machine, builds pkg/ (web target), starts the local Estuary-compatible
# node on :3004 with a seeded demo user, serves the demo page on :8080 and prints its URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

NODE_PORT="${ESTUARY_PORT:-3004}"
PAGE_PORT="${DEMO_PORT:-8080}"

bash scripts/build-pkg.sh

mkdir -p target
node estuary-user-node/src/server.mjs --port "$NODE_PORT" > target/demo-server.log 2>&1 &
server=$!
trap 'kill $server $page 2>/dev/null || true' EXIT INT TERM
page=""
for _ in $(seq 50); do
  grep -q "demo token:" target/demo-server.log 2>/dev/null && break
  sleep 0.1
done
token=$(sed -n 's/^demo token: //p' target/demo-server.log)
[ -n "$token" ] || { cat target/demo-server.log; exit 1; }

node www/serve.mjs --port "$PAGE_PORT" &
page=$!
echo
echo "Estuary-compatible node: http://127.0.0.1:$NODE_PORT   (demo token: $token)"
# The token goes in the fragment: browsers never send it to a server or in a Referer.
echo "Open the demo:           http://127.0.0.1:$PAGE_PORT/www/?baseUrl=http://127.0.0.1:$NODE_PORT#token=$token"
echo "Press Ctrl+C to stop."
wait $server
