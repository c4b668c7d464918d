// A CommonJS caller: `require("estuary-user")` of the ESM-only package (Node's require(esm),
// unflagged since Node 20.19 and 22.12), then init() and the shared driver. Prints one JSON line:
// what it saw, or the error code.
let estuary;
try {
  estuary = require('estuary-user');
} catch (e) {
  console.log(JSON.stringify({ requireFailed: e.code }));
  process.exit(0);
}
(async () => {
  await estuary.default();
  const { drive } = await import('./driver.mjs');
  const result = await drive(estuary, JSON.parse(process.argv[2]));
  console.log(JSON.stringify({ entry: require.resolve('estuary-user'), result }));
})();
