// Node 18/20/22, Deno 2 and Bun 1: import the installed package by name (they all pick the
// `node` condition, node.js), `await init()`, run the shared driver, print one JSON line.
// Arguments: one JSON object {baseUrl, token, wrongToken}.
import init, * as estuary from 'estuary-user';
import { drive } from './driver.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.versions.node}`;
await init();
const result = await drive(estuary, JSON.parse(args[0]));
console.log(JSON.stringify({ runtime, entry: import.meta.resolve('estuary-user'), result }));
