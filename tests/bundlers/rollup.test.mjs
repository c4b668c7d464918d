// Rollup 4 with @rollup/plugin-node-resolve only: the inline entry needs nothing else; the
// default entry needs @web/rollup-plugin-import-meta-assets (Rollup leaves
// `new URL("….wasm", import.meta.url)` as it is and emits no .wasm). The commands are the
// scripts of rollup/package.json, quoted in the README.
import { bundlerRows } from './matrix.mjs';

bundlerRows('rollup', {
  html: { src: './index.js' },
  rows: [
    { entry: 'default', script: 'build' },
    { entry: 'inline', script: 'build:inline' },
  ],
});
