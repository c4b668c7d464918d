// The README's quick start, verbatim (tests/types/readme.test.mjs keeps the two equal), type-checked
// with tsc --strict against the built package like usage.ts.
import init, { EstuaryUser, isEstuaryError } from "estuary-user";

await init();

const user = new EstuaryUser({
  token: "EST…ARY", // an API key or session token
  baseUrl: "http://localhost:3004", // required: there is no default host
});

const keys = await user.listApiKeys();
const key = await user.createApiKey({ expiry: "720h", label: "ci" });
console.log(key.token, keys.length); // the new token is shown only once
await user.revokeApiKey(key); // sent as its tokenHash
const { totalSize, numPins } = await user.getStats();
const dump = await user.exportData({ timeoutMs: 120_000 });
console.log(totalSize, numPins, dump.Version1.Contents.length);

try {
  await user.getStats({ signal: AbortSignal.timeout(5_000) });
} catch (e) {
  if (isEstuaryError(e) && e.kind === "unauthorized") console.log("log in again:", e.reason);
  else throw e;
}
