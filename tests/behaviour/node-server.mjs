// Where the behaviour suite gets the local Estuary-compatible node: the one line to change if the
// node moves.
export { startServer } from '../server/estuary-server.mjs';
