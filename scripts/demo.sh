#!/usr/bin/env bash
# Sets up a fresh machine, builds pkg/ (web target), starts the local Estuary node
# (estuary-user-node) on :3004 with its seeded demo user, serves the demo page on :8080 and
# prints its URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh demo

NODE_PORT="${ESTUARY_PORT:-3004}"
PAGE_PORT="${DEMO_PORT:-8080}"

bash scripts/build-pkg.sh

mkdir -p target
# The local node is the estuary-user-node package (estuary-user-node/, linked into node_modules
# by npm ci): its command prints one JSON line on stdout when it is ready, and logs requests on
# stderr.
rm -f target/demo-node.json
estuary-user-node --port "$NODE_PORT" > target/demo-node.json 2> target/demo-server.log &
server=$!
trap 'kill $server $page 2>/dev/null || true' EXIT INT TERM
page=""
for _ in $(seq 50); do
  [ -s target/demo-node.json ] && break
  sleep 0.1
done
token=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).tokens.user)' "$(head -n 1 target/demo-node.json)" 2>/dev/null || true)
[ -n "$token" ] || { cat target/demo-node.json target/demo-server.log; exit 1; }

node www/serve.mjs --port "$PAGE_PORT" &
page=$!
echo
echo "Estuary-compatible node: http://127.0.0.1:$NODE_PORT   (demo token: $token)"
# The token goes in the fragment: browsers never send it to a server or in a Referer.
echo "Open the demo:           http://127.0.0.1:$PAGE_PORT/www/?baseUrl=http://127.0.0.1:$NODE_PORT#token=$token"
echo "Press Ctrl+C to stop."
wait $server
