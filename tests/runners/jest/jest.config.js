// Jest runs an ESM app's tests natively (no transform) when Node has vm modules:
// `NODE_OPTIONS=--experimental-vm-modules jest` (package.json "test"). README "Testing your
// app" shows this file without these comments; tests/runners/runners.test.mjs checks it.
export default {
  testEnvironment: "node",
  transform: {},
};
