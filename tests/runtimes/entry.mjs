// Arguments: one JSON object {baseUrl, token, wrongToken}, then optionally the entry.
import { drive } from './driver.mjs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const specifier = args[1] ?? 'estuary-user';
const estuary = await import(specifier);
const init = estuary.default;
const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.versions.node}`;
await init();
const result = await drive(estuary, JSON.parse(args[0]));
console.log(JSON.stringify({ runtime, entry: import.meta.resolve(specifier), result }));
