// Where the behaviour suite gets the local Estuary node: the estuary-user-node package, the one
// line to change if the node moves.
export { startNode } from 'estuary-user-node';
