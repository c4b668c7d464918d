// estuary-user-node: a local Estuary node for tests and demos. Types: ../index.d.ts.
export { startNode, isLoopback } from './server.mjs';
export { tokenHash } from './store.mjs';
