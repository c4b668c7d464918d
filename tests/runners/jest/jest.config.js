// Jest runs an ESM app's tests natively (no transform) when Node has vm modules:
// `NODE_OPTIONS=--experimental-vm-modules jest` (package.json "test").
export default {
  testEnvironment: 'node',
  transform: {},
};
