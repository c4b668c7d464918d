#!/usr/bin/env node
// The `estuary-user-node` command: see ../README.md or `estuary-user-node --help`.
import { main } from '../src/cli.mjs';

main().catch((e) => {
  process.stderr.write(`estuary-user-node: ${e?.stack ?? e}\n`);
  process.exit(1);
});
