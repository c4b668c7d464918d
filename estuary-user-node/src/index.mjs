// estuary-user-node: a local Estuary node for tests and demos. Types: ../index.d.ts.
export { startNode } from './server.mjs';
export { isLoopback } from './hosts.mjs';
export { tokenHash } from './store.mjs';
